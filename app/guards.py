"""Refuse request bytes no database can take, before any handler sees them."""

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import PROBLEM_BASE, ProblemResponse


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
