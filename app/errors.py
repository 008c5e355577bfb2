"""The AppError family and the handlers that render every error as problem+json (RFC 9457)."""

import logging
import socket
from http import HTTPStatus
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.urls import this_url

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://pressroom.dev/problems/"

log = logging.getLogger("app.errors")


class AppError(Exception):
    """A domain error with an HTTP status and a stable problem type."""

    status_code: int = 400
    code: str = "bad-request"
    title: str = "Bad request"
    headers: dict[str, str] | None = None
    # Most errors undo the request's writes; a few (a failed login) must keep them.
    commit_session: bool = False

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(AppError):
    status_code = 404
    code = "not-found"
    title = "Not found"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    title = "Authentication required"
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    title = "Conflict"


class DatabaseUnavailable(AppError):
    status_code = 503
    code = "database-unavailable"
    title = "Database unavailable"
    headers = {"Retry-After": "5"}


DATABASE_UNAVAILABLE = "The database cannot answer right now. Try again in a few seconds."
# What a database that is down, restarting, unreachable or stuck raises, through SQLAlchemy
# or from asyncpg itself: a 503 to retry, not a 500 to investigate.
_OUTAGES = (
    ConnectionError,  # refused, reset
    TimeoutError,  # DATABASE_CONNECT_TIMEOUT or DATABASE_STATEMENT_TIMEOUT passed
    socket.gaierror,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up, cancelled
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections
    asyncpg.exceptions.ConnectionDoesNotExistError,
)


def is_database_outage(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database cannot be reached right now."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, _OUTAGES):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and "connection is closed" in str(seen):
            return True
        # asyncio's "Multiple exceptions: ..." when every address of the host refused.
        if type(seen) is OSError and seen.errno is None:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Moved(AppError):
    """A slug that changed: answered with 301 and the current URL, not a problem document."""

    status_code = 301
    code = "moved"
    title = "Moved permanently"

    def __init__(self, old_slug: str, new_slug: str) -> None:
        super().__init__(f"Now at {new_slug!r}.")
        self.old_slug, self.new_slug = old_slug, new_slug


class InvalidParameter(AppError):
    """A request value that parsed but makes no sense (for example an inverted range)."""

    status_code = 422
    code = "validation-error"
    title = "Your request parameters didn't validate"

    def __init__(self, field: str, message: str, *, location: str = "query") -> None:
        super().__init__(
            f"{field}: {message}",
            errors=[{"field": field, "in": location, "message": message}],
        )


class FieldError(BaseModel):
    field: str = Field(description="The parameter or body field, dotted for nested fields.")
    location: str = Field(alias="in", description="Where it was sent: query, path, body, header.")
    message: str
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [{"field": "per_page", "in": "query", "message": "must be at most 100"}]
        },
    )


class Problem(BaseModel):
    """An RFC 9457 problem document: every error this API answers has this shape."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, for a human.")
    instance: str | None = Field(default=None, description="The path that was requested.")
    errors: list[FieldError] | None = Field(
        default=None, description="For validation problems: each field that failed."
    )
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": f"{PROBLEM_BASE}not-found",
                    "title": "Not found",
                    "status": 404,
                    "detail": "No article with slug 'no-such-article'.",
                    "instance": "/api/v1/articles/no-such-article",
                },
                {
                    "type": f"{PROBLEM_BASE}validation-error",
                    "title": "Your request parameters didn't validate",
                    "status": 422,
                    "detail": "per_page: must be at most 100",
                    "instance": "/api/v1/articles",
                    "errors": [
                        {"field": "per_page", "in": "query", "message": "must be at most 100"}
                    ],
                },
            ]
        }
    )


class ProblemResponse(JSONResponse):
    """A problem document, serialised with orjson."""

    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        # A problem must always render, whatever a field's details carry.
        return orjson.dumps(content, default=str, option=orjson.OPT_NON_STR_KEYS)


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response for this request."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}{code}" if code != "about:blank" else code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return ProblemResponse(body, status_code=status, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> tuple[str, str]:
    location = str(loc[0]) if loc else "body"
    parts = list(loc[1:])
    if location != "body":
        # A repeated query parameter is still one parameter: `kind`, not `kind.0`.
        parts = [p for p in parts if not isinstance(p, int)]
    return ".".join(str(p) for p in parts) or location, location


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        field, location = _field_name(tuple(err.get("loc", ())))
        message = str(err.get("msg", "is invalid"))
        out.append({"field": field, "in": location, "message": message})
    return out


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, Moved):
        segments = [exc.new_slug if s == exc.old_slug else s for s in request.url.path.split("/")]
        return RedirectResponse(this_url(request.scope, path="/".join(segments)), status_code=301)
    return problem_response(
        request,
        status=exc.status_code,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        **exc.extra,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return problem_response(
        request,
        status=422,
        code="validation-error",
        title="Your request parameters didn't validate",
        detail=detail,
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    if exc.status_code == 404 and detail is None:
        detail = f"Nothing is served at {request.url.path}."
    return problem_response(
        request,
        status=exc.status_code,
        code="about:blank",
        title=phrase,
        detail=detail or phrase,
        headers=getattr(exc, "headers", None),
    )


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request,
        status=412,
        code="precondition-failed",
        title="Edited by someone else",
        detail="Someone saved this at the same moment. Reload it and apply your change again.",
    )


def database_unavailable(request: Request, exc: BaseException) -> JSONResponse:
    """The 503 a database outage answers (middleware outside FastAPI's handlers sends it too)."""
    log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    error = DatabaseUnavailable(DATABASE_UNAVAILABLE)
    return problem_response(
        request,
        status=error.status_code,
        code=error.code,
        title=error.title,
        detail=error.detail,
        headers=error.headers,
    )


async def _database_error(request: Request, exc: Exception) -> Response:
    if not is_database_outage(exc):
        return await _unhandled(request, exc)
    return database_unavailable(request, exc)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=500,
        code="internal-error",
        title="Internal server error",
        detail="Something went wrong on our side. It has been logged.",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error the app can raise as application/problem+json."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale)
    for kind in (DBAPIError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        app.add_exception_handler(kind, _database_error)
    app.add_exception_handler(Exception, _unhandled)
