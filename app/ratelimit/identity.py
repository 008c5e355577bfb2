"""Whom a request is counted against: its API key, or else its client address.

The limiter needs a key's id and limit before FastAPI runs, so keys are looked up here,
remembered a few seconds. The memo only picks the bucket: whether a key may read at all is
decided by `current_reader` on every request, so a revoked key is refused at once.
"""

import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import api_keys

MEMO_SECONDS = 5.0
MEMO_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class Bucket:
    """A counter of requests, with the limit that applies to it."""

    name: str
    per_minute: int
    key_id: int | None = None


class KeyMemo:
    """Key hash -> (key id, own limit), or None for a key that does not work; short-lived."""

    def __init__(self, seconds: float = MEMO_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, tuple[int, int | None] | None]] = {}

    async def lookup(
        self, sessionmaker: async_sessionmaker[AsyncSession], key: str
    ) -> tuple[int, int | None] | None:
        """The key's id and its own limit, or None if it is unknown, revoked or expired."""
        digest = api_keys.hash_key(key)
        now = time.monotonic()
        seen = self._entries.get(digest)
        if seen is not None and seen[0] > now:
            return seen[1]
        async with sessionmaker() as session:
            row = await api_keys.find_usable(session, key=key)
            found = None if row is None else (row.id, row.rate_limit_per_minute)
        if len(self._entries) >= MEMO_MAX_ENTRIES:
            self._entries.clear()  # a flood of made-up keys must not grow memory
        self._entries[digest] = (now + self.seconds, found)
        return found


def client_address(scope: dict) -> str:
    """The client's address: the peer's, or the one a trusted proxy reported (always an IP
    address; see `app.guards.ForwardedClient`)."""
    client = scope.get("client")
    return client[0] if client else "unknown"
