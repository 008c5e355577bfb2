from app.errors import NotFound


class EventNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No event with slug {slug!r}.", slug=slug)
