"""Signed newsletter links (confirm, unsubscribe, preferences) and keyed hashes."""

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from app.auth import tokens
from app.auth.errors import InvalidToken
from app.config import Settings
from app.newsletter.errors import InvalidLink
from app.newsletter.models import NewsletterSubscription

CONFIRM = "newsletter-confirm"
UNSUBSCRIBE = "newsletter-unsubscribe"
PREFERENCES = "newsletter-preferences"


def keyed_hash(settings: Settings, value: str) -> str:
    """HMAC-SHA256 with SECRET_KEY: a plain hash of an IPv4 address is trivially reversed."""
    return hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def mailbox(address: str) -> str:
    """The inbox an address reaches, as signups are counted: `Ada+news@Example.org` and
    `ada@example.org` are one (local part lowercased, a `+tag` dropped). Dots are kept,
    even for Gmail, where they do not matter: simple, and documented in the README."""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0].lower()}@{domain.lower()}"


def mailbox_hash(settings: Settings, address: str) -> str:
    """The keyed hash signups are counted by, per mailbox."""
    return keyed_hash(settings, mailbox(address))


def _ttl(settings: Settings, purpose: str) -> timedelta:
    if purpose == CONFIRM:
        return timedelta(hours=settings.newsletter_confirm_hours)
    return timedelta(days=settings.newsletter_link_days)


def issue(settings: Settings, subscription: NewsletterSubscription, *, purpose: str) -> str:
    """A token for one purpose, bound to this subscription and (by hash) its address."""
    claims: dict[str, Any] = {
        "sub": str(subscription.id),
        # SQLite may reuse the id of an erased row: the address hash tells them apart.
        "eh": keyed_hash(settings, subscription.email)[:16],
    }
    if purpose == CONFIRM:
        claims["v"] = subscription.token_version
    token, _ = tokens.sign(settings, purpose=purpose, ttl=_ttl(settings, purpose), **claims)
    return token


def read(settings: Settings, token: str, *, purpose: str) -> dict[str, Any]:
    """The claims of a valid token of this purpose, or InvalidLink."""
    try:
        claims = tokens.read(settings, token, purpose=purpose)
    except InvalidToken as exc:
        raise InvalidLink() from exc
    if not str(claims.get("sub", "")).isdigit():
        raise InvalidLink()
    return claims


def matches(settings: Settings, claims: dict[str, Any], row: NewsletterSubscription) -> bool:
    return hmac.compare_digest(str(claims.get("eh")), keyed_hash(settings, row.email)[:16])
