"""GET /api/v1/pages and /api/v1/pages/{slug}: public standing pages only."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_page
from tests.helpers import HIDDEN, slugs


async def test_list_is_ordered_by_title_without_bodies(client: AsyncClient, session: AsyncSession):
    await make_page(session, title="Jobs")
    await make_page(session, title="Contact", summary="Reach us.")
    await make_page(session, title="Mission & Vision", slug="mission-vision")

    response = await client.get("/api/v1/pages")

    assert response.status_code == 200
    assert slugs(response) == ["contact", "jobs", "mission-vision"]
    assert response.json()["meta"] == {"total": 3, "page": 1, "per_page": 20, "pages": 1}
    first = response.json()["data"][0]
    assert set(first) == {"slug", "title", "summary", "published_at", "updated_at"}
    assert first["summary"] == "Reach us."


async def test_detail_carries_body_and_seo_fields(client: AsyncClient, session: AsyncSession):
    await make_page(
        session,
        title="Mission & Vision",
        slug="mission-vision",
        body="<p>Our mission is to inform citizens.</p>",
        published_at=datetime(2023, 1, 9, 14, tzinfo=UTC),
        seo_title="Our mission",
        seo_description="What we stand for.",
        canonical_url="https://www.example.org/about/mission",
        og_image_url="https://cdn.example.org/mission.png",
        noindex=True,
    )

    response = await client.get("/api/v1/pages/mission-vision")

    assert response.status_code == 200
    page = response.json()
    assert page["title"] == "Mission & Vision"
    assert page["body"] == "<p>Our mission is to inform citizens.</p>"
    assert page["published_at"] == "2023-01-09T14:00:00+00:00"
    assert page["updated_at"].endswith("+00:00")
    assert {k: page[k] for k in ("seo_title", "seo_description", "canonical_url")} == {
        "seo_title": "Our mission",
        "seo_description": "What we stand for.",
        "canonical_url": "https://www.example.org/about/mission",
    }
    assert page["og_image_url"] == "https://cdn.example.org/mission.png"
    assert page["noindex"] is True


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/pages/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No page with slug 'nowhere'."


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_page_is_on_no_page_path(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    await make_page(session, title="About")
    await make_page(
        session,
        title="Secret",
        status=status,
        published_at=utcnow() + offset if offset is not None else None,
    )

    listing = await client.get("/api/v1/pages")
    assert slugs(listing) == ["about"]
    assert listing.json()["meta"]["total"] == 1
    detail = await client.get("/api/v1/pages/secret")
    assert detail.status_code == 404
    assert detail.headers["content-type"] == "application/problem+json"


async def test_scheduled_page_whose_time_has_passed_is_public(
    client: AsyncClient, session: AsyncSession
):
    await make_page(
        session, title="Jobs", status="scheduled", published_at=utcnow() - timedelta(seconds=1)
    )

    assert slugs(await client.get("/api/v1/pages")) == ["jobs"]
    assert (await client.get("/api/v1/pages/jobs")).status_code == 200


async def test_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    for _ in range(5):
        await make_page(session)

    with count_statements() as small:
        one = await client.get("/api/v1/pages?per_page=1")
    with count_statements() as large:
        hundred = await client.get("/api/v1/pages?per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(hundred.json()["data"]) == 5
    assert len(small) == len(large), (small, large)
