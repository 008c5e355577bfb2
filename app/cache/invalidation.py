"""Which cached answers a write touches.

Session events collect the rows each flush writes (`session.new`, `dirty`, `deleted`, and
bulk UPDATE/DELETE statements) and name them like the surrogate keys: `article-12`,
`expert-lyle-goldstein`, `list-articles`, `site`. `get_session` hands them to the cache
after its commit (`ResponseCache.committed`). The rules, all read off the ORM mapping:

* a content row (one with a slug): `{table}-{id}`, `{table}-{slug}` (old slugs too),
  `list-{table}s`, and for searchable types `list-search`; `refs-{table}` when a row of a
  workflow type changed status or publish time (an embedding answer may have left it out);
  a draft or archived row that was not public before the write either touches nothing,
  while one scheduled to go live purges now the answers it will join;
* a row that another lists (a topic's `children`, an article's `topic_links`, a program's
  `members` through a secondary table): that other row as well, when the link changes;
* site, menus and menu items: `site`; rows that are not public (users, tokens, audit,
  revisions, ...): nothing; anything else, and bulk writes to public tables: everything.

Non-JSON documents (feeds, sitemap) carry `any-content`, which every content write purges.
"""

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Column, Table, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstanceState, Mapper, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.interfaces import ONETOMANY

from app.cache.keys import ANY_CONTENT, EVERYTHING, HIDEABLE
from app.cache.schedule import MOMENT_COLUMNS
from app.db import Base, lists_back, mapper_for, utcnow
from app.workflow import LIVE_STATUSES

PENDING = "pressroom.cache.touched"

NOT_PUBLIC = frozenset(
    {
        "alembic_version",
        "api_key",
        "article_tally",
        "audit_entry",
        "change",
        "email_message",
        "idempotency_record",
        "login_failure",
        "newsletter_signup_attempt",
        "newsletter_subscription",
        "newsletter_subscription_program",
        "newsletter_subscription_topic",
        "refresh_token",
        "revision",
        "slug_redirect",
        "user",
        "webhook_attempt",
        "webhook_cursor",
        "webhook_delivery",
        "webhook_endpoint",
    }
)
"""Tables no public answer shows: writing them purges nothing. A table that is in neither
this set, `SITE`, nor the content model purges everything (the safe default), which a
test forbids: each new table is classified here."""
SITE = frozenset({"site", "menu", "menu_item"})
VISIBILITY_COLUMNS = ("status", "published_at")


@dataclass
class Touched:
    """What one transaction wrote, as purge keys, plus what is left to resolve."""

    keys: set[str] = field(default_factory=set)
    unresolved: set[tuple[str, int]] = field(default_factory=set)
    """(table, id) of rows whose slug was not at hand; looked up after the commit."""
    moments: set[float] = field(default_factory=set)
    """Instants (epoch seconds) written into rows: a public answer may change then."""

    def __bool__(self) -> bool:
        return bool(self.keys or self.unresolved or self.moments)

    def update(self, other: "Touched") -> None:
        self.keys |= other.keys
        self.unresolved |= other.unresolved
        self.moments |= other.moments

    def add_row(self, table: str, row_id: Any, slugs: Iterable[str] = ()) -> None:
        self.keys.update((f"{table}-{row_id}", f"list-{table}s", ANY_CONTENT))
        if table in HIDEABLE:
            self.keys.add("list-search")
        self.keys.update(f"{table}-{slug}" for slug in slugs if slug)


def touched_by_flush(session: Session) -> Touched:
    """The rows this flush is writing, named as purge keys."""
    touched = Touched()
    for obj in session.new:
        _touch(touched, session, inspect(obj), changed=False)
    for obj in session.dirty:
        if session.is_modified(obj):
            _touch(touched, session, inspect(obj), changed=True)
    for obj in session.deleted:
        _touch(touched, session, inspect(obj), changed=False, deleted=True)
    return touched


