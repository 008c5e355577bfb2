"""Argon2 password hashing (pwdlib).

Argon2 is slow by design (tens of milliseconds of CPU): the service awaits `hashed` and
`matches`, which run it in a worker thread so the event loop keeps serving other requests
meanwhile (argon2-cffi releases the GIL). The plain functions are for scripts and tests."""

from anyio import to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the account does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash("pressroom-timing-equaliser")


def hash_password(password: str) -> str:
    """An Argon2 hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; spends the same time when there is no hash."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


async def hashed(password: str) -> str:
    """`hash_password`, off the event loop."""
    return await to_thread.run_sync(hash_password, password)


async def matches(password: str, password_hash: str | None) -> bool:
    """`verify_password`, off the event loop."""
    return await to_thread.run_sync(verify_password, password, password_hash)
