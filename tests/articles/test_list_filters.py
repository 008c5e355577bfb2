"""Filters, sorting and pagination of GET /api/v1/articles."""

from datetime import UTC, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_expert, make_program, make_topic
from tests.helpers import slugs


@pytest.fixture
async def world(session: AsyncSession) -> dict:
    """Four articles across two topics, two kinds, two experts and a program."""
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    russia = await make_topic(session, name="Russia")
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    jen = await make_expert(session, given_name="Jennifer", family_name="Kavanagh")
    program = await make_program(session, name="Asia Program")
    day = lambda n: datetime(2025, 1, n, 14, tzinfo=UTC)  # noqa: E731
    await make_article(
        session, title="China only", topics=[china], authors=[lyle], published_at=day(1)
    )
    await make_article(
        session,
        title="China and Russia",
        kind="in-the-media",
        topics=[china, russia],
        featured_experts=[jen],
        programs=[program],
        published_at=day(2),
    )
    await make_article(
        session, title="Russia only", kind="brief", topics=[russia], published_at=day(3)
    )
    await make_article(
        session, title="Asia wide", topics=[asia], authors=[jen, lyle], published_at=day(4)
    )
    return {"asia": asia, "china": china}


async def test_topic_filter_matches_that_topic_not_its_children(client: AsyncClient, world):
    assert slugs(await client.get("/api/v1/articles?topic=asia")) == ["asia-wide"]


async def test_repeated_topic_is_or(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?topic=china&topic=russia")
    assert slugs(response) == ["russia-only", "china-and-russia", "china-only"]


async def test_comma_separated_values_are_or_too(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?topic=china,russia")
    assert slugs(response) == ["russia-only", "china-and-russia", "china-only"]


async def test_different_filters_are_and(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?topic=china&topic=russia&kind=brief")
    assert slugs(response) == ["russia-only"]


async def test_kind_filter_is_or_within(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?kind=brief&kind=in-the-media")
    assert slugs(response) == ["russia-only", "china-and-russia"]


async def test_expert_filter_matches_authors_and_featured(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?expert=jennifer-kavanagh")
    assert slugs(response) == ["asia-wide", "china-and-russia"]


async def test_program_filter(client: AsyncClient, world):
    assert slugs(await client.get("/api/v1/articles?program=asia-program")) == ["china-and-russia"]


async def test_unknown_slug_in_a_filter_matches_nothing(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?topic=atlantis")
    assert slugs(response) == []
    assert response.json()["meta"] == {"total": 0, "page": 1, "per_page": 20, "pages": 0}


async def test_published_after_is_inclusive_before_is_exclusive(client: AsyncClient, world):
    response = await client.get(
        "/api/v1/articles",
        params={
            "published_after": "2025-01-02T14:00:00Z",
            "published_before": "2025-01-04T14:00:00+00:00",
        },
    )
    assert slugs(response) == ["russia-only", "china-and-russia"]


async def test_plain_dates_are_read_in_the_site_time_zone(client: AsyncClient, world):
    # 2025-01-03 in New York starts at 05:00 UTC: the article of the 3rd (14:00 UTC) is in.
    response = await client.get("/api/v1/articles?published_after=2025-01-03")
    assert slugs(response) == ["asia-wide", "russia-only"]


async def test_sort_oldest_first(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?sort=published_at")
    assert slugs(response) == ["china-only", "china-and-russia", "russia-only", "asia-wide"]


async def test_sort_by_title(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?sort=title")
    assert slugs(response) == ["asia-wide", "china-and-russia", "china-only", "russia-only"]


async def test_authors_keep_their_order(client: AsyncClient, world):
    article = (await client.get("/api/v1/articles/asia-wide")).json()
    assert [a["slug"] for a in article["authors"]] == ["jennifer-kavanagh", "lyle-goldstein"]


async def test_pages_and_link_header(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?per_page=3&page=2&topic=china,russia,asia")

    assert slugs(response) == ["china-only"]
    assert response.json()["meta"] == {"total": 4, "page": 2, "per_page": 3, "pages": 2}
    links = response.headers["link"]
    assert 'page=1>; rel="first"' in links
    assert 'page=1>; rel="prev"' in links
    assert 'page=2>; rel="last"' in links
    assert 'rel="next"' not in links
    assert "topic=china%2Crussia%2Casia" in links or "topic=china,russia,asia" in links


async def test_first_page_has_next_and_no_prev(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?per_page=1")
    links = response.headers["link"]
    assert 'page=2>; rel="next"' in links
    assert 'rel="prev"' not in links
    assert 'page=4>; rel="last"' in links


async def test_page_past_the_end_is_empty_not_an_error(client: AsyncClient, world):
    response = await client.get("/api/v1/articles?page=9")
    assert slugs(response) == []
    assert response.json()["meta"]["total"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1000", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=bogus", "sort"),
        ("kind=poem", "kind"),
        ("published_after=yesterday", "published_after"),
        ("published_after=2025-02-01&published_before=2025-01-01", "published_before"),
    ],
)
async def test_bad_parameters_are_named_in_a_problem(client: AsyncClient, query: str, field):
    response = await client.get(f"/api/v1/articles?{query}")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["errors"][0]["in"] == "query"
    assert field in problem["detail"]
