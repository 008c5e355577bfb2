from pydantic import ConfigDict, Field

from app.schemas import ReadModel, Timestamp

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
                    "seo_title": None,
                    "seo_description": None,
                    "canonical_url": None,
                    "og_image_url": None,
                    "noindex": False,
                }
            ]
        }
    )
