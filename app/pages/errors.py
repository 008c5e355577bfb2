from app.errors import NotFound


class PageNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No page with slug {slug!r}.", slug=slug)
