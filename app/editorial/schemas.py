"""Types shared by the admin write schemas, and the admin-only read shapes."""

import re
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

# What XML 1.0 (so every RSS and Atom feed) cannot carry: C0 controls, lone surrogates,
# U+FFFE and U+FFFF. Text with lines may hold tabs and line breaks.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refusing(pattern: re.Pattern[str], rule: str) -> AfterValidator:
    def check(value: str) -> str:
        if found := pattern.search(value):
            raise ValueError(f"{rule} (found U+{ord(found[0]):04X})")
        return value

    return AfterValidator(check)


_ONE_LINE = _refusing(_NOT_IN_A_LINE, "must be one line without control characters")
_LINES = _refusing(_NOT_IN_TEXT, "must not contain control characters")


def Text(
    *,
    max_length: int | None = None,
    min_length: int | None = None,
    lines: bool = False,
    strip: bool | None = None,
    pattern: str | None = None,
) -> Any:
    """The type of every text field people write: a control character is a 422 naming the
    field. One line unless `lines` (bodies, bios: tabs and line breaks allowed); surrounding
    whitespace is stripped from a line unless `strip=False`."""
    strip = not lines if strip is None else strip
    constraints = StringConstraints(
        strip_whitespace=strip or None,
        min_length=min_length,
        max_length=max_length,
        pattern=pattern,
    )
    return Annotated[str, constraints, _LINES if lines else _ONE_LINE]


Title = Text(min_length=1, max_length=500)
ShortText = Text(max_length=500)
LongText = Text(max_length=5000, lines=True)
Html = Text(lines=True)
"""HTML as sent; each service sanitizes it on the way in."""

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


HttpUrlText = Annotated[Text(max_length=2000), AfterValidator(_check_url)]
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
