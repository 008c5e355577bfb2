"""Only published content, or scheduled content whose time has passed, is ever public."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_article, make_expert, make_topic
from tests.helpers import HIDDEN


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_article_is_on_no_public_path(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    topic = await make_topic(session, name="China")
    visible = await make_article(session, title="Visible", topics=[topic])
    await make_article(
        session,
        title="Secret",
        status=status,
        published_at=utcnow() + offset if offset is not None else None,
        topics=[topic],
    )

    listing = await client.get("/api/v1/articles?topic=china")
    assert [a["slug"] for a in listing.json()["data"]] == ["visible"]
    assert listing.json()["meta"]["total"] == 1
    assert (await client.get("/api/v1/articles/secret")).status_code == 404
    related = await client.get(f"/api/v1/articles/{visible.slug}/related")
    assert related.json()["data"] == []
    assert (await client.get("/api/v1/articles/secret/related")).status_code == 404


async def test_scheduled_article_whose_time_has_passed_is_public(
    client: AsyncClient, session: AsyncSession
):
    await make_article(
        session, title="Went live", status="scheduled", published_at=utcnow() - timedelta(seconds=1)
    )

    assert (await client.get("/api/v1/articles/went-live")).status_code == 200
    listing = await client.get("/api/v1/articles")
    assert [a["slug"] for a in listing.json()["data"]] == ["went-live"]


async def test_hidden_expert_is_left_out_of_by_lines(client: AsyncClient, session: AsyncSession):
    public_author = await make_expert(session, given_name="Ann", family_name="Public")
    draft_author = await make_expert(session, given_name="Dan", family_name="Draft", status="draft")
    await make_article(
        session,
        title="Two authors",
        authors=[draft_author, public_author],
        featured_experts=[draft_author],
    )

    article = (await client.get("/api/v1/articles/two-authors")).json()
    assert [a["slug"] for a in article["authors"]] == ["ann-public"]
    assert article["featured_experts"] == []
    listed = (await client.get("/api/v1/articles")).json()["data"][0]
    assert [a["slug"] for a in listed["authors"]] == ["ann-public"]


async def test_filtering_by_a_hidden_expert_reveals_nothing(
    client: AsyncClient, session: AsyncSession
):
    draft_author = await make_expert(session, given_name="Dan", family_name="Draft", status="draft")
    await make_article(session, title="By a draft", authors=[draft_author])

    response = await client.get("/api/v1/articles?expert=dan-draft")
    assert response.json()["data"] == []
