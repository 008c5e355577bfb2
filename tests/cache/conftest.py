"""Apps with a response cache on each backend: in process always, Redis when one answers.

Redis is REDIS_URL / TEST_REDIS_URL (default redis://127.0.0.1:6379/15); each test gets its
own key prefix and deletes only its own keys. With REQUIRE_REDIS set (CI), a Redis that
does not answer fails the Redis tests instead of skipping them.
"""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.config import Settings
from app.main import create_app
from tests.conftest import _savepoint_sessions

REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/15"
)


def _redis_answers(url: str) -> str | None:
    """None if Redis answers PING at `url`, else why not."""
    try:
        import redis
    except ImportError as exc:
        return f"redis-py is not installed ({exc})"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"no Redis answered at {url} ({exc})"
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis that answers, or a skip (a failure under REQUIRE_REDIS) saying why not."""
    problem = _redis_answers(REDIS_URL)
    if problem is not None:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but {problem}")
        pytest.skip(f"Redis backend SKIPPED: {problem}; set TEST_REDIS_URL to run it")
    return REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def cache_backend(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    return request.param


@pytest.fixture
def cache_settings(settings: Settings, cache_backend: str, worker_id: str) -> Settings:
    """Settings for this backend; Redis keys live under a prefix of this test's own."""
    update: dict[str, object] = {"cache_enabled": True, "redis_url": None}
    if cache_backend == "redis":
        prefix = f"pressroom-test:{worker_id}:{uuid.uuid4().hex}:"
        update |= {
            "redis_url": REDIS_URL,
            "cache_prefix": prefix,
            "rate_limit_prefix": prefix + "ratelimit",  # counts of its own, too
        }
    return settings.model_copy(update=update)


AppFactory = Callable[..., Awaitable[FastAPI]]


@pytest.fixture
async def make_cached_app(
    connection: AsyncConnection, cache_settings: Settings
) -> AsyncIterator[AppFactory]:
    """Build apps on the test's transaction (several share one Redis prefix); each app's
    own keys are deleted and its cache closed afterwards."""
    apps: list[FastAPI] = []

    async def build(settings: Settings | None = None) -> FastAPI:
        app = create_app(settings or cache_settings, sessionmaker=_savepoint_sessions(connection))
        apps.append(app)
        return app

    yield build
    for app in apps:
        if app.state.settings.redis_url in (None, REDIS_URL):  # only keys we own
            await app.state.cache.backend.clear()
        await app.state.cache.close()


@pytest.fixture
async def cached_app(make_cached_app: AppFactory) -> FastAPI:
    return await make_cached_app()


def client_for(app: FastAPI) -> AsyncClient:
    return AsyncClient(
        transport=ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
    )


@pytest.fixture
async def cached_client(cached_app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with client_for(cached_app) as client:
        yield client
