"""Partner keys: an admin, keys made straight in the database, apps with small limits."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.auth import api_keys
from app.auth.models import ApiKey, User
from app.config import Settings
from app.main import create_app
from tests.cache.conftest import REDIS_URL, redis_url  # noqa: F401  (a fixture)
from tests.conftest import _savepoint_sessions
from tests.factories import make_user

KEYS = "/api/v1/admin/api-keys"


@pytest.fixture
async def admin_user(session: AsyncSession) -> User:
    return await make_user(session, role="admin", email="keys-admin@example.org")


@pytest.fixture
def admin(admin_user: User, sign_in) -> dict[str, str]:
    return sign_in(admin_user)


async def make_key(
    session: AsyncSession,
    *,
    scopes: tuple[str, ...] = ("content:read",),
    rate_limit_per_minute: int | None = None,
    expires_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A key row and its secret, without going through the admin API."""
    minted = api_keys.mint()
    row = ApiKey(
        name="Partner",
        prefix=minted.prefix,
        key_hash=minted.key_hash,
        scopes=list(scopes),
        rate_limit_per_minute=rate_limit_per_minute,
        expires_at=expires_at,
        revoked_at=revoked_at,
    )
    session.add(row)
    await session.flush()
    return row, minted.key


AppFactory = Callable[..., Awaitable[FastAPI]]


@pytest.fixture
async def make_app(connection: AsyncConnection, settings: Settings) -> AsyncIterator[AppFactory]:
    """Apps on the test's transaction, with settings changed as asked; their rate limit
    counters are wiped afterwards (in Redis, only under the test's own prefix)."""
    apps: list[FastAPI] = []

    async def build(**changes: object) -> FastAPI:
        app = create_app(
            settings.model_copy(update=changes), sessionmaker=_savepoint_sessions(connection)
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        if app.state.settings.redis_url in (None, REDIS_URL):  # only keys we own
            await app.state.rate_limits.limiter.reset()
            await app.state.cache.backend.clear()
        await app.state.cache.close()


def client_for(app: FastAPI, address: str = "203.0.113.7") -> AsyncClient:
    """A client whose requests come from `address`."""
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=(address, 4711))
    return AsyncClient(transport=transport, base_url="http://testserver")
