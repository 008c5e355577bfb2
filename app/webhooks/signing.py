"""Webhook secrets: made, encrypted at rest, and used to sign each POST."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SIGNATURE_HEADER = "X-Pressroom-Signature"


def new_secret() -> str:
    """A fresh signing secret for an endpoint."""
    return f"whsec_{secrets.token_urlsafe(32)}"


def _fernet(secret_key: str) -> Fernet:
    # A key of its own, so a leak of one use of SECRET_KEY does not expose the other.
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"pressroom webhook secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str, *, secret_key: str) -> str:
    """The endpoint secret as stored."""
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def decrypt(token: str, *, secret_key: str) -> str:
    """The endpoint secret back (raises InvalidToken if SECRET_KEY changed)."""
    return _fernet(secret_key).decrypt(token.encode()).decode()


def signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """The `X-Pressroom-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256>` of
    `"{t}." + body`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
