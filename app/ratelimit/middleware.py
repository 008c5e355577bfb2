"""Rate limits on public reads, as pure ASGI middleware outside the response cache, so a
cache hit is counted like any other answer.

Every GET or HEAD on a limited path answers `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (IETF draft); one over the limit is a 429 problem with `Retry-After`.
"""

import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.errors import PROBLEM_BASE, ProblemResponse
from app.ratelimit.identity import Bucket, KeyMemo, client_address
from app.ratelimit.limiter import Limiter, Verdict
from app.ratelimit.usage import UsageCounter

log = logging.getLogger("app.ratelimit")

METHODS = frozenset({"GET", "HEAD"})


def is_limited(path: str) -> bool:
    """Public reads: the JSON API but its admin part, feeds and sitemaps."""
    if path == "/api/v1/admin" or path.startswith("/api/v1/admin/"):
        return False
    return path.startswith(("/api/v1/", "/feeds/", "/sitemap")) or path in ("/api/v1", "/feeds")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def rate_headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(verdict.limit).encode()),
        (b"ratelimit-remaining", str(verdict.remaining).encode()),
        (b"ratelimit-reset", str(verdict.reset).encode()),
        (b"ratelimit-policy", f"{verdict.limit};w=60".encode()),
    ]


class RateLimits:
    """What the middleware works with; kept on `app.state.rate_limits`."""

    def __init__(self, settings: Settings, state: Any) -> None:
        self.enabled = settings.rate_limit_enabled
        self.anonymous = settings.rate_limit_anonymous_per_minute
        self.partner = settings.rate_limit_partner_per_minute
        self.limiter = Limiter(settings)
        self.memo = KeyMemo()
        self.usage = UsageCounter(settings.api_key_usage_flush_seconds)
        self.state = state

    async def bucket(self, scope: Scope) -> Bucket:
        """The key's bucket for a working key; the client address's for anything else
        (the route answers 401 to a wrong key, and guessing keys costs the address)."""
        key = _header(scope, b"x-api-key")
        if key:
            try:
                found = await self.memo.lookup(self.state.sessionmaker, key)
            except Exception as exc:
                log.warning("API key lookup failed, counting by address: %r", exc)
                found = None
            if found is not None:
                key_id, own = found
                return Bucket(f"key:{key_id}", own or self.partner, key_id)
        return Bucket(f"addr:{client_address(scope)}", self.anonymous)

    async def close(self) -> None:
        """Write the usage not flushed yet (at shutdown)."""
        await self.usage.flush(self.state.sessionmaker)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS:
            return await self.app(scope, receive, send)
        if not is_limited(scope["path"]):
            return await self.app(scope, receive, send)
        limits = self.limits
        bucket = await limits.bucket(scope)
        if bucket.key_id is not None:
            limits.usage.note(bucket.key_id)
        verdict = (
            await limits.limiter.check(bucket.name, bucket.per_minute) if limits.enabled else None
        )
        if verdict is not None and not verdict.allowed:
            await _too_many(scope, receive, send, verdict, bucket)
        elif verdict is None:
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, _adding(send, rate_headers(verdict)))
        # After the answer has gone: the client does not wait for this write.
        await limits.usage.flush_if_due(limits.state.sessionmaker)


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return sender


async def _too_many(
    scope: Scope, receive: Receive, send: Send, verdict: Verdict, bucket: Bucket
) -> None:
    retry_after = max(1, verdict.reset)
    whom = "this API key" if bucket.key_id is not None else "your address"
    response = ProblemResponse(
        {
            "type": f"{PROBLEM_BASE}rate-limited",
            "title": "Too many requests",
            "status": 429,
            "detail": f"The limit for {whom} is {verdict.limit} requests a minute. "
            f"Try again in {retry_after} seconds.",
            "instance": scope["path"],
        },
        status_code=429,
        headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
    )
    response.raw_headers.extend(rate_headers(verdict))
    await response(scope, receive, send)
