"""The fast lane (app/articles/fastlane.py) answers the common article lists before FastAPI
routes them. It must answer exactly what the FastAPI route answers, byte for byte and
header for header, and leave everything else to that route."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.articles import fastlane
from app.articles.fastlane import FastArticleList
from app.config import Settings
from app.db import utcnow
from app.main import create_app
from tests.articles.test_listing import _world
from tests.conftest import BACKEND, _savepoint_sessions
from tests.factories import make_article, make_topic

SERVED = [
    "",
    "?per_page=2",
    "?per_page=2&page=2",
    "?per_page=3&page=4",
    "?page=99",
    "?kind=op-ed",
    "?kind=op-ed,press-release",
    "?kind=op-ed&kind=brief&kind=op-ed",
    "?kind=report",
    "?topic=china",
    "?topic=china&topic=russia&topic_match=all",
    "?topic=china,russia",
    "?topic=china&topic=russia&topic_match=any&per_page=1&page=2",
    "?exclude_topic=china",
    "?topic=asia&exclude_topic=russia&kind=op-ed",
    "?topic=no-such-topic",
    "?sort=title",
    "?sort=published_at&per_page=5&page=2",
    "?sort=-published_at&kind=in-the-media",
    "?per_page=100&page=1000000",
    "?topic=%20china%20,&kind=op-ed",
    "?topic=china&facets=topic,kind,program,expert,year",
    "?topic=asia&topic=china&facets=year&facets=kind,year&per_page=1&page=3",
    "?topic=china,russia&topic_match=all&exclude_topic=asia&facets=expert,program",
    "?topic=no-such-topic&facets=topic,kind",
]

DECLINED = [
    "?q=china",
    "?facets=kind",
    "?kind=op-ed&facets=topic",
    "?topic=china&facets=",
    "?topic=china&facets=bogus",
    "?fields=slug,title",
    "?expert=someone",
    "?program=asia-program",
    "?published_after=2020-01-01",
    "?page=0",
    "?page=-1",
    "?page=%2B2",
    "?page=abc",
    "?page=1000001",
    "?per_page=101",
    "?per_page=",
    "?kind=bogus",
    "?kind=",
    "?topic=",
    "?sort=relevance",
    "?sort=nonsense",
    "?topic_match=some",
    "?page=1&page=2",
    "?cachebuster=1",
]


@pytest.fixture(autouse=True)
def _stopped_clock(clock) -> None:
    """Two answers compared byte for byte must not straddle a second (Last-Modified)."""
    clock.freeze()


@pytest.fixture
async def routed(connection: AsyncConnection, settings: Settings) -> AsyncIterator[AsyncClient]:
    """The same app without the fast lane: FastAPI answers every list."""
    app = create_app(settings, sessionmaker=_savepoint_sessions(connection))
    app.user_middleware = [m for m in app.user_middleware if m.cls is not FastArticleList]
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _content(session: AsyncSession) -> None:
    await _world(session)
    asia = await make_topic(session, name="Asia Pacific")
    now = utcnow()
    for i in range(9):
        await make_article(
            session,
            title=f"{'abc'[i % 3].upper() if i % 2 else 'abc'[i % 3]} piece {i}",
            kind=["op-ed", "brief", "report"][i % 3],
            topics=[asia] if i % 2 else [],
            published_at=now - timedelta(days=3, hours=i),
        )
    # Same instant: the id breaks the tie, on both orders.
    for title in ("Twin one", "Twin two"):
        await make_article(session, title=title, published_at=now - timedelta(days=5))
    await make_article(
        session,
        title='Quotes "and" \\ back\tslash, control \x01, accents é, emoji 🛰, </script>',
        summary="Line one\nline two\u2028",
        published_at=now - timedelta(days=6),
    )
    # Scheduled with its time passed: public. Then what the public must not see.
    await make_article(
        session, title="Due", status="scheduled", published_at=now - timedelta(minutes=1)
    )
    await make_article(
        session, title="Later", status="scheduled", published_at=now + timedelta(days=1)
    )
    await make_article(session, title="Draft", status="draft")
    await make_article(
        session, title="Gone", status="archived", published_at=now - timedelta(days=9)
    )


def _headers(response: Response) -> list[tuple[str, str]]:
    # Both are read off the clock when nothing else sets them, and the two requests may
    # straddle a second: the rate limit's reset, and an empty page's Last-Modified.
    clock = {"ratelimit-reset"}
    if not response.content.startswith(b'{"data":[{'):
        clock.add("last-modified")
    return [(k, v) for k, v in response.headers.multi_items() if k not in clock]


async def _compare(client: AsyncClient, routed: AsyncClient, url: str) -> bool:
    """Whether the fast lane answered `url`; asserts its answer equals the route's."""
    before = fastlane.statement.cache_info()
    fast = await client.get(f"/api/v1/articles{url}")
    answered = fastlane.statement.cache_info() != before
    slow = await routed.get(f"/api/v1/articles{url}")
    assert fast.status_code == slow.status_code, url
    assert fast.content == slow.content, url
    assert _headers(fast) == _headers(slow), url
    return answered