def _touch(
    touched: Touched,
    session: Session,
    state: InstanceState[Any],
    *,
    changed: bool,
    deleted: bool = False,
) -> None:
    mapper = state.mapper
    table = mapper.local_table.name
    if table in NOT_PUBLIC:
        return
    if table in SITE:
        touched.keys.update(("site", ANY_CONTENT))
        return
    content = _is_content(mapper)
    if content:
        _note_moments(touched, state)
        if _hidden_throughout(state, new=not changed and not deleted, deleted=deleted):
            return  # a draft or archived row before and after: never shown
        _touch_content(touched, state, changed=changed, deleted=deleted)
        _touch_linked(touched, session, state)
    listed_by = _touch_listing_rows(touched, session, state, changed=changed)
    if not content and not listed_by:
        touched.keys.add(EVERYTHING)


def _touch_content(
    touched: Touched, state: InstanceState[Any], *, changed: bool, deleted: bool
) -> None:
    table = state.mapper.local_table.name
    row_id = state.dict.get("id")
    slugs = _values(state, "slug", changed=False)
    touched.add_row(table, row_id, slugs)
    if not slugs:
        # The slug was not loaded: look it up after the commit, or drop everything if
        # the row is gone by then.
        touched.keys.add(EVERYTHING) if deleted else touched.unresolved.add((table, row_id))
    if changed and table in HIDEABLE and _any_changed(state, VISIBILITY_COLUMNS):
        # It may have just turned public: answers that left it out embed it now.
        touched.keys.add(f"refs-{table}")


def _note_moments(touched: Touched, state: InstanceState[Any]) -> None:
    for column in MOMENT_COLUMNS:
        for value in _values(state, column, changed=False):
            if isinstance(value, datetime):
                touched.moments.add(value.timestamp())


def _hidden_throughout(state: InstanceState[Any], *, new: bool, deleted: bool) -> bool:
    """A row of a workflow type that was not public before this write and is not after."""
    if state.mapper.local_table.name not in HIDEABLE:
        return False
    now = utcnow()
    before = "hidden" if new else _visibility(state, now, before=True)
    after = "hidden" if deleted else _visibility(state, now, before=False)
    # A row scheduled to go live is not hidden: the answers it will join must be purged
    # now, so that they are cached again only until its time (see `ResponseCache.store`).
    return before == after == "hidden"


def _visibility(state: InstanceState[Any], now: datetime, *, before: bool) -> str:
    """`public`, `scheduled` (live with a future time) or `hidden`, as `app.workflow.public`
    decides; `unknown` if the columns were not loaded."""
    values = []
    for key in VISIBILITY_COLUMNS:
        history = state.attrs[key].history
        recent = history.deleted if before else history.added
        known = recent or history.unchanged
        if not known:
            return "unknown"
        values.append(known[0])
    status, published_at = values
    if status not in LIVE_STATUSES or published_at is None:
        return "hidden"
    return "public" if published_at <= now else "scheduled"


def _touch_listing_rows(
    touched: Touched, session: Session, state: InstanceState[Any], *, changed: bool
) -> bool:
    """Touch the rows whose answers list this one (through a foreign key it holds)."""
    found = False
    for column, target in _listing_targets(state.mapper):
        found = True
        key = state.mapper.get_property_by_column(column).key
        for target_id in _values(state, key, changed=changed):
            if target_id is not None:
                _touch_by_id(touched, session, target, target_id)
    return found


def _touch_linked(touched: Touched, session: Session, state: InstanceState[Any]) -> None:
    """Many-to-many links both ends list: the rows added to or removed from the collection."""
    for rel in state.mapper.relationships:
        if rel.secondary is None or not lists_back(rel.mapper, rel.secondary):
            continue
        history = state.attrs[rel.key].history
        for other in chain(history.added or (), history.deleted or ()):
            other_state = inspect(other)
            if other_state.identity is not None:
                _touch_by_id(touched, session, other_state.mapper, other_state.identity[0])


def _touch_by_id(touched: Touched, session: Session, mapper: Mapper[Any], row_id: Any) -> None:
    table = mapper.local_table.name
    if table in SITE:
        touched.keys.update(("site", ANY_CONTENT))
        return
    obj = _find(session, mapper, row_id)
    if obj is None:
        touched.add_row(table, row_id)
        if "slug" in mapper.columns:
            touched.unresolved.add((table, row_id))
        return
    state = inspect(obj)
    if _hidden_throughout(state, new=obj in session.new, deleted=obj in session.deleted):
        return
    slugs = _values(state, "slug", changed=False)
    touched.add_row(table, row_id, slugs)
    if not slugs and "slug" in mapper.columns:
        touched.unresolved.add((table, row_id))


