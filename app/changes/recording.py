"""Record a change row for every write to a public resource, in the writer's transaction.

Session events see each flush (like `app.cache.invalidation`): every article, expert,
event, page, topic and program inserted, updated or deleted gets a `public` row visible
now; one scheduled for later gets another at its publish time; an embargoed article gets
an `embargo` row. Resources that show the written row (an article shows its authors,
topics, programs; a program its director) get rows too, as their public object changed.
Rows are written unnumbered, straight on the connection (not through the ORM, so the
response cache does not take them for content); `service.sequence_due` numbers them.
"""

from datetime import datetime
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Column, Table, bindparam, event, insert, inspect, select
from sqlalchemy.orm import InstanceState, Mapper, Session, UOWTransaction
from sqlalchemy.orm.interfaces import MANYTOONE, ONETOMANY

from app.changes.models import Audience, Change
from app.db import Base, lists_back, mapper_for, utcnow
from app.workflow import LIVE_STATUSES

PENDING = "pressroom.changes.pending"
RECORDED = "pressroom.changes.recorded"
RESOURCE_OF_TABLE = {
    "article": "article",
    "expert": "expert",
    "event": "event",
    "page": "page",
    "topic": "topic",
    "program": "program",
}

Row = tuple[str, int, datetime, Audience]


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # Rows that show a changed or deleted resource are found before the flush: a delete
    # takes the link rows with it.
    now = utcnow()
    found: set[Row] = session.info.setdefault(PENDING, set())
    for obj in chain(session.dirty, session.deleted):
        state = inspect(obj)
        resource = RESOURCE_OF_TABLE.get(state.mapper.local_table.name)
        if resource is None or state.identity is None:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        times = [now, *_future_times(state, now, deleted=obj in session.deleted)]
        found.update(_showing(session, state.mapper.local_table, state.identity[0], times))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    now = utcnow()
    rows: set[Row] = session.info.pop(PENDING, set())
    for obj in session.new:
        rows.update(_rows_for(session, inspect(obj), now, deleted=False))
    for obj in session.dirty:
        if session.is_modified(obj):
            rows.update(_rows_for(session, inspect(obj), now, deleted=False))
    for obj in session.deleted:
        rows.update(_rows_for(session, inspect(obj), now, deleted=True))
    rows = {row for row in rows if row[1] is not None}
    if rows:
        session.info[RECORDED] = True
        session.connection().execute(
            insert(Change.__table__),
            [
                {
                    "resource": r,
                    "resource_id": i,
                    "visible_at": at,
                    "audience": audience,
                    "created_at": now,
                }
                for r, i, at, audience in sorted(rows, key=lambda row: (row[2], row[0], row[1]))
            ],
        )


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # Number this transaction's due changes as it commits, under the lock `number_due`
    # holds to the commit: the event then tells the state this write left.
    session.flush()
    if session.info.pop(RECORDED, False):
        from app.changes.service import number_due  # late: the service imports every model

        number_due(session.connection(), now=utcnow())


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(RECORDED, None)


def _rows_for(
    session: Session, state: InstanceState[Any], now: datetime, *, deleted: bool
) -> set[Row]:
    """This row's own changes, and those of the rows that list it or link to it."""
    rows: set[Row] = set()
    resource = RESOURCE_OF_TABLE.get(state.mapper.local_table.name)
    if resource is not None:
        row_id = state.identity[0] if state.identity else state.dict.get("id")
        rows.add((resource, row_id, now, Audience.public))
        rows.update(
            (resource, row_id, at, Audience.public)
            for at in _future_times(state, now, deleted=deleted)
        )
        if True in _values(state, "embargoed"):
            rows.add((resource, row_id, now, Audience.embargo))
    rows.update(_listing_rows(session, state, now))
    rows.update(_linked_rows(state, now))
    return rows


def _future_times(state: InstanceState[Any], now: datetime, *, deleted: bool) -> list[datetime]:
    """When a live row with a publish time still ahead goes public."""
    if deleted or "published_at" not in state.mapper.attrs:
        return []
    status, published_at = state.dict.get("status"), state.dict.get("published_at")
    if status in LIVE_STATUSES and published_at is not None and published_at > now:
        return [published_at]
    return []


