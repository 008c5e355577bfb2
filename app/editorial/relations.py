"""Relations are written by slug; unknown slugs are a 422 naming the field."""

from collections.abc import Sequence
from typing import Any, TypeVar

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import hold_lock
from app.errors import Conflict, InvalidParameter

Row = TypeVar("Row")


async def rows_by_slug(
    session: AsyncSession,
    model: type[Row],
    slugs: Sequence[str],
    *,
    field: str,
    options: Sequence[Any] = (),
) -> list[Row]:
    """The rows with these slugs, in the order given, or a 422 naming `field`."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return []
    stmt = select(model).where(model.slug.in_(wanted)).options(*options)  # type: ignore[attr-defined]
    found = {row.slug: row for row in await session.scalars(stmt)}  # type: ignore[attr-defined]
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        kind = model.__tablename__  # type: ignore[attr-defined]
        raise InvalidParameter(
            field, f"unknown {kind} {', '.join(repr(m) for m in missing)}", location="body"
        )
    return [found[slug] for slug in wanted]


async def _taken(session: AsyncSession, model: Any, slug: str, exclude_id: int | None) -> bool:
    # Held until commit, so a concurrent create of the same slug waits and then sees it taken.
    await hold_lock(session, f"slug {model.__tablename__} {slug}")
    stmt = select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return await session.scalar(stmt) is not None


async def claim_slug(
    session: AsyncSession,
    model: Any,
    *,
    requested: str | None,
    title: str,
    exclude_id: int | None = None,
) -> str:
    """A free slug: the one asked for (409 if taken), or one made from the title.

    Safe against concurrent creates: the slug stays claimed until this transaction ends."""
    if requested:
        if await _taken(session, model, requested, exclude_id):
            raise Conflict(
                f"The slug {requested!r} is taken.",
                errors=[{"field": "slug", "in": "body", "message": "already taken"}],
            )
        return requested
    base = slugify(title, max_length=200, word_boundary=True) or model.__tablename__
    candidate, n = base, 1
    while await _taken(session, model, candidate, exclude_id):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
