"""Checks on every request before any handler sees it: the Host it names, the proxy it came
through, and bytes no database can take (NUL) or no request needs (a huge body)."""

import ipaddress
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_BASE, ProblemResponse, problem_response

# Probes come from load balancers and orchestrators by address, whatever ALLOWED_HOSTS says.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})
NUL_MESSAGE = "must not contain a NUL character"


class RejectNulBytes:
    """A NUL in the path or query string is a 400 problem, on every route (PostgreSQL
    refuses NUL in text, and no slug or filter ever contains one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            response = ProblemResponse(
                {
                    "type": f"{PROBLEM_BASE}bad-request",
                    "title": "Bad request",
                    "status": 400,
                    "detail": "The URL contains a NUL character.",
                    "instance": scope.get("path", ""),
                },
                status_code=400,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: dict[str, Any]) -> bool:
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    query = scope.get("query_string", b"")
    # A plain byte search: cheap enough to run before the response cache.
    return b"%00" in raw_path or b"%00" in query or "\x00" in scope.get("path", "")


class TrustedHosts:
    """Starlette's TrustedHostMiddleware rule (a name, *.domain or *), answered as a 400
    problem document; the health probes are exempt."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allow_any = "*" in allowed_hosts
        self.names = frozenset(h for h in allowed_hosts if not h.startswith("*."))
        self.suffixes = tuple(h[1:] for h in allowed_hosts if h.startswith("*."))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] != "http" or scope["path"] in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        host = _host_name(Headers(scope=scope).get("host", ""))
        if host in self.names or (host and host.endswith(self.suffixes)):
            await self.app(scope, receive, send)
            return
        response = problem_response(
            Request(scope),
            status=400,
            code="bad-host",
            title="Unknown host",
            detail=f"This API does not answer for the host {host!r}.",
        )
        await response(scope, receive, send)


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class ForwardedClient:
    """The client address and scheme a trusted proxy (FORWARDED_ALLOW_IPS) reports in
    X-Forwarded-For and X-Forwarded-Proto; uvicorn's own reading is turned off because it
    takes any text for an address, and the address is whom rate limits count."""

    def __init__(self, app: ASGIApp, *, trusted: list[str]) -> None:
        self.app = app
        self.trust_any = "*" in trusted
        self.networks = [ipaddress.ip_network(t, strict=False) for t in trusted if t != "*"]

    def trusts(self, host: str) -> bool:
        """Is this address one of the proxies?"""
        if self.trust_any:
            return True
        address = _ip(host)
        return address is not None and any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and self.trusts(client[0]):
            headers = Headers(scope=scope)
            forwarded = self._client(headers.getlist("x-forwarded-for"))
            if forwarded is not None:
                scope["client"] = (forwarded, 0)
            if headers.get("x-forwarded-proto", "").strip() in ("http", "https"):
                scope["scheme"] = headers["x-forwarded-proto"].strip()
        await self.app(scope, receive, send)

    def _client(self, values: list[str]) -> str | None:
        """The nearest hop that is not a proxy, if it is an IP address."""
        hops = [hop.strip() for value in values for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _ip(hop)
            if address is None:
                return None  # garbage where the proxy writes: believe the proxy's own address
            if not self.trusts(hop):
                return str(address)
        return str(_ip(hops[0])) if hops else None  # every hop a proxy: the farthest


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address, also written as 1.2.3.4:port or [::1]:port; None for anything else."""
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class BodyGuard:
    """A request body is at most MAX_BODY_BYTES (413 before more is read) and carries no NUL
    in any JSON or form value (422 naming the field: PostgreSQL refuses NUL in text).

    `limits` maps a path prefix to its own limit, for a route that takes large uploads."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limits = sorted((limits or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        """The largest body this path takes."""
        return next((n for prefix, n in self.limits if path.startswith(prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if headers is None or not _has_body(headers):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if _declared_length(headers) > limit:
            await _too_large(scope, limit)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(scope, limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        field = await _nul_field(scope, bytes(body), headers.get("content-type", ""))
        if field is not None:
            await _nul_problem(scope, field)(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0  # the server refuses a malformed length itself; count what arrives


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the app the body already read, then whatever comes next (a disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _nul_field(scope: Scope, body: bytes, content_type: str) -> str | None:
    """The first JSON or form field whose decoded value (or name) holds a NUL."""
    if b"\x00" not in body and b"\\u0000" not in body and b"%00" not in body:
        return None  # the common case: no NUL can be in there, nothing to decode
    media = content_type.split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return next((_name(k) for k, v in pairs if "\x00" in k + v), None)
    if media == "multipart/form-data":
        return await _multipart_nul_field(scope, body)
    if media and media != "application/json" and not media.endswith("+json"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # FastAPI answers the syntax error with its position
    return next((".".join(map(str, path)) or "body" for path in _nul_paths(data, ())), None)


async def _multipart_nul_field(scope: Scope, body: bytes) -> str | None:
    """Text fields only: an uploaded file may well contain NUL bytes."""
    from starlette.formparsers import MultiPartException

    async def once() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(scope, once).form() as form:
            items = form.multi_items()
    except MultiPartException:
        return None  # FastAPI answers the malformed form
    return next((_name(k) for k, v in items if isinstance(v, str) and "\x00" in k + v), None)


def _nul_paths(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield (*path, _name(key))
            yield from _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, index))


def _name(field: str) -> str:
    return field.replace("\x00", "\\u0000")


def _too_large(scope: Scope, limit: int) -> Response:
    return problem_response(
        Request(scope),
        status=413,
        code="too-large",
        title="Request body too large",
        detail=f"The request body is larger than this endpoint takes ({limit} bytes).",
        headers={"Connection": "close"},
    )


def _nul_problem(scope: Scope, field: str) -> Response:
    return problem_response(
        Request(scope),
        status=422,
        code="validation-error",
        title="Your request parameters didn't validate",
        detail=f"{field}: {NUL_MESSAGE}",
        errors=[{"field": field, "in": "body", "message": NUL_MESSAGE}],
    )
