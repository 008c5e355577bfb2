"""GET /api/v1/search: ranked public results across articles, experts, events and pages."""

import asyncio
import os
from datetime import timedelta

import pytest
from alembic import command
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import make_engine, utcnow
from tests import dbutil
from tests.conftest import BACKEND, SERVER_URL
from tests.factories import make_article, make_event, make_expert, make_page
from tests.helpers import HIDDEN

BASE = "http://testserver/api/v1"


async def results(client: AsyncClient, q: str, **params) -> list[dict]:
    response = await client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
async def world(session: AsyncSession) -> None:
    """One of each type mentioning Taiwan, and one of each that does not."""
    await make_article(
        session, title="Strait tensions", body="<p>Why <em>Taiwan</em> matters now.</p>"
    )
    await make_expert(
        session,
        given_name="Lin",
        family_name="Chen",
        short_bio="Writes on Taiwan and cross-strait ties.",
    )
    await make_event(session, title="Taiwan after the election", summary="A panel.")
    await make_page(session, title="About", body="<p>We study Taiwan, among others.</p>")
    await make_article(session, title="Carrier groups")
    await make_expert(session, given_name="Ann", family_name="Other")
    await make_event(session, title="Budget panel")
    await make_page(session, title="Contact")


async def test_results_mix_types_with_urls_and_highlighted_snippets(client: AsyncClient, world):
    data = await results(client, "taiwan")

    by_type = {item["type"]: item for item in data}
    assert len(data) == 4
    assert {t: i["slug"] for t, i in by_type.items()} == {
        "article": "strait-tensions",
        "expert": "lin-chen",
        "event": "taiwan-after-the-election",
        "page": "about",
    }
    assert {t: i["url"] for t, i in by_type.items()} == {
        "article": f"{BASE}/articles/strait-tensions",
        "expert": f"{BASE}/experts/lin-chen",
        "event": f"{BASE}/events/taiwan-after-the-election",
        "page": f"{BASE}/pages/about",
    }
    assert by_type["expert"]["title"] == "Lin Chen"
    assert "Why <mark>Taiwan</mark> matters now" in by_type["article"]["snippet"]
    assert "<mark>Taiwan</mark>" in by_type["expert"]["snippet"]
    assert "<mark>Taiwan</mark>" in by_type["page"]["snippet"]
    assert all(item["published_at"] for item in data)


async def test_every_url_answers(client: AsyncClient, world):
    for item in await results(client, "taiwan"):
        assert (await client.get(item["url"])).status_code == 200, item


async def test_title_matches_rank_first_across_types(client: AsyncClient, world):
    data = await results(client, "taiwan")
    assert data[0]["type"] == "event"


async def test_type_filter(client: AsyncClient, world):
    assert [i["type"] for i in await results(client, "taiwan", type="expert")] == ["expert"]
    both = await results(client, "taiwan", type=["page", "article"])
    assert sorted(i["type"] for i in both) == ["article", "page"]
    comma = await results(client, "taiwan", type="page,article")
    assert sorted(i["type"] for i in comma) == ["article", "page"]


