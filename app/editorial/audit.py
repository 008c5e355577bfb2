"""The audit log: one row per change, written in the same transaction as the change."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.editorial.models import AuditEntry
from app.pagination import PageParams


async def record(
    session: AsyncSession,
    *,
    user: User | None,
    action: str,
    resource: str,
    resource_id: int | None,
    **detail: Any,
) -> None:
    """Note that `user` did `action` to a row."""
    session.add(
        AuditEntry(
            user_id=user.id if user else None,
            user_email=user.email if user else None,
            action=action,
            resource=resource,
            resource_id=resource_id,
            detail=detail,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditFilters:
    user_id: int | None = None
    resource: str | None = None
    resource_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _conditions(filters: AuditFilters) -> list[Any]:
    where: list[Any] = []
    for column, value in (
        (AuditEntry.user_id, filters.user_id),
        (AuditEntry.resource, filters.resource),
        (AuditEntry.resource_id, filters.resource_id),
        (AuditEntry.action, filters.action),
    ):
        if value is not None:
            where.append(column == value)
    if filters.since is not None:
        where.append(AuditEntry.created_at >= filters.since)
    if filters.until is not None:
        where.append(AuditEntry.created_at < filters.until)
    return where


async def list_entries(
    session: AsyncSession, *, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first."""
    where = _conditions(filters)
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*where))
    rows = await session.scalars(
        select(AuditEntry)
        .where(*where)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0
