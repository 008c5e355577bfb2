"""Engine, sessions, the declarative base and the column types every model shares."""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapper
from sqlalchemy.types import TypeDecorator

from app.clock import utcnow as utcnow  # re-exported: models and services import it here
from app.search.text import PLAIN_TEXT_FUNCTION, plain_text

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def mapper_for(table: Any) -> Mapper[Any] | None:
    """The mapped class's mapper for `table` (None for a plain association table)."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return mapper
    return None


def lists_back(mapper: Mapper[Any], secondary: Any) -> bool:
    """Whether `mapper` has a relationship through the association table `secondary`."""
    return any(r.secondary is secondary for r in mapper.relationships)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zone type: values are stored as naive UTC text so that
    comparisons in SQL order correctly; PostgreSQL gets `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys and real SAVEPOINT support."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)  # the API turns it off unless asked (settings)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "checkout", _replace_closed)
    return engine


def pg_timeouts(settings: Any) -> dict[str, float]:
    """asyncpg's connect arguments for DATABASE_CONNECT_TIMEOUT and ..._STATEMENT_TIMEOUT."""
    return {
        "timeout": settings.database_connect_timeout,
        "command_timeout": settings.database_statement_timeout,
    }


def _replace_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A connection the server closed (a restart) is known closed without a round trip:
    # the pool replaces it instead of failing a request, even without pre-ping.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


def _tune_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's implicit transaction handling breaks SAVEPOINT; take over BEGIN ourselves.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # The search triggers strip HTML with it (see migrations/versions/*_search.py).
        dbapi_connection.create_function(PLAIN_TEXT_FUNCTION, 1, plain_text, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once ("database is
        # locked") when another wrote in between; one that takes the write lock up front
        # waits its turn (busy_timeout). Readers stay deferred, so they never queue.
        immediate = connection.get_execution_options().get(_WRITES)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_WRITES = "pressroom_writes"
_writers: WeakKeyDictionary[AsyncEngine, AsyncEngine] = WeakKeyDictionary()


def for_writing(bind: Any) -> Any:
    """`bind` for a session that will write: on SQLite its transactions begin IMMEDIATE.

    A connection (the tests' shared one) is returned as it is: it is already in its
    transaction."""
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "sqlite":
        return bind
    if bind not in _writers:
        _writers[bind] = bind.execution_options(**{_WRITES: True})
    return _writers[bind]


def make_sessionmaker(bind: Any, *, writes: bool = False) -> async_sessionmaker[AsyncSession]:
    """The one session factory configuration the app uses; `writes` for one whose sessions
    write (the worker's), so that on SQLite they wait for the write lock, not fail."""
    bind = for_writing(bind) if writes else bind
    return async_sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _request_session(request: Request, *, writes: bool) -> AsyncSession:
    """A session for this request: one that takes the write lock first if it will write."""
    sessionmaker = request.app.state.sessionmaker
    bind = sessionmaker.kw.get("bind")
    writer = for_writing(bind) if writes else bind
    return sessionmaker() if writer is bind else sessionmaker(bind=writer)


@asynccontextmanager
async def _committed_session(request: Request, *, writes: bool) -> AsyncIterator[AsyncSession]:
    cache = getattr(request.app.state, "cache", None)
    async with _request_session(request, writes=writes) as session:
        try:
            yield session
            await session.commit()
        except BaseException as exc:
            if getattr(exc, "commit_session", False):
                await session.commit()
                if cache is not None:
                    await cache.committed(session)
            else:
                await session.rollback()
            raise
        if cache is not None:
            await cache.committed(session)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed once when the handler returns; then the response
    cache purges what the transaction wrote (see app.cache.invalidation). Requests other
    than GET, HEAD and OPTIONS take SQLite's write lock first."""
    writes = request.method not in _READ_METHODS
    async with _committed_session(request, writes=writes) as session:
        yield session


async def get_write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """`get_session` for a GET that writes as it reads (the change feed numbers what came
    due): on SQLite it waits for the write lock up front instead of failing half-way."""
    async with _committed_session(request, writes=True) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session, scope="function")]


async def plan_for_values(session: AsyncSession) -> None:
    """PostgreSQL: plan the rest of this transaction's statements for their values.

    asyncpg prepares every statement, and after five runs PostgreSQL may keep one generic
    plan that guesses at the values: for a search it guessed a third of the rows were
    public and ranked five times as many as it needed (12 ms became 57). Planning each
    time costs well under a millisecond: searches are worth it."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def hold_lock(session: AsyncSession, name: str) -> None:
    """Wait for, then hold until this transaction ends, the lock called `name`: two
    transactions that check-then-insert the same thing take turns instead of both inserting.

    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do, a write
    transaction already holds the database's one write lock (see `for_writing`)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
