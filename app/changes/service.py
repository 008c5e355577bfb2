"""The change feed: numbering recorded changes, reading them back, rendering objects.

Writers only insert unnumbered rows (see `app.changes.recording`). `sequence_due` numbers
the committed rows whose `visible_at` has come, under one lock held to the end of its
transaction: `seq` therefore grows in the order rows are numbered, and a row committed
after a reader has read up to `seq = n` is numbered above `n`. No writer can be skipped.
"""

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from app.articles import service as articles
from app.articles.models import Article
from app.articles.schemas import ArticleRead
from app.changes.models import Audience, Change
from app.changes.schemas import ChangeEntry, ChangeMeta, ChangePage
from app.db import utcnow
from app.events import service as events
from app.events.models import Event
from app.events.schemas import EventRead
from app.experts import service as experts
from app.experts.models import Expert
from app.experts.schemas import ExpertRead
from app.pages.models import Page
from app.pages.schemas import PageRead
from app.programs import service as programs
from app.programs.models import Program
from app.programs.schemas import ProgramDetail
from app.topics.models import Topic
from app.topics.schemas import TopicDetail
from app.workflow import Workflow, visible_to

log = logging.getLogger("app.changes")

# pg_advisory_xact_lock key for numbering changes ("pressroo" in ASCII).
SEQUENCE_LOCK = 0x7072657373726F6F
BATCH = 500


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource type of the feed: its table, how its public detail endpoint shows it."""

    model: Any
    schema: type[BaseModel]
    options: Callable[[datetime], list]


RESOURCES: dict[str, Resource] = {
    "article": Resource(Article, ArticleRead, articles.load_options),
    "expert": Resource(Expert, ExpertRead, lambda now: list(experts._LOAD_OPTIONS)),
    "event": Resource(Event, EventRead, events._load_options),
    "page": Resource(Page, PageRead, lambda now: []),
    "topic": Resource(
        Topic, TopicDetail, lambda now: [joinedload(Topic.parent), selectinload(Topic.children)]
    ),
    "program": Resource(
        Program,
        ProgramDetail,
        lambda now: [
            joinedload(Program.director),
            selectinload(Program.members),
            programs._hide_experts(now),
        ],
    ),
}
TABLES = {resource.model.__tablename__: name for name, resource in RESOURCES.items()}


def _visible(model: Any, *, sees_embargoed: bool, now: datetime) -> Any:
    if not issubclass(model, Workflow):
        return None  # topics and programs are always public
    return visible_to(model, sees_embargoed=sees_embargoed, now=now)


async def render_many(
    session: AsyncSession, *, keys: Iterable[tuple[str, int]], reader: Any
) -> dict[tuple[str, int], dict | None]:
    """Each (resource, id) as its public detail endpoint shows it to `reader`, or None when
    that reader cannot see it (or it is gone): one query per resource type. An object that
    cannot be rendered is logged and left out of the answer, so it never blocks the rest."""
    out: dict[tuple[str, int], dict | None] = {}
    now = utcnow()
    async with _fresh(session) as reading:
        for name, ids in _by_resource(keys).items():
            spec = RESOURCES[name]
            stmt = select(spec.model).where(spec.model.id.in_(sorted(ids)))
            condition = _visible(spec.model, sees_embargoed=reader.sees_embargoed, now=now)
            if condition is not None:
                stmt = stmt.where(condition)
            found = {
                row.id: row
                for row in (await reading.scalars(stmt.options(*spec.options(now)))).unique()
            }
            for resource_id in sorted(ids):
                row = found.get(resource_id)
                if row is None:
                    out[name, resource_id] = None
                elif (rendered := _render_one(spec, name, row)) is not None:
                    out[name, resource_id] = rendered
    return out


@asynccontextmanager
async def _fresh(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A session of its own on the caller's connection and transaction. Its identity map
    starts empty, so objects the caller loaded before (with other loader options) cannot
    stand in for the ones rendered, half loaded; `populate_existing` did not do: a topic met
    first as another topic's parent kept its own `parent` unloaded."""
    await session.flush()
    connection = await session.connection()
    async with AsyncSession(bind=connection, autoflush=False, expire_on_commit=False) as fresh:
        yield fresh


def _render_one(spec: Resource, name: str, row: Any) -> dict | None:
    try:
        return spec.schema.model_validate(row).model_dump(mode="json")
    except Exception:
        log.exception("cannot render %s %s for the change feed and webhooks; skipped", name, row.id)
        return None


async def render(
    session: AsyncSession, *, resource: str, resource_id: int, reader: Any
) -> dict | None:
    """The object as the public detail endpoint shows it to `reader`, or None."""
    rendered = await render_many(session, keys=[(resource, resource_id)], reader=reader)
    return rendered.get((resource, resource_id))


async def sequenced_public_changes(
    session: AsyncSession, *, after: int, limit: int
) -> list[Change]:
    """Numbered public changes after `after`, oldest first (`event` set on each; null when
    the resource neither was nor is public)."""
    stmt = (
        select(Change)
        .where(Change.seq > after, Change.audience == Audience.public)
        .order_by(Change.seq)
        .limit(limit)
    )
    return list(await session.scalars(stmt))


def _feed_condition(reader: Any) -> Any:
    public_change = and_(Change.audience == Audience.public, Change.event.is_not(None))
    if reader.sees_embargoed:
        return or_(public_change, Change.audience == Audience.embargo)
    return public_change


