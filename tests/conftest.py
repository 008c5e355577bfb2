"""Fixtures: one migrated database per xdist worker, one rolled-back transaction per test.

The backend is SQLite unless TEST_DATABASE_URL names a PostgreSQL server
(`make test` runs the suite once on each).
"""

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

import pytest
from httpx import ASGITransport, AsyncClient, Request, Response
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app import clock as app_clock
from app.auth import tokens
from app.auth.models import User
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from tests import dbutil
from tests.helpers import assert_legal_headers

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
# Every Settings() a test builds (and every `pressroom` it runs) is a test environment, with
# a random secret unless a test names one: never a development or production setup.
os.environ["ENVIRONMENT"] = "test"
BACKEND = "postgresql" if SERVER_URL.startswith("postgresql") else "sqlite"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {BACKEND}" + (f" ({SERVER_URL})" if SERVER_URL else "")


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(autouse=True)
def legal_headers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer an app gives in-process must have header fields fit for the wire.

    Over a real socket h11 and uvicorn refuse such fields; in-process nothing would."""
    send = ASGITransport.handle_async_request

    async def checked(self: ASGITransport, request: Request) -> Response:
        response = await send(self, request)
        assert_legal_headers(response)
        return response

    monkeypatch.setattr(ASGITransport, "handle_async_request", checked)


class Clock:
    """The app's clock, as a test moves it: `clock.advance(seconds=2)` instead of a sleep."""

    now = staticmethod(app_clock.utcnow)

    def advance(self, **delta: float) -> None:
        app_clock.advance(timedelta(**delta))

    def freeze(self) -> None:
        """Stop time, for answers compared byte for byte (Last-Modified, Date)."""
        app_clock.freeze()


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Time that moves when the test says so; back to the wall clock afterwards."""
    yield Clock()
    app_clock.reset()


def _migrated_database(tmp: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """A database of its own, built by `alembic upgrade head`, dropped afterwards."""
    name = f"{name}_{os.getpid()}"  # the pid keeps concurrent runs on one server apart
    if BACKEND == "postgresql":
        url = dbutil.fresh_postgres_database(SERVER_URL, name)
    else:
        url = dbutil.fresh_sqlite_database(tmp.mktemp("db"), name)
    dbutil.migrate(url)
    yield url
    if BACKEND == "postgresql":
        dbutil.drop_postgres_database(SERVER_URL, name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """A database for this worker: each test runs in a transaction rolled back after it."""
    yield from _migrated_database(tmp_path_factory, f"pressroom_test_{worker_id}")


@pytest.fixture(scope="module")
def scratch_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[str]:
    """A database of the module's own, for tests that commit and need connections of their
    own (the `client` fixture shares one connection, which serialises everything)."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    yield from _migrated_database(tmp_path_factory, f"pressroom_{module}_{worker_id}")


@pytest.fixture
async def scratch_sessions(scratch_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on `scratch_url`, each on a connection of its own; what they commit stays."""
    engine = make_engine(scratch_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def scratch_settings(scratch_url: str, settings: Settings) -> Settings:
    """`settings` on `scratch_url`, rate limits off; a module may override it."""
    return settings.model_copy(update={"database_url": scratch_url, "rate_limit_enabled": False})


@pytest.fixture
async def scratch_api(scratch_settings: Settings) -> AsyncIterator[AsyncClient]:
    """The app as it runs on `scratch_url`: its lifespan makes the engine, each request its
    own session on a connection of its own, so parallel requests really race."""
    app = create_app(scratch_settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield client


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
        environment="test",
        secret_key="test-secret-" + "x" * 32,
        database_url=database_url,
        site_url="https://www.example.org",
        cors_origins=["https://frontend.example.org"],
        redis_url=None,  # the cache tests choose their backend themselves
        rate_limit_strategy="moving-window",  # exact counts, whenever in the minute
        public_api_url="http://testserver",  # where the test client sends its requests
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
            key=user.token_key,  # the row's key: see app/auth/service.py access_token
            role=user.role.value,
        )
        return {"Authorization": f"Bearer {token}"}

    return headers