def _find(session: Session, mapper: Mapper[Any], row_id: Any) -> Any:
    """The row in this session, if it is there (rows inserted by this flush are not in the
    identity map until the flush ends)."""
    obj = session.identity_map.get(mapper.identity_key_from_primary_key([row_id]))
    if obj is not None:
        return obj
    for new in session.new:
        state = inspect(new)
        if state.mapper.isa(mapper) and state.dict.get("id") == row_id:
            return new
    return None


def _values(state: InstanceState[Any], key: str, *, changed: bool) -> list[Any]:
    """An attribute's values before and after this flush (only if it changed, if asked)."""
    if key not in state.mapper.attrs:
        return []
    history = state.attrs[key].history
    if changed:
        return [*(history.added or ()), *(history.deleted or ())]
    return [*(history.added or ()), *(history.unchanged or ()), *(history.deleted or ())]


def _any_changed(state: InstanceState[Any], keys: Iterable[str]) -> bool:
    return any(key in state.mapper.attrs and state.attrs[key].history.has_changes() for key in keys)


@cache
def _is_content(mapper: Mapper[Any]) -> bool:
    return "slug" in mapper.columns and "id" in mapper.columns


@cache
def _listing_targets(mapper: Mapper[Any]) -> list[tuple[Column[Any], Mapper[Any]]]:
    """(foreign key column, mapper of the referenced class) where that class has a
    one-to-many collection of this class: its answers list these rows."""
    out = []
    for fk in mapper.local_table.foreign_keys:
        target = mapper_for(fk.column.table)
        if target is None or target.local_table.name in NOT_PUBLIC:
            continue
        if any(r.direction is ONETOMANY and mapper.isa(r.mapper) for r in target.relationships):
            out.append((fk.parent, target))
    return out


def touched_by_statement(table: Table | None) -> Touched:
    """A bulk INSERT, UPDATE or DELETE: which rows it hit is unknown, so all of a public
    table's answers go (the site's tables only touch `site`)."""
    touched = Touched()
    if table is None or table.name in NOT_PUBLIC:
        return touched
    touched.keys.update(("site", ANY_CONTENT) if table.name in SITE else (EVERYTHING,))
    return touched


async def resolve(session: AsyncSession, touched: Touched) -> set[str]:
    """The purge keys, with the slugs of rows that were only known by id looked up."""
    keys = set(touched.keys)
    by_table: dict[str, set[int]] = {}
    for table, row_id in touched.unresolved:
        by_table.setdefault(table, set()).add(row_id)
    for name, ids in sorted(by_table.items()):
        table = Base.metadata.tables[name]
        rows = await session.execute(select(table.c.slug).where(table.c.id.in_(sorted(ids))))
        keys.update(f"{name}-{slug}" for (slug,) in rows)
    return keys


def pending(session: Session | AsyncSession) -> Touched:
    """What this session wrote since it was last handed to the cache."""
    return session.info.setdefault(PENDING, Touched())


# Listeners on every session of the process. In-process caches (see `ResponseCache`)
# subscribe to flushes too, and drop entries before the commit as well as after it.
_local_caches: "weakref.WeakSet[Any]" = weakref.WeakSet()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    touched = touched_by_flush(session)
    if touched:
        pending(session).update(touched)
        _run_flush_hooks(session, touched)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    touched = touched_by_statement(getattr(state.statement, "table", None))
    if touched:
        pending(state.session).update(touched)
        _run_flush_hooks(state.session, touched)


def _run_flush_hooks(session: Session, touched: Touched) -> None:
    for local in list(_local_caches):
        local.flushed(session, touched)


def subscribe_to_flushes(local: Any) -> None:
    """Call `local.flushed(session, touched)` on every flush in this process."""
    _local_caches.add(local)
