from datetime import UTC, datetime

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_topic


async def test_related_ranks_by_shared_topics_then_newest(
    client: AsyncClient, session: AsyncSession
):
    china, russia, asia, nato = [
        await make_topic(session, name=n) for n in ("China", "Russia", "Asia", "NATO")
    ]
    day = lambda n: datetime(2025, 3, n, tzinfo=UTC)  # noqa: E731
    await make_article(session, title="Subject", topics=[china, russia, asia], published_at=day(1))
    await make_article(session, title="One shared old", topics=[asia], published_at=day(2))
    await make_article(session, title="Two shared", topics=[china, russia], published_at=day(3))
    await make_article(session, title="One shared new", topics=[russia, nato], published_at=day(4))
    await make_article(session, title="Unrelated", topics=[nato], published_at=day(5))

    response = await client.get("/api/v1/articles/subject/related")

    assert response.status_code == 200
    slugs = [a["slug"] for a in response.json()["data"]]
    assert slugs == ["two-shared", "one-shared-new", "one-shared-old"]
    assert response.json()["meta"]["total"] == 3


async def test_related_pages_like_any_list(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    await make_article(session, title="Subject", topics=[china])
    for n in range(3):
        await make_article(session, title=f"Other {n}", topics=[china])

    response = await client.get("/api/v1/articles/subject/related?per_page=2")

    assert len(response.json()["data"]) == 2
    assert response.json()["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}
    assert 'rel="next"' in response.headers["link"]


async def test_related_of_unknown_article_is_404(client: AsyncClient):
    response = await client.get("/api/v1/articles/nope/related")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