async def test_unknown_type_is_422_naming_type(client: AsyncClient):
    response = await client.get("/api/v1/search", params={"q": "taiwan", "type": "topic"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["type"]


async def test_missing_q_is_422_naming_q(client: AsyncClient):
    response = await client.get("/api/v1/search")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["q"]


async def test_expert_found_by_name(client: AsyncClient, world):
    data = await results(client, "chen")
    assert [(i["type"], i["title"]) for i in data] == [("expert", "Lin Chen")]


async def test_snippet_is_escaped_html_with_only_marks_as_tags(
    client: AsyncClient, session: AsyncSession
):
    await make_page(
        session,
        title="Odd page",
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt; on the frigate for <b>AT&amp;T</b></p>",
    )

    [item] = await results(client, "frigate")
    snippet = item["snippet"]
    assert "&lt;/script&gt; on the <mark>frigate</mark> for AT&amp;T" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


async def test_title_only_match_still_has_a_snippet(client: AsyncClient, session: AsyncSession):
    await make_article(session, title="Frigate news", summary="The short version.")

    [item] = await results(client, "frigate")
    assert item["snippet"].startswith("The short version.")
    assert "<mark>" not in item["snippet"]


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_content_of_every_type_is_never_found(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    hidden = {"status": status, "published_at": utcnow() + offset if offset else None}
    await make_article(session, title="Secret corvette", **hidden)
    await make_expert(session, given_name="Corvette", family_name="Secret", **hidden)
    await make_event(session, title="Secret corvette event", **hidden)
    await make_page(session, title="Secret corvette page", **hidden)

    response = await client.get("/api/v1/search", params={"q": "corvette"})
    assert response.status_code == 200
    assert response.json() == {
        "data": [],
        "meta": {"total": 0, "page": 1, "per_page": 20, "pages": 0},
    }


async def test_pages_and_total(client: AsyncClient, world):
    response = await client.get("/api/v1/search", params={"q": "taiwan", "per_page": 3})
    assert len(response.json()["data"]) == 3
    assert response.json()["meta"] == {"total": 4, "page": 1, "per_page": 3, "pages": 2}
    second = await client.get("/api/v1/search", params={"q": "taiwan", "per_page": 3, "page": 2})
    assert len(second.json()["data"]) == 1
    assert 'rel="prev"' in second.headers["link"]


async def test_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    for n in range(8):
        await make_article(session, title=f"Frigate {n}")
        await make_page(session, title=f"Frigate page {n}")

    with count_statements() as small:
        one = await client.get("/api/v1/search?q=frigate&per_page=1")
    with count_statements() as large:
        many = await client.get("/api/v1/search?q=frigate&per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(many.json()["data"]) == 16
    # The count and the page; PostgreSQL is first told to plan them for their values.
    planned = 1 if BACKEND == "postgresql" else 0
    assert len(small) == len(large) == 2 + planned, (small, large)
    assert all("plan_cache_mode" in sql for sql in small[:planned])


async def test_edited_expert_is_found_under_the_new_name(
    client: AsyncClient, session: AsyncSession
):
    expert = await make_expert(session, given_name="Ada", family_name="Lovelace")
    assert [i["slug"] for i in await results(client, "lovelace")] == ["ada-lovelace"]

    expert.family_name = "Byron"
    await session.flush()

    assert await results(client, "lovelace") == []
    assert [i["title"] for i in await results(client, "byron")] == ["Ada Byron"]


async def _sql(url: str, statement: str) -> list:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement))
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


def test_migration_indexes_rows_that_existed_before_it(tmp_path, worker_id: str):
    name = f"pressroom_search_backfill_{worker_id}_{os.getpid()}"
    if BACKEND == "postgresql":
        url = dbutil.fresh_postgres_database(SERVER_URL, name)
        found = (
            "SELECT id FROM article"
            " WHERE search_vector @@ websearch_to_tsquery('english', 'submarine')"
        )
    else:
        url = dbutil.fresh_sqlite_database(tmp_path, name)
        found = "SELECT rowid FROM article_fts WHERE article_fts MATCH '\"submarine\"'"
    try:
        config = dbutil.alembic_config(url)
        command.upgrade(config, "0002")
        asyncio.run(
            _sql(
                url,
                "INSERT INTO article (slug, kind, title, body, status, published_at, created_at,"
                " updated_at, noindex, version) VALUES ('old', 'op-ed', 'Old piece',"
                " '<p>Two <b>submarines</b></p>', 'published', '2020-01-01', '2020-01-01',"
                " '2020-01-01', false, 1)",
            )
        )
        command.upgrade(config, "head")
        assert asyncio.run(_sql(url, found)) == [(1,)]
    finally:
        if BACKEND == "postgresql":
            dbutil.drop_postgres_database(SERVER_URL, name)
