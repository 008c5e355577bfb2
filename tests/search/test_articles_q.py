"""`q` and `sort=relevance` on GET /api/v1/articles, the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_article, make_topic
from tests.helpers import HIDDEN, slugs


def day(n: int) -> datetime:
    return datetime(2025, 1, n, 14, tzinfo=UTC)


async def search(client: AsyncClient, q: str, **params: str) -> list[str]:
    return slugs(await client.get("/api/v1/articles", params={"q": q, **params}))


def assert_problem_naming(response: Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.fixture
async def fleet(session: AsyncSession) -> None:
    await make_article(session, title="Nuclear submarine deal", published_at=day(1))
    await make_article(session, title="Submarine fleet goes nuclear", published_at=day(2))
    await make_article(session, title="Submarine fleet in port", published_at=day(3))
    await make_article(session, title="Carrier groups", published_at=day(4))


async def test_stemming_finds_the_singular_from_the_plural(client: AsyncClient, fleet):
    assert set(await search(client, "submarines")) == {
        "nuclear-submarine-deal",
        "submarine-fleet-goes-nuclear",
        "submarine-fleet-in-port",
    }


async def test_quoted_phrase_matches_only_that_sequence(client: AsyncClient, fleet):
    assert await search(client, '"nuclear submarine"') == ["nuclear-submarine-deal"]


async def test_words_are_and(client: AsyncClient, fleet):
    assert await search(client, "submarine nuclear", sort="title") == [
        "nuclear-submarine-deal",
        "submarine-fleet-goes-nuclear",
    ]


async def test_minus_word_excludes(client: AsyncClient, fleet):
    assert await search(client, "submarine -nuclear") == ["submarine-fleet-in-port"]


async def test_minus_phrase_excludes_only_the_phrase(client: AsyncClient, fleet):
    assert await search(client, 'nuclear -"nuclear submarine"') == ["submarine-fleet-goes-nuclear"]


async def test_body_only_match_is_found_and_tags_are_not_indexed(
    client: AsyncClient, session: AsyncSession
):
    await make_article(
        session, title="Weekly notes", body="<p>The <strong>frigate</strong> programme.</p>"
    )

    assert await search(client, "frigates") == ["weekly-notes"]
    assert await search(client, "strong") == []


async def test_summary_match_is_found(client: AsyncClient, session: AsyncSession):
    await make_article(session, title="Weekly notes", summary="On the corvette order.")

    assert await search(client, "corvette") == ["weekly-notes"]


async def test_title_match_ranks_above_body_only_match(client: AsyncClient, session: AsyncSession):
    await make_article(session, title="Taiwan strait tensions", published_at=day(1))
    await make_article(
        session, title="Weekly notes", body="<p>A word on Taiwan.</p>", published_at=day(3)
    )
    await make_article(
        session, title="Monthly notes", summary="Taiwan, briefly.", published_at=day(2)
    )

    expected = ["taiwan-strait-tensions", "monthly-notes", "weekly-notes"]
    assert await search(client, "taiwan") == expected
    assert await search(client, "taiwan", sort="relevance") == expected
    assert await search(client, "taiwan", sort="-published_at") == expected[::-1]


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_articles_are_never_found(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    await make_article(session, title="Public submarine")
    await make_article(
        session,
        title="Secret submarine",
        status=status,
        published_at=utcnow() + offset if offset is not None else None,
    )

    response = await client.get("/api/v1/articles", params={"q": "secret submarine"})
    assert slugs(response) == []
    assert response.json()["meta"]["total"] == 0
    assert await search(client, "submarine") == ["public-submarine"]


async def test_q_combines_with_topic_and_kind_filters(client: AsyncClient, session: AsyncSession):
    navy = await make_topic(session, name="Navy")
    army = await make_topic(session, name="Army")
    await make_article(session, title="Submarine op-ed", topics=[navy])
    await make_article(session, title="Submarine brief", kind="brief", topics=[navy])
    await make_article(session, title="Submarine army op-ed", topics=[army])
    await make_article(session, title="Frigate op-ed", topics=[navy])

    response = await client.get(
        "/api/v1/articles", params={"q": "submarine", "topic": "navy", "kind": "op-ed"}
    )
    assert slugs(response) == ["submarine-op-ed"]
    assert response.json()["meta"]["total"] == 1


async def test_q_is_counted_and_paged(client: AsyncClient, fleet):
    response = await client.get("/api/v1/articles", params={"q": "submarine", "per_page": 2})
    assert len(slugs(response)) == 2
    assert response.json()["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}


async def test_relevance_without_q_is_422_naming_sort(client: AsyncClient):
    assert_problem_naming(await client.get("/api/v1/articles?sort=relevance"), "sort")


async def test_without_q_the_list_is_still_newest_first(client: AsyncClient, fleet):
    assert slugs(await client.get("/api/v1/articles"))[0] == "carrier-groups"


@pytest.mark.parametrize("q", ["", "   ", "-submarine", "the and of", "🚢", "x" * 501])
async def test_q_without_a_word_to_search_or_too_long_is_422_naming_q(client: AsyncClient, q: str):
    assert_problem_naming(await client.get("/api/v1/articles", params={"q": q}), "q")


async def test_statement_count_with_q_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    topic = await make_topic(session, name="Navy")
    for n in range(12):
        await make_article(session, title=f"Submarine {n}", topics=[topic])

    with count_statements() as small:
        one = await client.get("/api/v1/articles?q=submarine&per_page=1")
    with count_statements() as large:
        many = await client.get("/api/v1/articles?q=submarine&per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(many.json()["data"]) == 12
    assert len(small) == len(large), (small, large)


async def test_created_and_edited_articles_are_searchable(
    client: AsyncClient, session: AsyncSession
):
    article = await make_article(session, title="Old harbour")
    assert await search(client, "harbour") == ["old-harbour"]

    article.title = "New lighthouse"
    article.body = "<p>Keeper's <em>logbook</em></p>"
    await session.flush()

    assert await search(client, "lighthouse") == ["old-harbour"]
    assert await search(client, "logbook") == ["old-harbour"]
    assert await search(client, "harbour") == []


async def test_deleted_articles_leave_the_index(client: AsyncClient, session: AsyncSession):
    article = await make_article(session, title="Old harbour")
    await session.delete(article)
    await session.flush()
    await make_article(session, title="Harbour master")

    assert await search(client, "harbour") == ["harbour-master"]


async def test_publishing_a_draft_makes_it_findable(client: AsyncClient, session: AsyncSession):
    article = await make_article(session, title="Harbour plans", status="draft")
    assert await search(client, "harbour") == []

    article.status, article.published_at = "published", utcnow() - timedelta(minutes=1)
    await session.flush()

    assert await search(client, "harbour") == ["harbour-plans"]
