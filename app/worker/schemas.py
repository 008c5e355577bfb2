"""What an admin sees of the outbox: emails and webhook deliveries in one list."""

import enum
from typing import Any

from pydantic import ConfigDict, Field

from app.schemas import ReadModel, Timestamp
from app.worker.queue import QueueState


class OutboxKind(enum.StrEnum):
    email = "email"
    webhook = "webhook"


_EXAMPLE: dict[str, Any] = {
    "id": "email-12",
    "kind": "email",
    "state": "pending",
    "attempts": 14,
    "next_attempt_at": "2026-11-28T15:00:00+00:00",
    "last_error": "SMTPConnectError: Error connecting to 127.0.0.1 on port 587",
    "target": "ada@example.org",
    "summary": "Confirm your subscription",
    "created_at": "2026-11-28T01:00:00+00:00",
    "sent_at": None,
}


class OutboxItem(ReadModel):
    """One email or webhook delivery that a worker sends, and where sending stands."""

    id: str = Field(description="`email-{id}` or `webhook-{id}`: what to retry.")
    kind: OutboxKind
    state: QueueState = Field(
        description="`pending`: due at `next_attempt_at` (waiting out a failure, or, for a "
        "webhook, its endpoint disabled); `failed`: given up, until retried; `sent`."
    )
    attempts: int
    next_attempt_at: Timestamp = Field(description="When it is due (again), while pending.")
    last_error: str | None = None
    target: str = Field(description="The recipient's address, or the endpoint's URL.")
    summary: str = Field(description="The email's subject, or the webhook event.")
    created_at: Timestamp
    sent_at: Timestamp | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})
