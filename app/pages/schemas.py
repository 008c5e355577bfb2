from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

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
from app.schemas import ReadModel, Timestamp
from app.workflow import Status

_MISSION = (
    "Our mission is to inform citizens, thought leaders, and policymakers of the importance "
    "of a strong, dynamic military—used more judiciously to protect America’s narrowly "
    "defined national interests—and promote a realistic grand strategy prioritizing "
    "restraint, diplomacy, and free trade to ensure U.S. security."
)

_SUMMARY_EXAMPLE = {
    "slug": "mission-vision",
    "title": "Mission & Vision",
    "summary": None,
    "published_at": "2023-01-09T14:00:00+00:00",
    "updated_at": "2025-01-06T14:00:00+00:00",
}

_SEO_EXAMPLE = {
    "seo_title": None,
    "seo_description": None,
    "canonical_url": None,
    "og_image_url": None,
    "noindex": False,
}


class PageSummary(ReadModel):
    """A standing page as listed: everything but the body."""

    slug: str = Field(examples=["mission-vision"])
    title: str = Field(examples=["Mission & Vision"])
    summary: str | None = None
    published_at: Timestamp = Field(description="When it went public, UTC.")
    updated_at: Timestamp
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})


class PageRead(PageSummary):
    """A standing page with its body and search-engine fields."""

    body: str = Field(description="Sanitized HTML.")
    seo_title: str | None = None
    seo_description: str | None = None
    canonical_url: str | None = None
    og_image_url: str | None = None
    noindex: bool = Field(default=False, description="Ask search engines not to index it.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "body": f"<p>{_MISSION}</p>",
                    **_SEO_EXAMPLE,
                }
            ]
        }
    )


class _PageFields(WriteModel):
    summary: LongText | None = None
    body: Html | None = Field(default=None, description="HTML; sanitized on the way in.")
    published_at: AwareDatetime | None = Field(
        default=None, description="With `status: published`, a future time schedules it."
    )
    seo_title: Text(max_length=300, strip=False) | None = None
    seo_description: ShortText | None = None
    canonical_url: HttpUrlText | None = None
    og_image_url: HttpUrlText | None = None
    noindex: bool | None = None

    # Explicit nulls for these would break a NOT NULL column; leaving them out is the way.
    @field_validator("title", "noindex", mode="after", check_fields=False)
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out but not null")
        return value


class PageCreate(_PageFields):
    """A new standing page; the slug comes from the title if absent."""

    title: Title
    slug: Slug | None = None
    status: Status = Status.draft
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Mission & Vision",
                    "slug": "mission-vision",
                    "body": f"<p>{_MISSION}</p>",
                    "status": "published",
                }
            ]
        }
    )


class PageUpdate(_PageFields):
    """Changes to a page: only the fields sent are touched."""

    title: Title | None = None
    slug: Slug | None = Field(default=None, description="A new slug; the old one redirects.")
    status: Status | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Our mission"}]})


_ADMIN_EXTRA = {
    "id": 4,
    "status": "published",
    "version": 3,
    "created_at": "2023-01-06T10:00:00+00:00",
    "created_by_id": 2,
}


class PageAdminSummary(PageSummary):
    """A standing page as editors list it: any status, with its id."""

    id: int
    status: Status = Field(
        validation_alias="current_status",
        description="A scheduled page whose time has passed reads `published`.",
    )
    published_at: Timestamp | None = Field(description="When it went (or goes) public, UTC.")
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    created_at: Timestamp
    created_by_id: int | None = None
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUMMARY_EXAMPLE, **_ADMIN_EXTRA}]}
    )


class PageAdminRead(PageRead, PageAdminSummary):
    """A standing page with everything editors can change."""

    # PageRead's own published_at (never null) would win over the admin one by MRO.
    published_at: Timestamp | None = Field(description="When it went (or goes) public, UTC.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**_SUMMARY_EXAMPLE, **_ADMIN_EXTRA, "body": f"<p>{_MISSION}</p>", **_SEO_EXAMPLE}
            ]
        }
    )
