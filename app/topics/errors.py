from app.errors import NotFound


class TopicNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No topic with slug {slug!r}.", slug=slug)