def _listing_rows(session: Session, state: InstanceState[Any], now: datetime) -> set[Row]:
    """Resources whose object lists this row through a foreign key it holds (a topic's
    children, an article's topic links), before and after the write."""
    rows: set[Row] = set()
    for column, target in _listing_targets(state.mapper):
        key = state.mapper.get_property_by_column(column).key
        for target_id in _values(state, key):
            if target_id is not None:
                rows.add((RESOURCE_OF_TABLE[target], target_id, now, Audience.public))
    return rows


def _linked_rows(state: InstanceState[Any], now: datetime) -> set[Row]:
    """Many-to-many links that both ends show (an expert's programs, a program's members)."""
    rows: set[Row] = set()
    for rel in state.mapper.relationships:
        if rel.secondary is None:
            continue
        other_table = rel.mapper.local_table.name
        if other_table not in RESOURCE_OF_TABLE or not lists_back(rel.mapper, rel.secondary):
            continue
        history = state.attrs[rel.key].history
        for other in chain(history.added or (), history.deleted or ()):
            identity = inspect(other).identity
            if identity is not None:
                rows.add((RESOURCE_OF_TABLE[other_table], identity[0], now, Audience.public))
    return rows


def _showing(session: Session, table: Table, row_id: int, times: list[datetime]) -> set[Row]:
    """Resources whose public object shows this row: through a foreign key to it, or a
    link table between them."""
    rows: set[Row] = set()
    connection = session.connection()
    for resource, query in _showing_queries(table.name):
        for found in connection.scalars(query, {"row_id": row_id}):
            rows.update((resource, found, at, Audience.public) for at in times)
    return rows


@cache
def _showing_queries(table_name: str) -> list[tuple[str, Any]]:
    """For each resource relationship that shows a row of this table, a query for the ids
    of the resources showing a given row (`:row_id`)."""
    queries = []
    for mapper in Base.registry.mappers:
        resource = RESOURCE_OF_TABLE.get(mapper.local_table.name)
        if resource is None:
            continue
        for rel in mapper.relationships:
            stmt = _showing_query(rel, table_name)
            if stmt is not None:
                queries.append((resource, stmt))
    return queries


def _showing_query(rel: Any, table_name: str) -> Any:
    row_id = bindparam("row_id")
    if rel.secondary is not None and rel.mapper.local_table.name == table_name:
        (_, owner_column), (_, other_column) = (
            rel.synchronize_pairs[0],
            rel.secondary_synchronize_pairs[0],
        )
        return select(owner_column).where(other_column == row_id)
    if rel.direction is MANYTOONE and rel.mapper.local_table.name == table_name:
        local, _ = rel.local_remote_pairs[0]
        return select(rel.parent.local_table.c.id).where(local == row_id)
    if rel.direction is ONETOMANY and rel.mapper.local_table.name not in RESOURCE_OF_TABLE:
        _, owner_column = rel.local_remote_pairs[0]
        for link in rel.mapper.relationships:
            if link.direction is MANYTOONE and link.mapper.local_table.name == table_name:
                local, _ = link.local_remote_pairs[0]
                return select(owner_column).where(local == row_id).distinct()
    return None


def _values(state: InstanceState[Any], key: str) -> list[Any]:
    if key not in state.mapper.attrs:
        return []
    history = state.attrs[key].history
    return [*(history.added or ()), *(history.unchanged or ()), *(history.deleted or ())]


@cache
def _listing_targets(mapper: Mapper[Any]) -> list[tuple[Column[Any], str]]:
    """(foreign key column, resource table) where the resource has a one-to-many
    collection of this class: its object lists these rows."""
    out = []
    for fk in mapper.local_table.foreign_keys:
        target = fk.column.table.name
        if target not in RESOURCE_OF_TABLE:
            continue
        target_mapper = mapper_for(fk.column.table)
        if target_mapper is None:
            continue
        if any(
            r.direction is ONETOMANY and mapper.isa(r.mapper) for r in target_mapper.relationships
        ):
            out.append((fk.parent, target))
    return out
