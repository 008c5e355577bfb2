from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_article, make_expert, make_program, make_topic


async def test_list_is_newest_first_with_envelope(client: AsyncClient, session: AsyncSession):
    old = await make_article(session, title="Old", published_at=datetime(2023, 1, 1, tzinfo=UTC))
    new = await make_article(session, title="New", published_at=datetime(2024, 1, 1, tzinfo=UTC))

    response = await client.get("/api/v1/articles")

    assert response.status_code == 200
    body = response.json()
    assert [a["slug"] for a in body["data"]] == [new.slug, old.slug]
    assert body["meta"] == {"total": 2, "page": 1, "per_page": 20, "pages": 1}
    assert "body" not in body["data"][0]
    assert body["data"][0]["published_at"] == "2024-01-01T00:00:00+00:00"


async def test_detail_carries_body_and_people(client: AsyncClient, session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    lyle = await make_expert(
        session, given_name="Lyle", family_name="Goldstein", title="Director, Asia Program"
    )
    program = await make_program(session, name="Asia Program")
    await make_article(
        session,
        title="Ties",
        topics=[china, asia],
        authors=[lyle],
        programs=[program],
        body="<p>Hello</p>",
    )

    response = await client.get("/api/v1/articles/ties")

    assert response.status_code == 200
    article = response.json()
    assert article["body"] == "<p>Hello</p>"
    assert article["primary_topic"] == {
        "slug": "china",
        "name": "China",
        "parent": {"slug": "asia", "name": "Asia"},
    }
    assert [t["slug"] for t in article["topics"]] == ["china", "asia"]
    assert article["authors"][0]["name"] == "Lyle Goldstein"
    assert article["authors"][0]["title"] == "Director, Asia Program"
    assert article["programs"] == [{"slug": "asia-program", "name": "Asia Program"}]


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/articles/nope")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No article with slug 'nope'."


async def test_future_scheduled_article_is_hidden(client: AsyncClient, session: AsyncSession):
    await make_article(
        session, title="Later", status="scheduled", published_at=utcnow() + timedelta(hours=1)
    )

    assert (await client.get("/api/v1/articles/later")).status_code == 404
