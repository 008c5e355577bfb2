import functools
import zoneinfo
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

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
from app.events.models import EventFormat, EventSpeaker
from app.refs import ASIA_PROGRAM, CHINA, LYLE, ProgramRef, TopicRef
from app.schemas import ReadModel, Timestamp
from app.workflow import Status

_GUEST_EXAMPLE = {
    "expert": False,
    "slug": None,
    "name": "Jane Doe",
    "title": "Professor of Political Science",
    "organization": "Example University",
    "photo_url": "https://cdn.example.org/speakers/jane-doe.jpg",
    "role": "Panelist",
}

_EXPERT_EXAMPLE = {
    "expert": True,
    "slug": LYLE["slug"],
    "name": LYLE["name"],
    "title": LYLE["title"],
    "organization": "Defense Priorities",
    "photo_url": LYLE["photo_url"],
    "role": None,
}


def _speaker_fields(row: EventSpeaker) -> dict[str, Any]:
    expert = row.expert
    if expert is None:
        return {
            "expert": False,
            "slug": None,
            "name": row.name,
            "title": row.title,
            "organization": row.organization,
            "photo_url": row.photo_url,
            "role": row.role,
        }
    return {
        "expert": True,
        "slug": expert.slug,
        "name": expert.name,
        "title": row.title or expert.title,
        "organization": row.organization or expert.organization,
        "photo_url": row.photo_url or expert.photo_url,
        "role": row.role,
    }


def _shown(row: Any) -> bool:
    # The expert did not load when it is not public; a guest needs at least a name.
    if row.expert_id is not None:
        return row.expert is not None
    return bool(row.name)


def visible_speakers(values: Any) -> Any:
    """Drop speaker rows whose expert is hidden from the public, or who have no name."""
    if isinstance(values, list | tuple):
        return [v for v in values if not isinstance(v, EventSpeaker) or _shown(v)]
    return values


class Speaker(ReadModel):
    """A speaker: one of our experts (with a `slug` to their profile) or an outside guest."""

    expert: bool = Field(description="True for one of our experts, false for an outside guest.")
    slug: str | None = Field(default=None, description="The expert's slug; null for a guest.")
    name: str
    title: str | None = None
    organization: str | None = None
    photo_url: str | None = None
    role: str | None = Field(default=None, description="Moderator, panelist, keynote ...")

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, value: Any) -> Any:
        return _speaker_fields(value) if isinstance(value, EventSpeaker) else value

    model_config = ConfigDict(json_schema_extra={"examples": [_EXPERT_EXAMPLE, _GUEST_EXAMPLE]})


_SUMMARY_EXAMPLE = {
    "id": 2,
    "slug": "china-russia-cooperation-or-a-no-limits-alliance",
    "title": "China-Russia: Cooperation or a no-limits alliance?",
    "summary": None,
    "starts_at": "2025-04-03T13:00:00+00:00",
    "ends_at": None,
    "timezone": "America/New_York",
    "format": "virtual",
    "location": None,
    "registration_url": None,
    "recording_url": None,
    "image_url": None,
    "cancelled": False,
    "speakers": [_GUEST_EXAMPLE],
    "topics": [
        CHINA,
        {"slug": "alliances", "name": "Alliances"},
        {"slug": "balance-of-power", "name": "Balance of power"},
        {"slug": "diplomacy", "name": "Diplomacy"},
        {"slug": "grand-strategy", "name": "Grand strategy"},
        {"slug": "russia", "name": "Russia"},
    ],
    "programs": [ASIA_PROGRAM],
    "published_at": "2025-03-20T13:00:00+00:00",
    "updated_at": "2025-04-04T13:00:00+00:00",
}

_SEO_EXAMPLE = {
    "seo_title": None,
    "seo_description": None,
    "canonical_url": None,
    "og_image_url": None,
    "noindex": False,
}


class EventSummary(ReadModel):
    """An event as listed: everything but the body."""

    id: int
    slug: str = Field(examples=["china-russia-cooperation-or-a-no-limits-alliance"])
    title: str
    summary: str | None = None
    starts_at: Timestamp = Field(description="When it starts, UTC.")
    ends_at: Timestamp | None = Field(default=None, description="When it ends, UTC, if known.")
    timezone: str = Field(
        description="IANA time zone to show the times in.", examples=["America/New_York"]
    )
    format: EventFormat = Field(description="Labels for display are in `GET /api/v1/site`.")
    location: str | None = Field(default=None, description="Where, for in-person and hybrid.")
    registration_url: str | None = None
    recording_url: str | None = Field(default=None, description="The recording, once it is up.")
    image_url: str | None = None
    cancelled: bool = Field(description="Cancelled events stay listed, flagged.")
    speakers: list[Speaker] = Field(description="In the order shown.")
    topics: list[TopicRef] = Field(description="Every topic, in the order editors gave them.")
    programs: list[ProgramRef]
    published_at: Timestamp | None = Field(description="When it went (or goes) public, UTC.")
    updated_at: Timestamp

    _speakers = field_validator("speakers", mode="before")(visible_speakers)
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})


class EventRead(EventSummary):
    """An event with its body and search-engine fields."""

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
                    "body": "<p>Is the China-Russia partnership a marriage of convenience or "
                    "a no-limits alliance?</p>",
                    **_SEO_EXAMPLE,
                }
            ]
        }
    )


