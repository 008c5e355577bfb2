"""What still uses a row: a delete is refused while anything does, so nothing loses a
by-line, a topic or a restorable revision behind the editor's back."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, Text, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Base
from app.editorial.models import Revision
from app.errors import Conflict

# A reader's newsletter interests are theirs, not content: deleting a topic or program
# quietly narrows them, as unsubscribing from that subject would.
_NOT_USES = frozenset({"newsletter_subscription_topic", "newsletter_subscription_program"})
# The fields of a revision's snapshot (the write shape) that name rows of each table by slug.
_SNAPSHOT_FIELDS = {
    "topic": ("topics", "primary_topic", "parent"),
    "expert": ("authors", "featured_experts", "speakers", "director", "members"),
    "program": ("programs",),
}
_LABELS = {"topic": ("subtopic", "subtopics"), "user": ("user account", "user accounts")}
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Use:
    """Rows of one table that use the row: how many, and the first few slugs."""

    table: str
    count: int
    slugs: list[str]

    def describe(self) -> str:
        one, many = _LABELS.get(self.table, (self.table, f"{self.table}s"))
        text = f"{self.count} {one if self.count == 1 else many}"
        if self.slugs:
            more = ", …" if self.count > len(self.slugs) else ""
            text += f" ({', '.join(self.slugs)}{more})"
        return text


def _has_slug(table: Table) -> bool:
    return "slug" in table.c


def _owner(table: Table, column: Any, row_id: int) -> tuple[Table, ColumnElement[bool]]:
    """The table a reference belongs to, and which of its rows make it: a link row (an
    article's author, an expert's topic) belongs to the row it links from."""
    if not _has_slug(table):
        for fk in table.foreign_keys:
            linked = fk.column.table
            if fk.parent is not column and _has_slug(linked):
                inner = select(fk.parent).where(column == row_id)
                return linked, fk.column.in_(inner)
    return table, column == row_id


def _references(target: Table, row_id: int) -> dict[Table, list[ColumnElement[bool]]]:
    """Every foreign key to `target` in the mapping, as conditions per owning table."""
    conditions: dict[Table, list[ColumnElement[bool]]] = defaultdict(list)
    for table in Base.metadata.sorted_tables:
        if table.name in _NOT_USES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is target:
                owner, condition = _owner(table, fk.parent, row_id)
                conditions[owner].append(condition)
    return conditions


async def _use(session: AsyncSession, table: Table, where: ColumnElement[bool]) -> Use | None:
    count = await session.scalar(select(func.count()).select_from(table).where(where))
    if not count:
        return None
    slugs: list[str] = []
    if _has_slug(table):
        stmt = select(table.c.slug).where(where).order_by(table.c.slug).limit(EXAMPLES)
        slugs = list(await session.scalars(stmt))
    return Use(table=str(table.name), count=count, slugs=slugs)


def _names(value: Any, slug: str) -> bool:
    if isinstance(value, str):
        return value == slug
    if isinstance(value, list):
        return any(_names(v, slug) for v in value)
    if isinstance(value, dict):
        return any(_names(v, slug) for v in value.values())
    return False


async def _revisions(session: AsyncSession, target: Table, slug: str) -> list[Use]:
    """Earlier versions that name the row by slug: restoring them needs it."""
    fields = _SNAPSHOT_FIELDS.get(target.name, ())
    if not fields:
        return []
    rows = await session.execute(
        select(Revision.resource, Revision.resource_id, Revision.data).where(
            cast(Revision.data, Text).like(f'%"{slug}"%')
        )
    )
    owners: dict[str, set[int]] = defaultdict(set)
    for resource, resource_id, data in rows:
        if any(_names(data.get(field), slug) for field in fields):
            owners[resource].add(resource_id)
    uses = []
    for resource, ids in sorted(owners.items()):
        table = Base.metadata.tables[resource]
        use = await _use(session, table, table.c.id.in_(ids))
        if use is not None:
            uses.append(use)
    return uses


async def uses_of(session: AsyncSession, row: Any) -> tuple[list[Use], list[Use]]:
    """What uses `row` now, and whose earlier versions (revisions) name it."""
    target: Table = type(row).__table__
    uses = []
    references = _references(target, row.id)
    for table, conditions in sorted(references.items(), key=lambda item: item[0].name):
        use = await _use(session, table, or_(*conditions))
        if use is not None:
            uses.append(use)
    return uses, await _revisions(session, target, row.slug)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


async def refuse_if_used(session: AsyncSession, row: Any, *, kind: str, instead: str) -> None:
    """A 409 naming what still uses `row` (and `instead`, what to do), before anything is
    deleted; nothing happens if nothing does."""
    uses, revised = await uses_of(session, row)
    if not uses and not revised:
        return
    parts = []
    if uses:
        parts.append(f"{kind} {row.slug} is used by {_join([u.describe() for u in uses])}")
    if revised:
        versions = f"earlier versions of {_join([u.describe() for u in revised])}"
        lead = f"{versions} name it too" if uses else f"{kind} {row.slug} is named by {versions}"
        parts.append(lead)
    raise Conflict(
        f"{'; '.join(parts)}; {instead}.",
        used_by={u.table: u.count for u in uses} or None,
        revisions_of={u.table: u.count for u in revised} or None,
    )
