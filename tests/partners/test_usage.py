"""Per-key usage counts: kept in memory, written in batches, shown to admins."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiKey
from app.db import utcnow
from tests.factories import make_article
from tests.partners.conftest import KEYS, client_for, make_key


async def test_admins_see_how_much_each_key_was_used(
    make_app, session: AsyncSession, admin, client: AsyncClient
):
    await make_article(session, slug="on-asia")
    busy, busy_key = await make_key(session)
    idle, _ = await make_key(session)
    app = await make_app(api_key_usage_flush_seconds=0)
    before = utcnow()
    async with client_for(app) as partner:
        for path in ("/api/v1/articles", "/api/v1/articles/on-asia", "/feeds/articles.atom"):
            assert (await partner.get(path, headers={"X-API-Key": busy_key})).status_code == 200
        await partner.get("/api/v1/articles")  # anonymous: counted for nobody

    shown = (await client.get(f"{KEYS}/{busy.id}", headers=admin)).json()
    listed = {k["id"]: k for k in (await client.get(KEYS, headers=admin)).json()["data"]}
    assert shown["request_count"] == 3
    assert shown["last_used_at"] >= before.isoformat()
    assert listed[busy.id]["request_count"] == 3
    assert listed[idle.id]["request_count"] == 0
    assert listed[idle.id]["last_used_at"] is None


async def test_counts_are_written_in_batches_not_per_request(
    make_app, session: AsyncSession, count_statements
):
    row, key = await make_key(session)
    app = await make_app(api_key_usage_flush_seconds=3600)
    async with client_for(app) as partner:
        with count_statements() as sql:
            for _ in range(6):
                await partner.get("/api/v1/topics", headers={"X-API-Key": key})

    assert not [s for s in sql if s.lstrip().upper().startswith("UPDATE API_KEY")]
    await app.state.rate_limits.close()  # what shutdown does
    await session.refresh(row)
    assert row.request_count == 6


async def test_a_refused_request_is_counted_too(make_app, session: AsyncSession):
    row, key = await make_key(session, rate_limit_per_minute=1)
    app = await make_app(api_key_usage_flush_seconds=0)
    async with client_for(app) as partner:
        statuses = [
            (await partner.get("/api/v1/topics", headers={"X-API-Key": key})).status_code
            for _ in range(2)
        ]

    assert statuses == [200, 429]
    count = await session.scalar(select(ApiKey.request_count).where(ApiKey.id == row.id))
    assert count == 2
