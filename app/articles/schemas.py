from pydantic import ConfigDict, Field, field_validator

from app.articles.models import ArticleKind
from app.refs import ASIA, CHINA, LYLE, ExpertRef, ProgramRef, TopicRef, TopicWithParent
from app.schemas import ReadModel, Timestamp, drop_hidden


class PressContact(ReadModel):
    """Who journalists call about a press release."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": None, "email": "press@defensepriorities.org", "phone": None}]
        }
    )


_SUMMARY_EXAMPLE = {
    "id": 2,
    "slug": "china-russia-partnership-significant-but-limited",
    "kind": "press-release",
    "title": "China-Russia partnership: Significant but limited",
    "summary": None,
    "published_at": "2023-03-20T13:00:00+00:00",
    "updated_at": "2023-03-20T13:00:00+00:00",
    "primary_topic": {**CHINA, "parent": ASIA},
    "topics": [
        CHINA,
        {"slug": "alliances", "name": "Alliances"},
        {"slug": "russia", "name": "Russia"},
    ],
    "programs": [],
    "authors": [LYLE],
    "featured_experts": [],
    "external_url": None,
    "outlet": None,
    "press_contact": {"name": None, "email": "press@defensepriorities.org", "phone": None},
    "image_url": None,
    "image_alt": None,
}

_SEO_EXAMPLE = {
    "seo_title": None,
    "seo_description": None,
    "canonical_url": None,
    "og_image_url": None,
    "noindex": False,
}


class ArticleSummary(ReadModel):
    """An article as listed: everything but the body."""

    id: int
    slug: str = Field(examples=["china-russia-partnership-significant-but-limited"])
    kind: ArticleKind = Field(description="Labels for display are in `GET /api/v1/site`.")
    title: str
    summary: str | None = None
    published_at: Timestamp | None = Field(description="When it went (or goes) public, UTC.")
    updated_at: Timestamp
    primary_topic: TopicWithParent | None = Field(
        default=None, description="The breadcrumb topic; its parent names the related rail."
    )
    topics: list[TopicRef] = Field(description="Every topic, in the order editors gave them.")
    programs: list[ProgramRef]
    authors: list[ExpertRef] = Field(description='The by-line, "By ...", in order.')
    featured_experts: list[ExpertRef] = Field(description='"Featuring ...", in order.')
    external_url: str | None = Field(
        default=None, description='In-the-media pieces: the outside link ("Read at ...").'
    )
    outlet: str | None = Field(default=None, examples=["The China Project"])
    press_contact: PressContact | None = Field(default=None, description="Press releases.")
    image_url: str | None = Field(default=None, description="The lead image.")
    image_alt: str | None = None

    _drop = field_validator("topics", "authors", "featured_experts", mode="before")(drop_hidden)
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})


class ArticleRead(ArticleSummary):
    """An article with its body and search-engine fields."""

    body: str = Field(description="Sanitized HTML.")
    seo_title: str | None = None
    seo_description: str | None = None
    canonical_url: str | None = None
    og_image_url: str | None = None
    noindex: bool = False
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "body": "<p>WASHINGTON, DC—Today, Chinese President Xi Jinping arrived in "
                    "Moscow for a three-day visit ...</p>",
                    **_SEO_EXAMPLE,
                }
            ]
        }
    )
