"""Counting requests per bucket with the `limits` package, in process or in Redis.

The strategy is the sliding window counter: two counters a bucket (O(1) whatever the
limit, unlike a moving window's list of timestamps), and no double burst at the edge of a
window as with a fixed one. A Redis that fails lets requests through (logged) and is left
alone for a few seconds, so an outage costs neither the site nor a timeout per request.
"""

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

from app.config import Settings

log = logging.getLogger("app.ratelimit")

PAUSE_AFTER_FAILURE = 5.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the limiter says about one request, ready for the RateLimit-* headers."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Seconds until the window has room again."""


def _storage(settings: Settings) -> Storage:
    if not settings.redis_url:
        return MemoryStorage()
    uri = "async+" + settings.redis_url.removeprefix("async+")
    return RedisStorage(
        uri,
        implementation="redispy",  # redis-py is installed already; coredis would be new
        key_prefix=settings.rate_limit_prefix,
        wrap_exceptions=True,
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
    )


class Limiter:
    """Per-minute limits per bucket; None (no verdict) while the storage is failing."""

    def __init__(self, settings: Settings) -> None:
        self.storage = _storage(settings)
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._paused_until = 0.0

    async def check(self, bucket: str, per_minute: int) -> Verdict | None:
        """Count one request to `bucket` and say whether it may go on."""
        if time.monotonic() < self._paused_until:
            return None
        item = RateLimitItemPerMinute(per_minute)
        try:
            allowed = await self.strategy.hit(item, bucket)
            stats = await self.strategy.get_window_stats(item, bucket)
        except StorageError as exc:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            log.warning("rate limit storage failed, letting requests through: %s", exc)
            return None
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Verdict(allowed, per_minute, stats.remaining, reset)

    async def reset(self) -> None:
        """Forget every count (tests; an admin wiping the slate)."""
        await self.storage.reset()
