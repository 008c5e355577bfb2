"""Optimistic concurrency: the admin API's ETag is the row version; writes need If-Match."""

from typing import Any

from fastapi import Request

from app.errors import AppError


class PreconditionRequired(AppError):
    status_code = 428
    code = "precondition-required"
    title = "If-Match required"


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition-failed"
    title = "Edited by someone else"


def etag(row: Any) -> str:
    """The strong ETag of a versioned row."""
    return f'"{row.id}-{row.version}"'


def check_if_match(request: Request, row: Any) -> None:
    """Refuse a write sent without If-Match (428) or against an older version (412)."""
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read, so that no one's edit is lost."
        )
    candidates = {value.strip() for value in header.split(",")}
    if "*" not in candidates and etag(row) not in candidates:
        raise PreconditionFailed(
            f"This changed since you read it; its ETag is now {etag(row)}. Reload and retry.",
            current_etag=etag(row),
        )
