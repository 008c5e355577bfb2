from app.errors import NotFound


class ArticleNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No article with slug {slug!r}.", slug=slug)
