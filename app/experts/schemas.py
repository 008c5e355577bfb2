from pydantic import AwareDatetime, ConfigDict, Field

from app.editorial.schemas import Html, HttpUrlText, LongText, Slug, Text, WriteModel
from app.refs import ASIA_PROGRAM, CHINA, LYLE, ProgramRef, TopicRef
from app.schemas import ReadModel, Timestamp
from app.workflow import Status

_PROFILE_URL = "https://www.defensepriorities.org/experts/lyle-goldstein"

_SUMMARY_EXAMPLE = {
    **LYLE,
    "given_name": "Lyle",
    "family_name": "Goldstein",
    "organization": "Defense Priorities",
    "short_bio": "Director of Asia Engagement at Defense Priorities.",
    "programs": [ASIA_PROGRAM],
    "topics": [CHINA, {"slug": "russia", "name": "Russia"}],
}


class ExpertLink(ReadModel):
    """A link on an expert's profile."""

    label: str = Field(examples=["Defense Priorities profile"])
    url: str = Field(examples=[_PROFILE_URL])
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"label": "Defense Priorities profile", "url": _PROFILE_URL}]
        }
    )


class ExpertSummary(ReadModel):
    """An expert as listed: everything but the long bio and contact details."""

    slug: str = Field(examples=["lyle-goldstein"])
    name: str = Field(description="Given and family name.", examples=["Lyle Goldstein"])
    given_name: str = Field(examples=["Lyle"])
    family_name: str = Field(description="Lists sort by it.", examples=["Goldstein"])
    title: str | None = Field(default=None, examples=["Director, Asia Program"])
    organization: str | None = Field(default=None, examples=["Defense Priorities"])
    short_bio: str | None = Field(default=None, description="One or two sentences, plain text.")
    photo_url: str | None = None
    programs: list[ProgramRef] = Field(description="Programs the expert belongs to, by name.")
    topics: list[TopicRef] = Field(description="Topics of expertise, by name.")
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})


class ExpertRead(ExpertSummary):
    """An expert's full profile."""

    bio: str | None = Field(default=None, description="Sanitized HTML.")
    email: str | None = None
    links: list[ExpertLink] = Field(default_factory=list, description="Profiles elsewhere.")
    published_at: Timestamp = Field(description="When the profile went public, UTC.")
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "bio": "<p>Lyle Goldstein is Director of Asia Engagement at Defense "
                    "Priorities.</p>",
                    "email": None,
                    "links": [{"label": "Defense Priorities profile", "url": _PROFILE_URL}],
                    "published_at": "2023-01-09T14:00:00+00:00",
                    "updated_at": "2025-06-13T13:00:00+00:00",
                }
            ]
        }
    )


_Name = Text(min_length=1, max_length=200)
_Text300 = Text(max_length=300)
_Email = Text(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ExpertLinkWrite(WriteModel):
    """A link on an expert's profile."""

    label: _Name
    url: HttpUrlText
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"label": "Defense Priorities profile", "url": _PROFILE_URL}]
        }
    )


class _ExpertFields(WriteModel):
    title: _Text300 | None = None
    organization: _Text300 | None = None
    short_bio: LongText | None = Field(default=None, description="Sanitized.")
    bio: Html | None = Field(default=None, description="HTML; sanitized on the way in.")
    photo_url: HttpUrlText | None = None
    email: _Email | None = None
    links: list[ExpertLinkWrite] | None = None
    published_at: AwareDatetime | None = Field(
        default=None, description="With `status: published`, a future time schedules it."
    )
    programs: list[Slug] | None = Field(default=None, description="Program slugs.")
    topics: list[Slug] | None = Field(default=None, description="Topic slugs.")


_WRITE_EXAMPLE = {
    "given_name": "Lyle",
    "family_name": "Goldstein",
    "title": "Director, Asia Program",
    "organization": "Defense Priorities",
    "status": "published",
    "short_bio": "Director of Asia Engagement at Defense Priorities.",
    "programs": ["asia-program"],
    "topics": ["china", "russia"],
    "links": [{"label": "Defense Priorities profile", "url": _PROFILE_URL}],
}


class ExpertCreate(_ExpertFields):
    """A new expert. Relations are given by slug; the slug comes from the name if absent."""

    given_name: _Name
    family_name: _Name
    slug: Slug | None = None
    status: Status = Status.draft
    model_config = ConfigDict(json_schema_extra={"examples": [_WRITE_EXAMPLE]})


class ExpertUpdate(_ExpertFields):
    """Changes to an expert: only the fields sent are touched."""

    # Omit a field to leave it; `null` is refused where the column needs a value.
    given_name: _Name = Field(default=None)
    family_name: _Name = Field(default=None)
    slug: Slug = Field(default=None, description="A new slug; the old one redirects.")
    status: Status = Field(default=None)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "Director of Asia Engagement"}]}
    )


_ADMIN_EXTRA = {
    "id": 1,
    "status": "published",
    "published_at": "2023-01-09T14:00:00+00:00",
    "version": 3,
    "created_at": "2023-01-09T10:00:00+00:00",
    "updated_at": "2025-06-13T13:00:00+00:00",
}


class ExpertAdminSummary(ExpertSummary):
    """An expert as editors list them: any status."""

    id: int
    status: Status = Field(
        validation_alias="current_status",
        description="A scheduled profile whose time has passed reads `published`.",
    )
    published_at: Timestamp | None = Field(description="When the profile goes public, UTC.")
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    created_at: Timestamp
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUMMARY_EXAMPLE, **_ADMIN_EXTRA}]}
    )


class ExpertAdminRead(ExpertRead, ExpertAdminSummary):
    """An expert with everything editors can change."""

    published_at: Timestamp | None = Field(description="When the profile goes public, UTC.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    **_ADMIN_EXTRA,
                    "bio": "<p>Lyle Goldstein is Director of Asia Engagement.</p>",
                    "email": None,
                    "links": [{"label": "Defense Priorities profile", "url": _PROFILE_URL}],
                }
            ]
        }
    )
