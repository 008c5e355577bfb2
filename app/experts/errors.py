from app.errors import NotFound


class ExpertNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No expert with slug {slug!r}.", slug=slug)
