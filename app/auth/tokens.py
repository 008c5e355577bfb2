"""Signed tokens: short-lived access tokens and preview links (PyJWT, HS256)."""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt

from app import clock
from app.auth.errors import InvalidToken
from app.config import Settings
from app.db import utcnow

ALGORITHM = "HS256"


def sign(
    settings: Settings, *, purpose: str, ttl: timedelta, **claims: Any
) -> tuple[str, datetime]:
    """A signed token for one purpose, and when it expires."""
    now = utcnow()
    expires = now + ttl
    payload = {**claims, "typ": purpose, "iat": now, "exp": expires, "jti": uuid.uuid4().hex}
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM), expires


def read(settings: Settings, token: str, *, purpose: str) -> dict[str, Any]:
    """The claims of a valid, unexpired token of this purpose, or InvalidToken."""
    try:
        claims = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM], options=_OPTIONS)
    except jwt.PyJWTError as exc:
        raise InvalidToken() from exc
    if claims.get("typ") != purpose or not _unexpired(claims["exp"]):
        raise InvalidToken()
    return claims


# Times are checked against the app's clock (app/clock.py), not PyJWT's wall clock, so
# "now" is the same instant the token was signed against.
_OPTIONS = {"require": ["exp"], "verify_exp": False, "verify_iat": False, "verify_nbf": False}


def _unexpired(exp: object) -> bool:
    return isinstance(exp, int | float) and clock.timestamp() < exp


def new_refresh_token() -> tuple[str, str]:
    """A random refresh token and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_row_key() -> str:
    """A random key for a row, which tokens naming the row embed."""
    return secrets.token_hex(16)
