from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.editorial.schemas import Slug, Text
from app.newsletter.models import SubscriptionState
from app.schemas import ReadModel, Timestamp
from app.worker.queue import QueueState


def _normalize_email(value: str) -> str:
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    # Mailbox names are case-insensitive in practice: one person, one row.
    return checked.normalized.lower()


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_normalize_email)
]
Token = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Interests = Annotated[list[Slug], Field(max_length=50)]

_SIGNUP_EXAMPLE = {
    "email": "reader@example.org",
    "name": "Ada Reader",
    "interests": ["asia", "middle-east-program"],
    "source": "footer",
}


class SubscriptionRequest(BaseModel):
    """A signup from the newsletter box."""

    email: Email = Field(description="Validated and normalised; case does not matter.")
    name: Text(max_length=300) | None = None
    interests: Interests = Field(
        default_factory=list, description="Topic and program slugs (`GET /topics`, `/programs`)."
    )
    source: Text(max_length=200) | None = Field(
        default=None, description="Which form it came from, for the consent record."
    )
    website: str | None = Field(
        default=None,
        description="Honeypot: render it hidden and leave it empty. A filled-in value gets the "
        "usual 202, and nothing is stored or sent.",
    )
    model_config = ConfigDict(json_schema_extra={"examples": [_SIGNUP_EXAMPLE]})


ACCEPTED_DETAIL = (
    "Thanks. If this address can receive the newsletter, a confirmation email is on its way."
)


class SignupAccepted(BaseModel):
    """The same answer for every signup, whoever the address belongs to."""

    detail: str = Field(examples=[ACCEPTED_DETAIL])
    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": ACCEPTED_DETAIL}]})


class TokenRequest(BaseModel):
    """A token from a newsletter link."""

    token: Token
    model_config = ConfigDict(json_schema_extra={"examples": [{"token": "eyJhbGciOi..."}]})


class PreferencesUpdate(BaseModel):
    """New interests (replacing the old ones), with the token of a preferences link."""

    token: Token
    interests: Interests
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "eyJhbGciOi...", "interests": ["asia"]}]}
    )


_STATUS_EXAMPLE = {
    "email": "reader@example.org",
    "state": "confirmed",
    "interests": ["asia"],
    "preferences_token": "eyJhbGciOi...",
}


class SubscriptionStatus(ReadModel):
    """Where a subscription stands, for the person holding its link."""

    email: str
    state: SubscriptionState
    interests: list[str]
    preferences_token: str | None = Field(
        default=None, description="For the preferences page (`?token=`), after confirming."
    )
    model_config = ConfigDict(json_schema_extra={"examples": [_STATUS_EXAMPLE]})


_ADMIN_EXAMPLE = {
    "id": 7,
    "email": "reader@example.org",
    "name": "Ada Reader",
    "state": "confirmed",
    "interests": ["asia"],
    "source": "footer",
    "consent_at": "2026-11-28T15:30:00+00:00",
    "consent_text_version": "2026-11",
    "consent_client_hash": "5f1c...e2",
    "confirmed_at": "2026-11-28T15:34:00+00:00",
    "unsubscribed_at": None,
    "created_at": "2026-11-28T15:30:00+00:00",
}


class SubscriptionAdminRead(ReadModel):
    """A subscription and its consent record."""

    id: int
    email: str
    name: str | None
    state: SubscriptionState
    interests: list[str]
    source: str | None
    consent_at: Timestamp | None
    consent_text_version: str | None
    consent_client_hash: str | None = Field(description="HMAC of the client address.")
    confirmed_at: Timestamp | None
    unsubscribed_at: Timestamp | None
    created_at: Timestamp
    model_config = ConfigDict(json_schema_extra={"examples": [_ADMIN_EXAMPLE]})


_OUTBOX_EXAMPLE = {
    "id": 12,
    "purpose": "confirm",
    "to_address": "reader@example.org",
    "subject": "Confirm your subscription",
    "state": "sent",
    "transport": "log",
    "attempts": 1,
    "last_error": None,
    "created_at": "2026-11-28T15:30:00+00:00",
    "sent_at": "2026-11-28T15:30:02+00:00",
    "headers": {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    "text_body": "Confirm: https://www.example.org/newsletter/confirm?token=...",
}


class OutboxEmailRead(ReadModel):
    """An email in the outbox: `transport` is `log` when no SMTP server was configured."""

    id: int
    purpose: str
    to_address: str
    subject: str
    state: QueueState
    transport: str | None
    attempts: int
    last_error: str | None
    created_at: Timestamp
    sent_at: Timestamp | None
    headers: dict[str, Any]
    text_body: str
    model_config = ConfigDict(json_schema_extra={"examples": [_OUTBOX_EXAMPLE]})
