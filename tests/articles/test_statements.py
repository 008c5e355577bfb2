"""A list request costs the same number of SQL statements whatever the page size."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_expert, make_program, make_topic


async def _world(session: AsyncSession) -> None:
    parent = await make_topic(session, name="Asia")
    topics = [await make_topic(session, parent=parent) for _ in range(4)]
    experts = [await make_expert(session) for _ in range(4)]
    programs = [await make_program(session) for _ in range(2)]
    for n in range(30):
        await make_article(
            session,
            topics=topics[n % 4 :] + topics[: n % 4],
            authors=experts[: 1 + n % 3],
            featured_experts=experts[n % 4 :][:2],
            programs=programs[: n % 3],
        )


async def test_article_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    await _world(session)

    with count_statements() as small:
        one = await client.get("/api/v1/articles?per_page=1")
    with count_statements() as large:
        hundred = await client.get("/api/v1/articles?per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(hundred.json()["data"]) == 30
    assert len(small) == len(large), (small, large)
    assert len(large) <= 3  # count, page, and one UNION ALL of every relation


async def test_related_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    await _world(session)
    first = (await client.get("/api/v1/articles?per_page=1")).json()["data"][0]["slug"]

    with count_statements() as small:
        await client.get(f"/api/v1/articles/{first}/related?per_page=1")
    with count_statements() as large:
        hundred = await client.get(f"/api/v1/articles/{first}/related?per_page=100")

    assert len(hundred.json()["data"]) == 29
    assert len(small) == len(large)
