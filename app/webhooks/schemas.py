from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator

from app.editorial.schemas import HttpUrlText, ShortText, WriteModel, reject_null
from app.schemas import ReadModel, Timestamp
from app.webhooks.models import WebhookEvent
from app.worker.queue import QueueState


def _unique(values: list[WebhookEvent]) -> list[WebhookEvent]:
    return list(dict.fromkeys(values))


Events = Annotated[
    list[WebhookEvent],
    Field(min_length=1, max_length=len(WebhookEvent)),
    AfterValidator(_unique),
]
Secret = Annotated[str, StringConstraints(min_length=16, max_length=200, pattern=r"^\S+$")]

_ENDPOINT_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "url": "https://partner.example.org/hooks/pressroom",
    "events": ["article.published", "article.updated", "article.unpublished"],
    "description": "Partner site mirror",
    "is_active": True,
    "disabled_at": None,
    "disabled_reason": None,
    "consecutive_failures": 0,
    "created_at": "2026-11-28T14:00:00+00:00",
    "updated_at": "2026-11-28T14:00:00+00:00",
}


class WebhookCreate(WriteModel):
    """A receiver to register. Without `secret`, one is generated and shown once."""

    url: HttpUrlText = Field(description="http or https; in production never a private address.")
    events: Events = Field(description="What to send: at least one known event name.")
    secret: Secret | None = Field(
        default=None, description="Signs each POST (16 to 200 characters); generated if absent."
    )
    description: ShortText | None = None
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://partner.example.org/hooks/pressroom",
                    "events": ["article.published", "article.updated"],
                    "description": "Partner site mirror",
                }
            ]
        }
    )


class WebhookUpdate(WriteModel):
    """Changes to an endpoint. `is_active: true` re-enables it and forgets past failures."""

    url: HttpUrlText | None = None
    events: Events | None = None
    description: ShortText | None = None
    is_active: bool | None = None

    _not_null = field_validator("url", "events", "is_active")(reject_null)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"is_active": True}, {"events": ["event.published"]}]}
    )


class WebhookRead(ReadModel):
    """A registered endpoint, without its secret."""

    id: int
    url: str
    events: list[str]
    description: str | None = None
    is_active: bool
    disabled_at: Timestamp | None = None
    disabled_reason: str | None = Field(default=None, examples=["20 failed attempts in a row"])
    consecutive_failures: int = Field(description="Failed attempts since the last success.")
    created_at: Timestamp
    updated_at: Timestamp
    model_config = ConfigDict(json_schema_extra={"examples": [_ENDPOINT_EXAMPLE]})


class WebhookCreated(WebhookRead):
    """The new endpoint, with its secret: shown this once, never again."""

    secret: str | None = Field(
        description="Signs each POST. Shown only in this answer; null when an Idempotency-Key "
        "retry replays a create (rotate the secret if the first answer was lost)."
    )
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_ENDPOINT_EXAMPLE, "secret": "whsec_3q2+7wE1hP0c9Xn5rVd0mA..."}]
        }
    )


class AttemptRead(ReadModel):
    """One try at sending: the status the receiver answered, or what went wrong."""

    at: Timestamp
    status_code: int | None = None
    error: str | None = None
    duration_ms: int
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "at": "2026-11-28T14:01:00+00:00",
                    "status_code": 500,
                    "error": None,
                    "duration_ms": 41,
                }
            ]
        }
    )


class DeliveryRead(ReadModel):
    """One event sent (or to be sent) to an endpoint, with every attempt."""

    id: int
    payload_id: str = Field(description="The body's `id` and the `X-Pressroom-Delivery` header.")
    event: str = Field(examples=["article.published"])
    state: QueueState
    attempts: int
    next_attempt_at: Timestamp = Field(description="When it is due (again), while pending.")
    sent_at: Timestamp | None = None
    response_status: int | None = None
    last_error: str | None = None
    created_at: Timestamp
    body: str = Field(description="The exact JSON sent, the same bytes on every attempt.")
    attempt_log: list[AttemptRead]
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "payload_id": "4f9c2d0e6a7b4d1e9a0f3c5b2e8d7a61",
                    "event": "article.published",
                    "state": "sent",
                    "attempts": 2,
                    "next_attempt_at": "2026-11-28T14:01:10+00:00",
                    "sent_at": "2026-11-28T14:01:11+00:00",
                    "response_status": 204,
                    "last_error": None,
                    "created_at": "2026-11-28T14:01:00+00:00",
                    "body": '{"id":"4f9c2d0e6a7b4d1e9a0f3c5b2e8d7a61",'
                    '"event":"article.published","created_at":"2026-11-28T14:01:00+00:00",'
                    '"object":{"slug":"china-russia-partnership"}}',
                    "attempt_log": [
                        {
                            "at": "2026-11-28T14:01:00+00:00",
                            "status_code": 500,
                            "error": None,
                            "duration_ms": 41,
                        },
                        {
                            "at": "2026-11-28T14:01:11+00:00",
                            "status_code": 204,
                            "error": None,
                            "duration_ms": 12,
                        },
                    ],
                }
            ]
        }
    )
