"""A search ranks and counts the newest `WINDOW` matches of each type, and says when more
matched: a word found in most of 100,000 articles must not take seconds."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.search import backends
from tests.factories import make_article, make_event


@pytest.fixture
async def submarines(session: AsyncSession) -> list[str]:
    """Five articles and two events about submarines, newest first; one older draft."""
    now = utcnow()
    slugs = []
    for i in range(5):
        article = await make_article(
            session,
            title=f"Submarine number {i}",
            kind="op-ed" if i % 2 else "brief",
            published_at=now - timedelta(days=i),
        )
        slugs.append(article.slug)
    for i in range(2):
        await make_event(session, title=f"Submarine panel {i}")
    await make_article(session, title="Submarine draft", status="draft")
    return slugs


async def test_a_search_within_the_window_is_exact(client: AsyncClient, submarines):
    found = (await client.get("/api/v1/search?q=submarine")).json()
    assert found["meta"]["total"] == 7
    assert "total_exact" not in found["meta"]
    listed = (await client.get("/api/v1/articles?q=submarine")).json()
    assert listed["meta"]["total"] == 5
    assert "total_exact" not in listed["meta"]


async def test_past_the_window_the_newest_are_ranked_and_the_total_says_so(
    client: AsyncClient, submarines, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(backends, "WINDOW", 3)

    found = (await client.get("/api/v1/search?q=submarine&type=article&per_page=10")).json()
    assert found["meta"]["total"] == 3
    assert found["meta"]["total_exact"] is False
    assert {hit["slug"] for hit in found["data"]} == set(submarines[:3])

    every = (await client.get("/api/v1/search?q=submarine&per_page=10")).json()
    assert every["meta"]["total"] == 5  # three articles, both events
    assert every["meta"]["total_exact"] is False

    listed = (await client.get("/api/v1/articles?q=submarine&facets=kind&per_page=2")).json()
    assert listed["meta"]["total"] == 3
    assert listed["meta"]["pages"] == 2
    assert listed["meta"]["total_exact"] is False
    assert {item["slug"] for item in listed["data"]} <= set(submarines[:3])
    assert sum(value["count"] for value in listed["meta"]["facets"]["kind"]) == 3
    newest = (await client.get("/api/v1/articles?q=submarine&sort=published_at")).json()
    assert [item["slug"] for item in newest["data"]] == submarines[:3][::-1]


async def test_exactly_a_window_of_matches_is_exact(
    client: AsyncClient, submarines, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(backends, "WINDOW", 5)
    listed = (await client.get("/api/v1/articles?q=submarine&per_page=3")).json()
    assert listed["meta"]["total"] == 5
    assert "total_exact" not in listed["meta"]
