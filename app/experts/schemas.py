from pydantic import ConfigDict, Field

from app.refs import ASIA_PROGRAM, CHINA, LYLE, ProgramRef, TopicRef
from app.schemas import ReadModel, Timestamp

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
