"""Every save keeps the state before it, restorable."""

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.editorial.models import Revision
from app.errors import NotFound
from app.pagination import PageParams


async def keep(
    session: AsyncSession,
    *,
    resource: str,
    resource_id: int,
    number: int,
    data: dict[str, Any],
    user: User | None,
) -> None:
    """Store `data`, the state of a row at version `number`, before it changes; a
    StaleDataError (412) when a concurrent save of that same version kept it first."""
    revision = Revision(
        resource=resource,
        resource_id=resource_id,
        number=number,
        data=data,
        created_by_id=user.id if user else None,
    )
    try:
        # A concurrent save of this same version holds the key: wait for it, then 412.
        async with session.begin_nested():
            session.add(revision)
    except IntegrityError:
        raise StaleDataError(f"{resource} {resource_id} version {number} saved meanwhile") from None


async def list_revisions(
    session: AsyncSession, *, resource: str, resource_id: int, page: PageParams
) -> tuple[list[Revision], int]:
    """A row's earlier versions, newest first."""
    where = (Revision.resource == resource, Revision.resource_id == resource_id)
    total = await session.scalar(select(func.count()).select_from(Revision).where(*where))
    rows = await session.scalars(
        select(Revision)
        .where(*where)
        .order_by(Revision.number.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def get_revision(
    session: AsyncSession, *, resource: str, resource_id: int, number: int
) -> Revision:
    """One earlier version, or NotFound."""
    revision = await session.scalar(
        select(Revision).where(
            Revision.resource == resource,
            Revision.resource_id == resource_id,
            Revision.number == number,
        )
    )
    if revision is None:
        raise NotFound(f"No revision {number} of {resource} {resource_id}.")
    return revision


async def forget(session: AsyncSession, *, resource: str, resource_id: int) -> None:
    """Drop the revisions of a row that is being deleted (SQLite may give its id to the
    next new row, which must start its own history)."""
    await session.execute(
        delete(Revision).where(Revision.resource == resource, Revision.resource_id == resource_id)
    )