async def test_the_fast_lane_answers_exactly_what_the_route_answers(
    client: AsyncClient, routed: AsyncClient, session: AsyncSession
):
    await _content(session)
    answered = [url for url in SERVED if await _compare(client, routed, url)]
    assert answered == SERVED
    everything = (await client.get("/api/v1/articles?per_page=100")).json()
    titles = {item["title"] for item in everything["data"]}
    assert "Due" in titles
    assert {"Later", "Draft", "Gone", "embargoed"}.isdisjoint(titles)
    assert everything["meta"]["total"] == len(everything["data"]) == 16


async def test_everything_else_is_left_to_the_route(
    client: AsyncClient, routed: AsyncClient, session: AsyncSession
):
    await _content(session)
    answered = [url for url in DECLINED if await _compare(client, routed, url)]
    assert answered == []
    bad = await client.get("/api/v1/articles?per_page=101")
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert "per_page" in bad.text


async def test_keys_and_sign_ins_are_left_to_the_route(client: AsyncClient, session: AsyncSession):
    """Who asks can change the answer (embargoed articles): only anonymous lists are fast."""
    await _content(session)
    before = fastlane.statement.cache_info()
    refused = await client.get("/api/v1/articles", headers={"X-API-Key": "prk_nope_nope"})
    assert refused.status_code == 401
    signed = await client.get("/api/v1/articles", headers={"Authorization": "Bearer x"})
    assert signed.status_code == 200
    assert signed.headers["cache-control"] == "private, no-store"
    assert fastlane.statement.cache_info() == before


async def test_fast_answers_are_cached_and_conditional(client: AsyncClient, session: AsyncSession):
    await _content(session)
    first = await client.get("/api/v1/articles?kind=op-ed")
    assert first.headers["x-cache"] == "MISS"
    assert "list-articles" in first.headers["surrogate-key"].split()
    again = await client.get("/api/v1/articles?kind=op-ed")
    assert again.headers["x-cache"] == "HIT"
    assert again.content == first.content
    revalidated = await client.get(
        "/api/v1/articles?kind=op-ed", headers={"If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304


@pytest.mark.skipif(BACKEND != "postgresql", reason="the fast lane's own pool is PostgreSQL's")
async def test_served_as_in_production_from_a_pool_of_generic_plans(settings: Settings):
    """`pressroom serve` makes its own engine: the fast lane then reads from connections
    of its own, planned generically and without JIT, closed with the app."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            before = fastlane.statement.cache_info()
            fast = await client.get("/api/v1/articles?per_page=2")
            assert fastlane.statement.cache_info() != before
            routed = await client.get("/api/v1/articles?per_page=2&routed=1")
            assert fast.status_code == routed.status_code == 200
            assert fast.json() == routed.json()
        pool = await app.state.fast_lane_pool
        async with pool.acquire() as connection:
            assert await connection.fetchval("SHOW plan_cache_mode") == "force_generic_plan"
            assert await connection.fetchval("SHOW jit") == "off"
    assert app.state.fast_lane_pool is None
    assert pool.is_closing()
