"""Per-key request counts, added up in memory and written every few seconds.

No write per request: each process keeps its own tally and adds it to the rows (the
UPDATE adds, so several processes can flush side by side). What a process has not
flushed when it dies is lost, a few seconds of counts at most.
"""

import logging
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import api_keys
from app.auth.api_keys import Usage
from app.db import utcnow

log = logging.getLogger("app.ratelimit")


class UsageCounter:
    """Requests per key id since the last flush."""

    def __init__(self, every_seconds: float) -> None:
        self.every = every_seconds
        self._pending: dict[int, Usage] = {}
        self._last_flush = time.monotonic()

    def note(self, key_id: int) -> None:
        """Count one request made with this key."""
        seen = self._pending.get(key_id)
        self._pending[key_id] = Usage((seen.count if seen else 0) + 1, utcnow())

    async def flush_if_due(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        if self._pending and time.monotonic() - self._last_flush >= self.every:
            await self.flush(sessionmaker)

    async def flush(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Write what was counted; on failure keep it for the next flush."""
        self._last_flush = time.monotonic()
        pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            async with sessionmaker() as session:
                await api_keys.add_usage(session, usage=pending)
                await session.commit()
        except Exception as exc:
            log.warning("could not write API key usage, keeping it for later: %r", exc)
            self._merge(pending)

    def _merge(self, earlier: dict[int, Usage]) -> None:
        for key_id, usage in earlier.items():
            later = self._pending.get(key_id)
            if later is None:
                self._pending[key_id] = usage
            else:
                self._pending[key_id] = Usage(usage.count + later.count, later.last_used_at)
