"""topic_match=all and exclude_topic, on articles that carry many topics."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_topic
from tests.helpers import slugs


@pytest.fixture
async def tagged(session: AsyncSession) -> None:
    china, russia, asia, nato, iran = [
        await make_topic(session, name=n) for n in ("China", "Russia", "Asia", "NATO", "Iran")
    ]
    await make_article(session, title="China only", topics=[china, asia])
    await make_article(session, title="China and Russia", topics=[china, russia, asia, nato])
    await make_article(session, title="Russia only", topics=[russia, nato, iran])
    await make_article(session, title="All five", topics=[iran, nato, asia, russia, china])


async def test_topic_match_all_needs_every_topic(client: AsyncClient, tagged):
    response = await client.get("/api/v1/articles?topic=china&topic=russia&topic_match=all")
    assert sorted(slugs(response)) == ["all-five", "china-and-russia"]
    assert response.json()["meta"]["total"] == 2


async def test_topic_match_any_is_the_default(client: AsyncClient, tagged):
    response = await client.get("/api/v1/articles?topic=china&topic=russia")
    assert response.json()["meta"]["total"] == 4


async def test_exclude_topic_drops_articles_that_also_carry_others(client: AsyncClient, tagged):
    response = await client.get("/api/v1/articles?topic=china&exclude_topic=russia")
    assert slugs(response) == ["china-only"]


async def test_exclude_several_topics(client: AsyncClient, tagged):
    response = await client.get("/api/v1/articles?exclude_topic=iran,asia")
    assert slugs(response) == []
    response = await client.get("/api/v1/articles?exclude_topic=iran")
    assert sorted(slugs(response)) == ["china-and-russia", "china-only"]


async def test_all_with_exclusion_and_a_topic_nobody_has(client: AsyncClient, tagged):
    both = "/api/v1/articles?topic=china,russia&topic_match=all&exclude_topic=iran"
    assert slugs(await client.get(both)) == ["china-and-russia"]
    nobody = "/api/v1/articles?topic=china&topic=atlantis&topic_match=all"
    assert slugs(await client.get(nobody)) == []


async def test_bad_topic_match_names_the_parameter(client: AsyncClient):
    response = await client.get("/api/v1/articles?topic_match=some")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "topic_match"
