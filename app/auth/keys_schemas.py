"""Partner API keys as admins create and see them. The secret appears in one answer only."""

import enum
from datetime import datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
)

from app.auth.models import ApiKeyScope
from app.db import utcnow
from app.editorial.schemas import Text, WriteModel
from app.schemas import ReadModel, Timestamp

MAX_RATE_LIMIT = 100_000


class ApiKeyState(enum.StrEnum):
    active = "active"
    revoked = "revoked"
    expired = "expired"


KeyName = Text(min_length=1, max_length=200)
RateLimit = Annotated[int, Field(ge=1, le=MAX_RATE_LIMIT)]


class ApiKeyCreate(WriteModel):
    """A new partner key. The secret is answered once, in `key`, and stored only as a hash."""

    name: KeyName = Field(description="Who the key is for, as admins will recognise it.")
    scopes: list[ApiKeyScope] = Field(
        min_length=1,
        description="`content:read` reads content; `embargo:read` also sees embargoed items.",
    )
    rate_limit_per_minute: RateLimit | None = Field(
        default=None,
        description="Requests a minute for this key; null means RATE_LIMIT_PARTNER_PER_MINUTE.",
    )
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the key stops working (in the future); null: never."
    )

    @field_validator("scopes")
    @classmethod
    def _unique(cls, value: list[ApiKeyScope]) -> list[ApiKeyScope]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a scope")
        return value

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= utcnow():
            raise ValueError("must be in the future")
        return value

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "The China Project syndication",
                    "scopes": ["content:read"],
                    "rate_limit_per_minute": 1200,
                    "expires_at": "2027-12-31T23:59:59+00:00",
                }
            ]
        }
    )


_KEY_EXAMPLE = {
    "id": 7,
    "name": "The China Project syndication",
    "prefix": "3f9a1c0b7d2e",
    "scopes": ["content:read"],
    "rate_limit_per_minute": 1200,
    "expires_at": "2027-12-31T23:59:59+00:00",
    "created_at": "2026-11-28T15:00:00+00:00",
    "created_by_id": 1,
    "revoked_at": None,
    "state": "active",
    "request_count": 18342,
    "last_used_at": "2026-11-28T16:42:10+00:00",
}


class ApiKeyRead(ReadModel):
    """A partner key and its usage, never its secret."""

    id: int
    name: str
    prefix: str = Field(description="The public part of the key: `prk_<prefix>_...`.")
    scopes: list[ApiKeyScope]
    rate_limit_per_minute: int | None = Field(
        description="Its own limit; null means RATE_LIMIT_PARTNER_PER_MINUTE."
    )
    expires_at: Timestamp | None
    created_at: Timestamp
    created_by_id: int | None
    revoked_at: Timestamp | None
    request_count: int = Field(
        description="Requests made with it on rate-limited paths (counts lag a few seconds)."
    )
    last_used_at: Timestamp | None
    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_EXAMPLE]})

    @computed_field(description="`active`, or why it no longer works.")  # type: ignore[prop-decorator]
    @property
    def state(self) -> ApiKeyState:
        if self.revoked_at is not None:
            return ApiKeyState.revoked
        if self.expires_at is not None and self.expires_at <= utcnow():
            return ApiKeyState.expired
        return ApiKeyState.active


class ApiKeySecret(ApiKeyRead):
    """A key just created or rotated, with its secret: shown this once."""

    key: str | None = Field(
        description="Send it as `X-API-Key`. Shown only in this answer; null when an "
        "Idempotency-Key retry replays a create (rotate the key if the first answer was lost)."
    )
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_KEY_EXAMPLE, "key": "prk_3f9a1c0b7d2e_Yx8...", "request_count": 0}]
        }
    )


def with_secret(row: object, key: str | None) -> ApiKeySecret:
    """The answer to a create or rotate: the key as read, plus its secret."""
    read = ApiKeyRead.model_validate(row)
    return ApiKeySecret(**read.model_dump(exclude={"state"}), key=key)
