from pydantic import ConfigDict, Field

from app.schemas import ReadModel, Timestamp
from app.search.sources import SearchType


class SearchResult(ReadModel):
    """One match: what it is, where its detail lives, and the passage that matched."""

    type: SearchType = Field(description="`article`, `expert`, `event` or `page`.")
    slug: str
    title: str = Field(description="The title; an expert's name.")
    url: str = Field(description="The detail of this item in this API.")
    snippet: str = Field(
        description="A short passage of the summary or body as HTML: the text escaped, "
        "matched words in `<mark>`."
    )
    published_at: Timestamp | None = Field(description="When it went public, UTC.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "article",
                    "slug": "china-russia-partnership-significant-but-limited",
                    "title": "China-Russia partnership: Significant but limited",
                    "url": "https://api.example.org/api/v1/articles/"
                    "china-russia-partnership-significant-but-limited",
                    "snippet": "… Chinese President Xi Jinping arrived in Moscow for a three-day "
                    "<mark>visit</mark> …",
                    "published_at": "2023-03-20T13:00:00+00:00",
                }
            ]
        }
    )
