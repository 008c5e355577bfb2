"""Fixtures: one migrated database per xdist worker, one rolled-back transaction per test.

The backend is SQLite unless TEST_DATABASE_URL names a PostgreSQL server
(`make test` runs the suite once on each).
"""

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.auth import tokens
from app.auth.models import User
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from tests import dbutil

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKEND = "postgresql" if SERVER_URL.startswith("postgresql") else "sqlite"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {BACKEND}" + (f" ({SERVER_URL})" if SERVER_URL else "")


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """A database for this worker, built by `alembic upgrade head`."""
    # The pid keeps concurrent runs on one server apart.
    name = f"pressroom_test_{worker_id}_{os.getpid()}"
    if BACKEND == "postgresql":
        url = dbutil.fresh_postgres_database(SERVER_URL, name)
    else:
        url = dbutil.fresh_sqlite_database(tmp_path_factory.mktemp("db"), name)
    dbutil.migrate(url)
    yield url
    if BACKEND == "postgresql":
        dbutil.drop_postgres_database(SERVER_URL, name)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose outer transaction is rolled back after the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


def _savepoint_sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """The session factories write through; the app sees it on the same connection."""
    async with _savepoint_sessions(connection)() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        site_url="https://www.example.org",
        cors_origins=["https://frontend.example.org"],
        redis_url=None,  # the cache tests choose their backend themselves
    )


@pytest.fixture
async def client(connection: AsyncConnection, settings: Settings) -> AsyncIterator[AsyncClient]:
    """An HTTP client on the real app, its sessions inside the test's transaction."""
    app = create_app(settings, sessionmaker=_savepoint_sessions(connection))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def count_statements(
    connection: AsyncConnection,
) -> Callable[[], AbstractContextManager[list[str]]]:
    """`with count_statements() as sql:` records the SQL the app sends (savepoints aside)."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(connection.sync_connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", record)

    return counting


@pytest.fixture
def sign_in(settings: Settings) -> Callable[[User], dict[str, str]]:
    """Headers that authenticate as a user, without a password round trip."""

    def headers(user: User) -> dict[str, str]:
        token, _ = tokens.sign(
            settings,
            purpose="access",
            ttl=timedelta(minutes=5),
            sub=str(user.id),
            role=user.role.value,
        )
        return {"Authorization": f"Bearer {token}"}

    return headers
