from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from app.articles.models import ArticleKind
from app.editorial.schemas import (
    Html,
    HttpUrlText,
    LongText,
    ShortText,
    Slug,
    Text,
    Title,
    WriteModel,
)
from app.refs import ASIA, CHINA, LYLE, ExpertRef, ProgramRef, TopicRef, TopicWithParent
from app.schemas import ReadModel, Timestamp, drop_hidden
from app.workflow import Status


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
    embargoed_until: Timestamp | None = Field(
        default=None,
        description="Only for keys with `embargo:read`, on an embargoed article before its "
        "time: when it goes public. Do not publish it before then.",
    )

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


class PressContactWrite(WriteModel):
    """Who journalists call about a press release."""

    name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "press@defensepriorities.org"}]}
    )


class _ArticleFields(WriteModel):
    summary: LongText | None = None
    body: Html | None = Field(default=None, description="HTML; sanitized on the way in.")
    published_at: AwareDatetime | None = Field(
        default=None, description="With `status: published`, a future time schedules it."
    )
    primary_topic: Slug | None = Field(
        default=None, description="Topic slug for the breadcrumb; defaults to the first topic."
    )
    topics: list[Slug] | None = Field(default=None, description="Topic slugs, in order.")
    programs: list[Slug] | None = None
    authors: list[Slug] | None = Field(default=None, description="Expert slugs, in order.")
    featured_experts: list[Slug] | None = Field(default=None, description="Expert slugs, in order.")
    external_url: HttpUrlText | None = None
    outlet: ShortText | None = None
    press_contact: PressContactWrite | None = None
    image_url: HttpUrlText | None = None
    image_alt: ShortText | None = None
    seo_title: Text(max_length=300, strip=False) | None = None
    seo_description: ShortText | None = None
    canonical_url: HttpUrlText | None = None
    og_image_url: HttpUrlText | None = None
    noindex: bool = Field(default=None)
    embargoed: bool = Field(
        default=None,
        description="Publish under embargo: with a future `published_at`, keys with "
        "`embargo:read` see it at once, everyone else at that time.",
    )


_WRITE_EXAMPLE = {
    "kind": "press-release",
    "title": "China-Russia partnership: Significant but limited",
    "status": "published",
    "published_at": "2023-03-20T13:00:00+00:00",
    "topics": ["china", "alliances", "russia"],
    "authors": ["lyle-goldstein"],
    "body": "<p>WASHINGTON, DC—Today, Chinese President Xi Jinping arrived in Moscow ...</p>",
    "press_contact": {"email": "press@defensepriorities.org"},
}


class ArticleCreate(_ArticleFields):
    """A new article. Relations are given by slug; the slug comes from the title if absent."""

    kind: ArticleKind
    title: Title
    slug: Slug | None = None
    status: Status = Status.draft
    model_config = ConfigDict(json_schema_extra={"examples": [_WRITE_EXAMPLE]})


class ArticleUpdate(_ArticleFields):
    """Changes to an article: only the fields sent are touched."""

    # Omit a field to leave it; `null` is refused where the article needs a value.
    kind: ArticleKind = Field(default=None)
    title: Title = Field(default=None)
    slug: Slug = Field(default=None, description="A new slug; the old one redirects.")
    status: Status = Field(default=None)
    noindex: bool = Field(default=None)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "China-Russia partnership, revisited"}]}
    )


_ADMIN_EXTRA = {
    "status": "published",
    "version": 3,
    "embargoed": False,
    "created_at": "2023-03-18T10:00:00+00:00",
}


class ArticleAdminSummary(ArticleSummary):
    """An article as editors list it: any status."""

    status: Status = Field(
        validation_alias="current_status",
        description="A scheduled article whose time has passed reads `published`.",
    )
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    embargoed: bool = Field(description="Published under embargo (see `embargoed_until`).")
    created_at: Timestamp
    created_by_id: int | None = None
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUMMARY_EXAMPLE, **_ADMIN_EXTRA, "created_by_id": 2}]}
    )


class ArticleAdminRead(ArticleRead, ArticleAdminSummary):
    """An article with everything editors can change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    **_ADMIN_EXTRA,
                    "created_by_id": 2,
                    "body": "<p>WASHINGTON, DC—Today ...</p>",
                    **_SEO_EXAMPLE,
                }
            ]
        }
    )
