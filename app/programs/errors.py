from app.errors import NotFound


class ProgramNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No program with slug {slug!r}.", slug=slug)
