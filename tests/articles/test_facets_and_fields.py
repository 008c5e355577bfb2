"""Facet counts for filter sidebars, and sparse fieldsets."""

from datetime import UTC, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    make_article,
    make_event,
    make_expert,
    make_page,
    make_program,
    make_topic,
)


@pytest.fixture
async def shelf(session: AsyncSession) -> None:
    china, russia, asia = [await make_topic(session, name=n) for n in ("China", "Russia", "Asia")]
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    jen = await make_expert(session, given_name="Jennifer", family_name="Kavanagh")
    hidden = await make_expert(session, given_name="Dan", family_name="Draft", status="draft")
    program = await make_program(session, name="Asia Program")
    await make_article(
        session,
        title="One",
        kind="op-ed",
        topics=[china, asia],
        authors=[lyle],
        programs=[program],
        published_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    await make_article(
        session,
        title="Two",
        kind="brief",
        topics=[china, russia],
        authors=[lyle, hidden],
        featured_experts=[jen],
        published_at=datetime(2025, 5, 1, tzinfo=UTC),
    )
    await make_article(
        session,
        title="Three",
        kind="op-ed",
        topics=[russia],
        featured_experts=[lyle],
        published_at=datetime(2025, 6, 1, tzinfo=UTC),
    )


def _facet(body: dict, name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in body["meta"]["facets"][name]}


async def test_facets_count_the_current_filter(client: AsyncClient, shelf):
    response = await client.get(
        "/api/v1/articles?topic=china&facets=topic,kind,program,expert,year"
    )

    body = response.json()
    assert body["meta"]["total"] == 2
    assert _facet(body, "topic") == {"china": 2, "asia": 1, "russia": 1}
    assert _facet(body, "kind") == {"op-ed": 1, "brief": 1}
    assert _facet(body, "program") == {"asia-program": 1}
    assert _facet(body, "expert") == {"lyle-goldstein": 2, "jennifer-kavanagh": 1}
    assert _facet(body, "year") == {"2025": 1, "2024": 1}
    kinds = {v["value"]: v["label"] for v in body["meta"]["facets"]["kind"]}
    assert kinds == {"op-ed": "Op-ed", "brief": "Brief"}


async def test_an_author_featured_and_by_line_counts_once(client: AsyncClient, shelf):
    body = (await client.get("/api/v1/articles?facets=expert")).json()
    assert _facet(body, "expert") == {"lyle-goldstein": 3, "jennifer-kavanagh": 1}


async def test_no_facets_unless_asked(client: AsyncClient, shelf):
    body = (await client.get("/api/v1/articles")).json()
    assert "facets" not in body["meta"]


async def test_unknown_facet_is_named(client: AsyncClient):
    response = await client.get("/api/v1/articles?facets=colour")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "facets"


async def test_sparse_fields_on_a_list(client: AsyncClient, shelf):
    response = await client.get("/api/v1/articles?fields=slug,title&per_page=2")

    body = response.json()
    assert body["data"] == [{"slug": "three", "title": "Three"}, {"slug": "two", "title": "Two"}]
    assert body["meta"]["total"] == 3
    assert 'rel="next"' in response.headers["link"]


async def test_sparse_fields_on_a_detail(client: AsyncClient, shelf):
    response = await client.get("/api/v1/articles/two?fields=title,authors")
    assert response.json() == {
        "title": "Two",
        "authors": [
            {"slug": "lyle-goldstein", "name": "Lyle Goldstein", "title": None, "photo_url": None}
        ],
    }


async def test_unknown_field_is_named(client: AsyncClient):
    response = await client.get("/api/v1/articles?fields=slug,colour")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fields"
    assert "colour" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/experts", "family_name"),
        ("/api/v1/experts/lyle-goldstein", "family_name"),
        ("/api/v1/topics", "name"),
        ("/api/v1/topics/china", "name"),
        ("/api/v1/programs", "name"),
        ("/api/v1/programs/asia-program", "name"),
        ("/api/v1/events", "title"),
        ("/api/v1/pages", "title"),
    ],
)
async def test_every_public_list_and_detail_takes_fields(
    client: AsyncClient, session: AsyncSession, shelf, path: str, field: str
):
    await make_event(session, title="Talk")
    await make_page(session, title="About")

    body = (await client.get(path, params={"fields": f"slug,{field}"})).json()

    objects = body.get("data", [body])
    assert objects
    assert all(set(obj) == {"slug", field} for obj in objects)