async def feed_page(
    session: AsyncSession, *, reader: Any, since: int, limit: int
) -> tuple[list[Change], bool]:
    """Up to `limit` numbered changes after `since` that `reader` may see, oldest first, and
    whether more follow."""
    stmt = (
        select(Change)
        .where(Change.seq > since, _feed_condition(reader))
        .order_by(Change.seq)
        .limit(limit + 1)
    )
    rows = list(await session.scalars(stmt))
    return rows[:limit], len(rows) > limit


async def sequence_due(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Number the committed changes that are due, in one batch; how many. The caller commits
    (the lock is held until then)."""
    return await session.run_sync(lambda s: number_due(s.connection(), now=now or utcnow()))


def number_due(conn: Connection, *, now: datetime) -> int:
    """`sequence_due` on a connection (writers call it as they commit, see `recording`)."""
    due = select(Change.id).where(Change.seq.is_(None), Change.visible_at <= now).limit(1)
    if conn.scalar(due) is None:
        return 0
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQUENCE_LOCK})
    rows = conn.execute(
        select(Change.id, Change.resource, Change.resource_id, Change.audience)
        .where(Change.seq.is_(None), Change.visible_at <= now)
        .order_by(Change.visible_at, Change.id)
        .limit(BATCH)
    ).all()
    if not rows:
        return 0
    last = conn.scalar(select(func.coalesce(func.max(Change.seq), 0)))
    updates = _numbered(conn, rows, first=last + 1, now=now)
    conn.execute(
        update(Change.__table__)
        .where(Change.__table__.c.id == bindparam("change_id"))
        .values(
            seq=bindparam("new_seq"),
            event=bindparam("new_event"),
            audience=bindparam("new_audience"),
            sequenced_at=now,
        ),
        updates,
    )
    return len(updates)


def _numbered(
    conn: Connection, rows: list[Any], *, first: int, now: datetime
) -> list[dict[str, Any]]:
    """Each row's number, and for public rows the event (from whether the resource was
    public at its previous public change and is now)."""
    keys = {(row.resource, row.resource_id) for row in rows}
    was = _last_public_events(conn, keys)
    now_public = _visible_ids(conn, keys, sees_embargoed=False, now=now)
    embargoed = _visible_ids(conn, keys, sees_embargoed=True, now=now) - now_public
    updates = []
    for seq, row in enumerate(rows, start=first):
        key = (row.resource, row.resource_id)
        event, audience = None, row.audience
        if row.audience == Audience.public:
            event = _event(row.resource, was=_left_public(was.get(key)), now=key in now_public)
            was[key] = event
            if event is None and key in embargoed:
                audience = Audience.embargo  # a change only `embargo:read` keys can see
        updates.append(
            {"change_id": row.id, "new_seq": seq, "new_event": event, "new_audience": audience}
        )
    return updates


def _left_public(event: str | None) -> bool:
    """Whether a change with this event left its resource public (an unpublish did not)."""
    return event is not None and not event.endswith(".unpublished")


def _event(resource: str, *, was: bool, now: bool) -> str | None:
    if now:
        return f"{resource}.updated" if was else f"{resource}.published"
    return f"{resource}.unpublished" if was else None


def _last_public_events(
    conn: Connection, keys: set[tuple[str, int]]
) -> dict[tuple[str, int], str | None]:
    """The event of each resource's latest numbered public change (when it has one)."""
    latest = (
        select(Change.resource, Change.resource_id, func.max(Change.seq).label("seq"))
        .where(Change.seq.is_not(None), Change.audience == Audience.public)
        .where(or_(*(_key_condition(name, ids) for name, ids in _by_resource(keys).items())))
        .group_by(Change.resource, Change.resource_id)
        .subquery()
    )
    stmt = select(Change.resource, Change.resource_id, Change.event).join(
        latest, Change.seq == latest.c.seq
    )
    return {(r, i): e for r, i, e in conn.execute(stmt).all()}


def _visible_ids(
    conn: Connection, keys: set[tuple[str, int]], *, sees_embargoed: bool, now: datetime
) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for name, ids in _by_resource(keys).items():
        model = RESOURCES[name].model
        stmt = select(model.id).where(model.id.in_(sorted(ids)))
        condition = _visible(model, sees_embargoed=sees_embargoed, now=now)
        if condition is not None:
            stmt = stmt.where(condition)
        out.update((name, found) for found in conn.scalars(stmt))
    return out


def _by_resource(keys: Iterable[tuple[str, int]]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for resource, resource_id in keys:
        out.setdefault(resource, set()).add(resource_id)
    return out


def _key_condition(resource: str, ids: set[int]) -> Any:
    return and_(Change.resource == resource, Change.resource_id.in_(sorted(ids)))


async def feed(session: AsyncSession, *, reader: Any, since: int, limit: int) -> ChangePage:
    """A page of the change feed for `reader`, after numbering whatever has come due."""
    while await sequence_due(session) == BATCH:
        pass
    rows, has_more = await feed_page(session, reader=reader, since=since, limit=limit)
    latest = {(row.resource, row.resource_id): row for row in rows}  # later rows win
    objects = await render_many(session, keys=latest, reader=reader)
    entries = [
        ChangeEntry(
            seq=row.seq,
            resource=row.resource,
            id=row.resource_id,
            action="delete" if objects[key] is None else "upsert",
            object=objects[key],
        )
        for key, row in sorted(latest.items(), key=lambda item: item[1].seq)
        if key in objects  # one that cannot be rendered is logged, not sent half-made
    ]
    next_cursor = rows[-1].seq if rows else since
    return ChangePage(
        data=entries, meta=ChangeMeta(next_cursor=str(next_cursor), has_more=has_more)
    )
