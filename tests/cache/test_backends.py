"""What only one backend can show: workers sharing Redis, the in-process bounds, and a
Redis that is down."""

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cache import core
from app.cache.backends import Entry, MemoryBackend
from app.config import Settings
from app.db import SessionDep
from app.topics.models import Topic
from tests.cache.conftest import AppFactory, client_for
from tests.factories import make_article, make_topic, make_user


@pytest.mark.parametrize("cache_backend", ["redis"], indirect=True)
async def test_two_workers_sharing_redis_agree(
    make_cached_app: AppFactory, session: AsyncSession, sign_in
):
    await make_article(session, title="Before")
    editor = sign_in(await make_user(session, role="editor"))
    one, two = await make_cached_app(), await make_cached_app()

    async with client_for(one) as first, client_for(two) as second:
        assert (await first.get("/api/v1/articles")).headers["x-cache"] == "MISS"
        assert (await second.get("/api/v1/articles")).headers["x-cache"] == "HIT"

        created = await second.post(
            "/api/v1/admin/articles",
            json={"kind": "brief", "title": "After", "status": "published"},
            headers=editor,
        )
        assert created.status_code == 201, created.text

        fresh = await first.get("/api/v1/articles")
        assert fresh.headers["x-cache"] == "MISS"
        assert [a["title"] for a in fresh.json()["data"]] == ["After", "Before"]
        assert (await second.get("/api/v1/articles")).headers["x-cache"] == "HIT"


async def test_the_in_process_cache_is_bounded_and_evicts_the_least_recent():
    backend = MemoryBackend(max_entries=2, max_bytes=10_000)
    entry = Entry(etag=b'"e"', headers=[(b"content-type", b"application/json")], body=b"{}")

    for key in ("a", "b"):
        await backend.store(key, entry, ["t"], token=0, expires_at=float("inf"))
    await backend.lookup("a")  # now "b" is the least recently used
    await backend.store("c", entry, ["t"], token=0, expires_at=float("inf"))

    assert [k for k in "abc" if (await backend.lookup(k)).entry] == ["a", "c"]
    big = Entry(etag=b'"e"', headers=[], body=b"x" * 20_000)
    assert await backend.store("big", big, [], token=0, expires_at=float("inf")) is False


@pytest.mark.parametrize("cache_backend", ["memory"], indirect=True)
async def test_a_redis_that_is_down_is_stood_in_for_by_a_short_cache_in_process(
    make_cached_app: AppFactory, cache_settings: Settings, session: AsyncSession, sign_in, clock
):
    down = cache_settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:9/0", "cache_prefix": "down:"}
    )
    app: FastAPI = await make_cached_app(down)
    editor = sign_in(await make_user(session, role="editor"))
    topic = await make_topic(session, name="China")
    admin = f"/api/v1/admin/topics/{topic.id}"

    async with client_for(app) as client:
        first = await client.get("/api/v1/topics/china")
        again = await client.get("/api/v1/topics/china")
        etag = (await client.get(admin, headers=editor)).headers["etag"]
        renamed = await client.patch(
            admin, json={"name": "People's Republic of China"}, headers={**editor, "If-Match": etag}
        )
        after_write = await client.get("/api/v1/topics/china")
        kept = await client.get("/api/v1/topics/china")
        clock.advance(seconds=core.FALLBACK_TTL + 1)
        expired = await client.get("/api/v1/topics/china")

    assert (first.status_code, first.headers["x-cache"]) == (200, "MISS")
    assert first.headers["etag"]
    # Redis does not answer: this process keeps the answer itself, a few seconds at most.
    assert (again.status_code, again.headers["x-cache"]) == (200, "HIT")
    assert renamed.status_code == 200, renamed.text
    # Its own writes purge the stand-in at once.
    assert after_write.headers["x-cache"] == "MISS"
    assert after_write.json()["name"] == "People's Republic of China"
    assert kept.headers["x-cache"] == "HIT"
    # Other workers' writes cannot reach it: its answers live FALLBACK_TTL seconds at most.
    assert expired.headers["x-cache"] == "MISS"


@pytest.mark.parametrize("cache_backend", ["memory"], indirect=True)
async def test_the_cache_can_be_switched_off(
    make_cached_app: AppFactory, cache_settings: Settings, session: AsyncSession
):
    app = await make_cached_app(cache_settings.model_copy(update={"cache_enabled": False}))

    async with client_for(app) as client:
        first = await client.get("/api/v1/topics")
        second = await client.get("/api/v1/topics")

    assert first.headers["x-cache"] == second.headers["x-cache"] == "MISS"
    assert second.headers["etag"] == first.headers["etag"]


class _Flaky:
    """A backend whose purges fail while `down` is set (a Redis that went away)."""

    def __init__(self) -> None:
        self.inner = MemoryBackend(max_entries=100, max_bytes=1_000_000)
        self.down = False

    async def lookup(self, key: str):
        return await self.inner.lookup(key)

    async def store(self, *args, **kwargs) -> bool:
        return await self.inner.store(*args, **kwargs)

    async def purge(self, tags: set[str], **kwargs) -> None:
        if self.down:
            raise ConnectionError("backend down")
        await self.inner.purge(tags, **kwargs)

    async def clear(self) -> None:
        await self.inner.clear()

    async def close(self) -> None:
        return None


@pytest.mark.parametrize("cache_backend", ["memory"], indirect=True)
async def test_a_purge_that_failed_is_owed_and_nothing_stale_is_served_meanwhile(
    cached_app: FastAPI, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(core, "RETRY_SECONDS", 0.0)
    flaky = cached_app.state.cache.backend = _Flaky()
    await make_topic(session, name="China")

    @cached_app.post("/test/topics/{slug}/rename")
    async def rename(slug: str, session: SessionDep) -> None:
        topic = await session.scalar(select(Topic).where(Topic.slug == slug))
        assert topic is not None
        topic.name = "People's Republic of China"
        await session.flush()

    async with client_for(cached_app) as client:
        await client.get("/api/v1/topics/china")
        assert (await client.get("/api/v1/topics/china")).headers["x-cache"] == "HIT"
        flaky.down = True
        assert (await client.post("/test/topics/china/rename")).status_code == 200

        meanwhile = await client.get("/api/v1/topics/china")
        flaky.down = False
        settled = await client.get("/api/v1/topics/china")
        resumed = await client.get("/api/v1/topics/china")

    assert (meanwhile.headers["x-cache"], meanwhile.json()["name"]) == (
        "MISS",
        "People's Republic of China",
    )
    assert (settled.headers["x-cache"], settled.json()["name"]) == (
        "MISS",
        "People's Republic of China",
    )
    assert resumed.headers["x-cache"] == "HIT"
