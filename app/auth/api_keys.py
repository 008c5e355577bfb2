"""Partner API keys: minting, hashing and looking one up from `X-API-Key`.

A key reads `prk_<prefix>_<secret>`. The prefix names the key in lists and logs; only a
SHA-256 of the whole key is stored (the secret has 256 bits, so a slow hash adds nothing).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiKey, ApiKeyScope
from app.db import utcnow

KEY_PREFIX = "prk_"


@dataclass(frozen=True, slots=True)
class MintedKey:
    key: str
    prefix: str
    key_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def mint() -> MintedKey:
    """A new random key, its public prefix and the hash to store."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return MintedKey(key=key, prefix=prefix, key_hash=hash_key(key))


async def find_usable(session: AsyncSession, *, key: str) -> ApiKey | None:
    """The key this secret belongs to, unless it is unknown, revoked or expired."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or not row.usable(utcnow()):
        return None
    return row


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the public API: anonymous (no key) or a partner key with its scopes."""

    key_id: int | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def is_partner(self) -> bool:
        return self.key_id is not None

    @property
    def sees_embargoed(self) -> bool:
        return ApiKeyScope.embargo_read.value in self.scopes


ANONYMOUS = Reader()


@dataclass(frozen=True, slots=True)
class Usage:
    """Requests a key made since the last flush, and when it made the last one."""

    count: int
    last_used_at: datetime


async def add_usage(session: AsyncSession, *, usage: dict[int, Usage]) -> None:
    """Add counted requests to each key (one statement, executemany); never moves
    `last_used_at` back, since several processes flush their own counts."""
    if not usage:
        return
    table = ApiKey.__table__
    newer = bindparam("used_at", type_=ApiKey.last_used_at.type)
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values(
            request_count=table.c.request_count + bindparam("count"),
            last_used_at=case(
                (or_(table.c.last_used_at.is_(None), table.c.last_used_at < newer), newer),
                else_=table.c.last_used_at,
            ),
        ),
        [
            {"key_id": key_id, "count": u.count, "used_at": u.last_used_at}
            for key_id, u in usage.items()
        ],
    )
