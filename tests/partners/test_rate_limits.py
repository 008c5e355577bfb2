"""Rate limits per anonymous client address and per partner key, in process."""

import logging

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_user
from tests.partners.conftest import client_for, make_key

ARTICLES = "/api/v1/articles"


async def test_every_limited_answer_says_how_much_is_left(
    make_app, session: AsyncSession, client: AsyncClient
):
    await make_article(session)
    app = await make_app(rate_limit_anonymous_per_minute=5)
    async with client_for(app) as anonymous:
        first = await anonymous.get(ARTICLES)
        second = await anonymous.get("/feeds/articles.rss")

    assert first.headers["ratelimit-limit"] == "5"
    assert first.headers["ratelimit-remaining"] == "4"
    assert 0 <= int(first.headers["ratelimit-reset"]) <= 60
    assert second.headers["ratelimit-remaining"] == "3"


async def test_past_the_limit_is_a_429_problem_with_retry_after(make_app, session: AsyncSession):
    await make_article(session, slug="on-asia")
    app = await make_app(rate_limit_anonymous_per_minute=2)
    async with client_for(app) as anonymous:
        answers = [await anonymous.get(f"{ARTICLES}/on-asia") for _ in range(3)]

    assert [r.status_code for r in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-limit"] == "2"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["cache-control"] == "no-store"
    assert refused.json()["status"] == 429
    assert refused.json()["type"].endswith("/rate-limited")
    assert "2 requests a minute" in refused.json()["detail"]


async def test_a_cache_hit_is_counted_too(make_app, session: AsyncSession):
    await make_article(session)
    app = await make_app(rate_limit_anonymous_per_minute=2)
    async with client_for(app) as anonymous:
        first = await anonymous.get(ARTICLES)
        hit = await anonymous.get(ARTICLES)
        refused = await anonymous.get(ARTICLES)

    assert hit.headers["x-cache"] == "HIT"
    assert hit.headers["ratelimit-remaining"] == "0"
    assert (first.status_code, hit.status_code, refused.status_code) == (200, 200, 429)


async def test_each_client_address_has_its_own_count(make_app, session: AsyncSession):
    app = await make_app(rate_limit_anonymous_per_minute=1)
    async with client_for(app, "198.51.100.1") as one, client_for(app, "198.51.100.2") as two:
        assert (await one.get(ARTICLES)).status_code == 200
        assert (await one.get(ARTICLES)).status_code == 429
        assert (await two.get(ARTICLES)).status_code == 200


async def test_a_key_has_its_own_limit_apart_from_its_address(make_app, session: AsyncSession):
    _, own = await make_key(session, rate_limit_per_minute=3)
    _, default = await make_key(session)
    app = await make_app(rate_limit_anonymous_per_minute=1, rate_limit_partner_per_minute=2)
    async with client_for(app) as same_address:
        assert (await same_address.get(ARTICLES)).status_code == 200
        assert (await same_address.get(ARTICLES)).status_code == 429
        with_own = [await same_address.get(ARTICLES, headers={"X-API-Key": own}) for _ in range(4)]
        with_default = await same_address.get(ARTICLES, headers={"X-API-Key": default})

    assert [r.status_code for r in with_own] == [200, 200, 200, 429]
    assert with_own[0].headers["ratelimit-limit"] == "3"
    assert "this API key" in with_own[-1].json()["detail"]
    assert with_default.headers["ratelimit-limit"] == "2"


async def test_guessing_keys_counts_against_the_address(make_app, session: AsyncSession):
    app = await make_app(rate_limit_anonymous_per_minute=2)
    async with client_for(app) as guesser:
        answers = [
            await guesser.get(ARTICLES, headers={"X-API-Key": f"prk_guess_{n}"}) for n in range(3)
        ]

    assert [r.status_code for r in answers] == [401, 401, 429]


async def test_admin_health_and_docs_are_not_limited(make_app, session: AsyncSession, sign_in):
    admin = sign_in(await make_user(session, role="admin"))
    app = await make_app(rate_limit_anonymous_per_minute=1)
    async with client_for(app) as anonymous:
        for path, headers in (
            ("/healthz", {}),
            ("/openapi.json", {}),
            ("/api/v1/admin/api-keys", admin),
        ):
            answers = [await anonymous.get(path, headers=headers) for _ in range(3)]
            assert [r.status_code for r in answers] == [200, 200, 200], path
            assert "ratelimit-limit" not in answers[-1].headers


async def test_limits_can_be_switched_off(make_app, session: AsyncSession):
    app = await make_app(rate_limit_enabled=False, rate_limit_anonymous_per_minute=1)
    async with client_for(app) as anonymous:
        answers = [await anonymous.get(ARTICLES) for _ in range(3)]

    assert [r.status_code for r in answers] == [200, 200, 200]
    assert "ratelimit-limit" not in answers[-1].headers


async def test_a_browser_on_another_origin_may_read_the_limit_headers(
    make_app, session: AsyncSession
):
    app = await make_app(rate_limit_anonymous_per_minute=1)
    origin = {"Origin": "https://frontend.example.org"}
    async with client_for(app) as browser:
        await browser.get(ARTICLES, headers=origin)
        refused = await browser.get(ARTICLES, headers=origin)

    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == "https://frontend.example.org"
    exposed = refused.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed
    assert "ratelimit-remaining" in exposed


async def test_a_redis_that_is_down_is_replaced_by_counts_in_process_with_a_warning(
    make_app, session: AsyncSession, caplog
):
    app = await make_app(
        redis_url="redis://127.0.0.1:1/0", cache_enabled=False, rate_limit_anonymous_per_minute=2
    )
    with caplog.at_level(logging.WARNING, logger="app.ratelimit"):
        async with client_for(app) as anonymous:
            answers = [await anonymous.get(ARTICLES) for _ in range(3)]

    assert [r.status_code for r in answers] == [200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in answers] == ["1", "0", "0"]
    # One failed attempt, then Redis is left alone for a while: no timeout per request.
    assert caplog.text.count("counting in this process") == 1


async def test_the_default_sliding_window_counter_limits_too(make_app, session: AsyncSession):
    """The tests count exactly (moving-window); production's default is approximate at the
    turn of a minute, by at most the last window's weight, so five of two is always over."""
    app = await make_app(
        rate_limit_strategy="sliding-window-counter", rate_limit_anonymous_per_minute=2
    )
    async with client_for(app) as anonymous:
        answers = [(await anonymous.get(ARTICLES)).status_code for _ in range(5)]

    assert answers[:2] == [200, 200]
    assert 429 in answers