@functools.cache
def _iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _known_timezone(value: str) -> str:
    if value not in _iana_zones():
        raise ValueError("must be an IANA time zone such as America/New_York")
    return value


TimeZoneName = Annotated[Text(max_length=64), AfterValidator(_known_timezone)]
"""An IANA time zone name."""

_Text300 = Text(max_length=300)
_Text100 = Text(max_length=100)


class SpeakerWrite(WriteModel):
    """A speaker: `expert` (one of our experts, by slug) or `name` (an outside guest).
    `title`, `organization` and `photo_url` override the expert's own."""

    expert: Slug | None = Field(default=None, description="Expert slug, for one of ours.")
    name: _Text300 | None = Field(default=None, description="The guest's name.")
    title: _Text300 | None = None
    organization: _Text300 | None = None
    photo_url: HttpUrlText | None = None
    role: _Text100 | None = Field(default=None, description="Moderator, panelist, keynote ...")

    @model_validator(mode="after")
    def _expert_or_guest(self) -> "SpeakerWrite":
        if bool(self.expert) == bool(self.name):
            raise ValueError("needs exactly one of `expert` (an expert slug) or `name` (a guest)")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"expert": "lyle-goldstein", "role": "Moderator"},
                {
                    "name": "Jane Doe",
                    "title": "Professor of Political Science",
                    "organization": "Example University",
                    "role": "Panelist",
                },
            ]
        }
    )


# Explicit nulls for these would break a NOT NULL column; leaving them out is the way.
_NOT_NULL = ("title", "starts_at", "timezone", "format", "cancelled", "noindex")


class _EventFields(WriteModel):
    summary: LongText | None = None
    body: Html | None = Field(default=None, description="HTML; sanitized on the way in.")
    ends_at: AwareDatetime | None = Field(default=None, description="Later than `starts_at`.")
    location: ShortText | None = None
    registration_url: HttpUrlText | None = None
    recording_url: HttpUrlText | None = None
    image_url: HttpUrlText | None = None
    cancelled: bool | None = None
    topics: list[Slug] | None = Field(default=None, description="Topic slugs, in order.")
    programs: list[Slug] | None = Field(default=None, description="Program slugs.")
    speakers: list[SpeakerWrite] | None = Field(default=None, description="In the order shown.")
    published_at: AwareDatetime | None = Field(
        default=None, description="With `status: published`, a future time schedules it."
    )
    seo_title: Text(max_length=300, strip=False) | None = None
    seo_description: ShortText | None = None
    canonical_url: HttpUrlText | None = None
    og_image_url: HttpUrlText | None = None
    noindex: bool | None = None

    @field_validator(*_NOT_NULL, mode="after", check_fields=False)
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out but not null")
        return value


_WRITE_EXAMPLE = {
    "title": "China-Russia: Cooperation or a no-limits alliance?",
    "starts_at": "2025-04-03T13:00:00+00:00",
    "ends_at": "2025-04-03T14:00:00+00:00",
    "timezone": "America/New_York",
    "format": "virtual",
    "registration_url": "https://events.example.org/china-russia",
    "topics": ["china", "russia"],
    "programs": ["asia-program"],
    "speakers": [
        {"expert": "lyle-goldstein", "role": "Moderator"},
        {"name": "Jane Doe", "organization": "Example University", "role": "Panelist"},
    ],
    "status": "published",
    "published_at": "2025-03-20T13:00:00+00:00",
}


class EventCreate(_EventFields):
    """A new event. Relations are given by slug; the slug comes from the title if absent."""

    title: Title
    slug: Slug | None = None
    starts_at: AwareDatetime = Field(description="With an offset; stored in UTC.")
    timezone: TimeZoneName = Field(description="IANA time zone to show the times in.")
    format: EventFormat
    status: Status = Status.draft
    model_config = ConfigDict(json_schema_extra={"examples": [_WRITE_EXAMPLE]})


class EventUpdate(_EventFields):
    """Changes to an event: only the fields sent are touched."""

    title: Title | None = None
    slug: Slug | None = Field(default=None, description="A new slug; the old one redirects.")
    starts_at: AwareDatetime | None = None
    timezone: TimeZoneName | None = None
    format: EventFormat | None = None
    status: Status | None = None
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"cancelled": True}, {"ends_at": "2025-04-03T15:00:00Z"}]}
    )


_ADMIN_EXTRA = {
    "status": "published",
    "version": 3,
    "created_at": "2025-03-18T10:00:00+00:00",
    "created_by_id": 2,
}


class EventAdminSummary(EventSummary):
    """An event as editors list it: any status."""

    status: Status = Field(
        validation_alias="current_status",
        description="A scheduled event whose publication time has passed reads `published`.",
    )
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    created_at: Timestamp
    created_by_id: int | None = None
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUMMARY_EXAMPLE, **_ADMIN_EXTRA}]}
    )


class EventAdminRead(EventRead, EventAdminSummary):
    """An event with everything editors can change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    **_ADMIN_EXTRA,
                    "body": "<p>Is the China-Russia partnership a marriage of convenience?</p>",
                    **_SEO_EXAMPLE,
                }
            ]
        }
    )
