"""Conditional GET and the response cache, as pure ASGI middleware.

Every GET on a public path (`keys.PATH_RULES`) leaves with a strong ETag, Cache-Control,
Last-Modified and Surrogate-Key, and answers 304 to a matching If-None-Match. Anonymous
answers are shared through the cache; a hit is sent from here, before FastAPI routes the
request, and still passes through every middleware added after this one.
"""

import logging
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cache import keys as k
from app.cache.backends import Entry, Headers, Lookup
from app.cache.core import CacheUnavailable, ResponseCache
from app.clock import utcnow

log = logging.getLogger("app.cache")

PRIVATE = b"private, no-store"
NO_STORE = b"no-store"
VARY = (b"vary", b"Authorization, X-API-Key")
OURS = frozenset({b"etag", b"cache-control", b"last-modified", b"surrogate-key"})
MISS = (b"x-cache", b"MISS")
# An app that built its JSON answer itself may hand the document over in the start
# message under this key, so that the keys and Last-Modified need not parse the body.
DOCUMENT = "pressroom.document"


class CacheMiddleware:
    """Serve public GETs from `cache`, and make every public GET answer conditional."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if not k.is_public_path(path):
            return await self.app(scope, receive, send)
        if_none_match = None
        private = False
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value
            elif name == b"authorization" or name == b"x-api-key":
                private = True
        key = seen = None
        if self.cache.enabled and not private:
            key = k.request_key(path, scope["query_string"])
            try:
                seen = await self.cache.lookup(key)
            except CacheUnavailable as exc:
                _warn(f"response cache unavailable, answering without it: {exc}")
            else:
                if seen.entry is not None:
                    return await _send_entry(send, seen.entry, if_none_match)
        await _Miss(self, scope, key, seen, if_none_match, private).run(receive, send)


async def _send_entry(send: Send, entry: Entry, if_none_match: bytes | None) -> None:
    if if_none_match is not None and k.none_match(if_none_match, entry.etag):
        await send(
            {"type": "http.response.start", "status": 304, "headers": entry.not_modified_headers}
        )
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": entry.hit_headers})
    await send({"type": "http.response.body", "body": entry.body})


class _Miss:
    """One request answered by the app: buffer a 200, decorate it, maybe store it."""

    def __init__(
        self,
        middleware: CacheMiddleware,
        scope: Scope,
        key: str | None,
        seen: Lookup | None,
        if_none_match: bytes | None,
        private: bool,
    ) -> None:
        self.app, self.cache = middleware.app, middleware.cache
        self.scope, self.key, self.seen = scope, key, seen
        self.if_none_match, self.private = if_none_match, private
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.passthrough = False
        self.document: Any = _UNREAD

    async def run(self, receive: Receive, send: Send) -> None:
        async def capture(message: Message) -> None:
            if self.passthrough:
                return await send(message)
            if message["type"] == "http.response.start":
                if DOCUMENT in message:
                    message = dict(message)
                    self.document = message.pop(DOCUMENT)
                self.start = message
                if message["status"] != 200:
                    self.passthrough = True
                    await send({**message, "headers": self._uncacheable(message["headers"])})
                return
            if message["type"] != "http.response.body":
                return await send(message)
            self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(send, b"".join(self.chunks))

        await self.app(self.scope, receive, capture)

    def _uncacheable(self, headers: Headers) -> Headers:
        """Errors and redirects: never stored, here or downstream."""
        if self.private:
            return [*(h for h in headers if h[0] != b"cache-control"), (b"cache-control", PRIVATE)]
        if any(name == b"cache-control" for name, _ in headers):
            return list(headers)
        return [*headers, (b"cache-control", NO_STORE)]

    async def _finish(self, send: Send, body: bytes) -> None:
        assert self.start is not None
        raw: Headers = list(self.start["headers"])
        own_policy = _header(raw, b"cache-control")
        shareable = not self.private and own_policy is None and not _header(raw, b"set-cookie")
        document = _json(raw, body) if self.document is _UNREAD else self.document
        now = utcnow()
        modified = k.last_modified(document, default=now) if document is not None else now
        headers = [h for h in raw if h[0] not in OURS]
        headers.append((b"last-modified", k.http_date(modified).encode()))
        if self.private:
            headers.append((b"cache-control", PRIVATE))
        else:
            headers.append((b"cache-control", own_policy or self.cache.public_cache_control))
        tags: list[str] = []
        if shareable:
            tags = self._surrogate_keys(document)
            headers += [(b"surrogate-key", k.header_value(tags)), VARY]
        etag = k.entity_tag(body)
        entry = Entry(etag=etag, headers=[(b"etag", etag), *headers], body=body)
        if shareable and self.key is not None and self.seen is not None:
            try:
                await self.cache.store(self.key, entry, tags, self.seen)
            except Exception as exc:
                _warn(f"response cache store failed: {exc!r}")
        if self.if_none_match is not None and k.none_match(self.if_none_match, etag):
            headers = [h for h in entry.not_modified_headers if h[0] != b"x-cache"]
            await send({"type": "http.response.start", "status": 304, "headers": [*headers, MISS]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**self.start, "headers": [*entry.headers, MISS]})
        await send({"type": "http.response.body", "body": body})

    def _surrogate_keys(self, document: Any) -> list[str]:
        if document is None:
            return [k.ANY_CONTENT]
        return k.surrogate_keys(self.scope["path"], self.scope["query_string"], document)


_UNREAD = object()
_last_warning = 0.0


def _warn(message: str) -> None:
    """Log a cache problem at most every few seconds, not once per request."""
    global _last_warning
    if time.monotonic() - _last_warning > 10:
        _last_warning = time.monotonic()
        log.warning(message)


def _header(headers: Headers, name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _json(headers: Headers, body: bytes) -> Any:
    content_type = _header(headers, b"content-type") or b""
    if b"json" not in content_type:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
