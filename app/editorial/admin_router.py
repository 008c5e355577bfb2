from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ConfigDict, Field

from app.db import SessionDep
from app.editorial import audit
from app.errors import InvalidParameter
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import MAX_ROW_ID, as_aware
from app.schemas import ReadModel, Timestamp

router = APIRouter(prefix="/audit", tags=["Admin: audit"])


# Here rather than in editorial/schemas.py only because this router is its one user.
class AuditEntryRead(ReadModel):
    """One change: who made it, when, to which row, and what it touched."""

    id: int
    created_at: Timestamp
    user_id: int | None = Field(description="`null` once the account is deleted.")
    user_email: str | None = Field(description="Kept after the account is deleted.")
    action: str = Field(examples=["update"])
    resource: str = Field(examples=["article"])
    resource_id: int | None
    detail: dict[str, Any] = Field(description="What the action touched; never a password.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 412,
                    "created_at": "2026-11-28T14:05:00+00:00",
                    "user_id": 2,
                    "user_email": "editor@defensepriorities.org",
                    "action": "update",
                    "resource": "article",
                    "resource_id": 17,
                    "detail": {"fields": ["status", "title"]},
                }
            ]
        }
    )


Instant = Annotated[
    datetime | None,
    Query(description="ISO 8601; without an offset it is read in the site's time zone."),
]


@router.get(
    "",
    response_model=Page[AuditEntryRead],
    summary="Read the audit log",
    responses=problem_responses(401, 403, 422),
)
async def list_audit_entries(
    session: SessionDep,
    pager: PagerDep,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    resource: Annotated[
        str | None, Query(max_length=40, description="`article`, `user`, `site`, `menu`...")
    ] = None,
    resource_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    action: Annotated[
        str | None, Query(max_length=40, description="`create`, `update`, `publish`...")
    ] = None,
    since: Instant = None,
    until: Instant = None,
) -> Page[AuditEntryRead]:
    """Who did what and when, newest first: every write through the admin API, and
    sign-ins. `since` is inclusive, `until` exclusive."""
    since, until = as_aware(since), as_aware(until)
    if since is not None and until is not None and since > until:
        raise InvalidParameter("until", "must not be before since")
    filters = audit.AuditFilters(
        user_id=user_id,
        resource=resource,
        resource_id=resource_id,
        action=action,
        since=since,
        until=until,
    )
    rows, total = await audit.list_entries(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=AuditEntryRead)
