"""Counting requests per bucket with the `limits` package, in process or in Redis.

The default strategy is the sliding window counter: two counters a bucket (O(1) whatever
the limit, unlike a moving window's list of timestamps), and no double burst at the edge
of a window as with a fixed one. It weighs the last window by the time gone, so near the
turn of a minute it may allow a request or two more; `RATE_LIMIT_STRATEGY=moving-window`
counts exactly, at the cost of one timestamp per request in the window (the tests use it:
their counts must not depend on when in the minute they run).

A Redis that fails is left alone for a few seconds (logged), and meanwhile this process
counts on its own: an outage costs neither the site, nor a timeout per request, nor the
limits (per process, then, not shared).
"""

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError

from app.config import Settings

log = logging.getLogger("app.ratelimit")

PAUSE_AFTER_FAILURE = 5.0
STRATEGIES: dict[str, type[RateLimiter]] = {
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
    "moving-window": MovingWindowRateLimiter,
}


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
    """Per-minute limits per bucket; in this process while the shared storage is failing."""

    def __init__(self, settings: Settings) -> None:
        self.storage = _storage(settings)
        strategy = STRATEGIES[settings.rate_limit_strategy]
        self.strategy = strategy(self.storage)
        self.fallback = strategy(MemoryStorage())
        self._paused_until = 0.0

    async def check(self, bucket: str, per_minute: int) -> Verdict:
        """Count one request to `bucket` and say whether it may go on."""
        item = RateLimitItemPerMinute(per_minute)
        if time.monotonic() < self._paused_until:
            return await _verdict(self.fallback, item, bucket)
        try:
            return await _verdict(self.strategy, item, bucket)
        except StorageError as exc:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            log.warning("rate limit storage failed, counting in this process: %s", exc)
            return await _verdict(self.fallback, item, bucket)

    async def reset(self) -> None:
        """Forget every count (tests; an admin wiping the slate)."""
        await self.storage.reset()


async def _verdict(strategy: RateLimiter, item: RateLimitItemPerMinute, bucket: str) -> Verdict:
    allowed = await strategy.hit(item, bucket)
    stats = await strategy.get_window_stats(item, bucket)
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    return Verdict(allowed, item.amount, stats.remaining, reset)
