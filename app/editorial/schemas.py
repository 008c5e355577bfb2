"""Types shared by the admin write schemas, and the admin-only read shapes."""

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
)

from app.schemas import ReadModel, Timestamp

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=SLUG_PATTERN),
]
"""A URL slug: lowercase letters, digits and single hyphens."""

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]

_http_url = TypeAdapter(AnyHttpUrl)


def reject_null(value: Any) -> Any:
    """For PATCH fields that may be left out but not set to null:
    `field_validator("name", ...)(reject_null)`."""
    if value is None:
        raise ValueError("cannot be null")
    return value


def _check_url(value: str) -> str:
    parsed = _http_url.validate_python(value)
    if parsed.scheme not in ("http", "https"):
        raise ValueError("must be an http or https URL")
    return value


HttpUrlText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_check_url)
]
"""An absolute http(s) URL, kept as the editor typed it."""


class WriteModel(BaseModel):
    """Base of admin write schemas: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class RevisionRead(ReadModel):
    """An earlier version of a row, restorable with `POST .../revisions/{number}/restore`."""

    number: int = Field(description="The row version this was, before the save after it.")
    created_at: Timestamp
    created_by_id: int | None
    data: dict[str, Any] = Field(description="The fields as they were, in the write shape.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": 3,
                    "created_at": "2026-11-28T14:05:00+00:00",
                    "created_by_id": 2,
                    "data": {"title": "China-Russia partnership", "status": "draft"},
                }
            ]
        }
    )


class PreviewLink(BaseModel):
    """A signed, expiring link to a draft as it would look published."""

    token: str
    url: str = Field(description="`GET` it (no sign-in needed) until it expires.")
    expires_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                    "url": "http://127.0.0.1:8000/api/v1/preview/eyJhbGciOi...",
                    "expires_at": "2026-11-30T14:00:00+00:00",
                }
            ]
        }
    )
