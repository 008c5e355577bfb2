"""Rate limits shared through Redis by several app instances (skipped without a Redis,
unless REQUIRE_REDIS is set)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tests.partners.conftest import client_for, make_key

ARTICLES = "/api/v1/articles"


async def test_two_instances_share_one_count_per_address_and_per_key(
    make_app, session: AsyncSession, redis_url: str, worker_id: str
):
    _, key = await make_key(session, rate_limit_per_minute=2)
    shared = {
        "redis_url": redis_url,
        "rate_limit_prefix": f"pressroom-test:{worker_id}:{uuid.uuid4().hex}",
        "cache_prefix": f"pressroom-test:{worker_id}:{uuid.uuid4().hex}:",
        "rate_limit_anonymous_per_minute": 3,
    }
    one, two = await make_app(**shared), await make_app(**shared)
    partner = {"X-API-Key": key}
    async with client_for(one) as on_one, client_for(two) as on_two:
        anonymous = [
            (await on_one.get(ARTICLES)).status_code,
            (await on_two.get(ARTICLES)).status_code,
            (await on_one.get(ARTICLES)).status_code,
            (await on_two.get(ARTICLES)).status_code,
        ]
        keyed = [
            (await on_two.get(ARTICLES, headers=partner)).status_code,
            (await on_one.get(ARTICLES, headers=partner)).status_code,
            (await on_two.get(ARTICLES, headers=partner)).status_code,
        ]
        last = await on_one.get(ARTICLES, headers=partner)

    assert anonymous == [200, 200, 200, 429]
    assert keyed == [200, 200, 429]
    assert last.headers["ratelimit-remaining"] == "0"


async def test_another_prefix_counts_apart(make_app, session: AsyncSession, redis_url: str):
    apps = [
        await make_app(
            redis_url=redis_url,
            cache_enabled=False,
            rate_limit_prefix=f"pressroom-test:{uuid.uuid4().hex}",
            rate_limit_anonymous_per_minute=1,
        )
        for _ in range(2)
    ]
    for app in apps:
        async with client_for(app) as anonymous:
            assert (await anonymous.get(ARTICLES)).status_code == 200
