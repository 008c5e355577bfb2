"""What a request sends never reaches a response header as sent: absolute URLs are on
PUBLIC_API_URL whatever `Host` says, and surrogate keys come from slugs, not raw values."""

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.feeds import sitemap
from tests.factories import make_article, make_event, make_topic, make_user
from tests.helpers import assert_legal_headers

API = "http://testserver"  # PUBLIC_API_URL in tests/conftest.py
EVIL = {"Host": "evil.example"}


def _on_public_api_url(response: Response, *values: str) -> None:
    assert_legal_headers(response)
    for value in values:
        assert value.startswith(f"{API}/"), value
        assert "evil.example" not in value


async def _renamed_topic(client: AsyncClient, session: AsyncSession, editor: dict) -> None:
    topic = await make_topic(session, name="Old name")
    url = f"/api/v1/admin/topics/{topic.id}"
    etag = (await client.get(url, headers=editor)).headers["etag"]
    renamed = await client.patch(
        url, json={"slug": "new-name"}, headers={**editor, "If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.text


async def test_list_links_ignore_the_host_header(client: AsyncClient, session: AsyncSession):
    for _ in range(3):
        await make_article(session)

    fast = await client.get("/api/v1/articles?per_page=1&page=2", headers=EVIL)
    routed = await client.get("/api/v1/articles?per_page=1&page=2&q=article", headers=EVIL)
    topics = await client.get("/api/v1/topics", headers=EVIL)

    for response in (fast, routed, topics):
        assert response.status_code == 200, response.text
        links = [part.split(">")[0].lstrip(" <") for part in response.headers["link"].split(",")]
        _on_public_api_url(response, *links)
    assert f'<{API}/api/v1/articles?per_page=1&page=3>; rel="next"' in fast.headers["link"]


async def test_created_location_and_preview_url_ignore_the_host_header(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = {**sign_in(await make_user(session, role="editor")), **EVIL}

    created = await client.post("/api/v1/admin/topics", json={"name": "Trade"}, headers=editor)
    article = await make_article(session, status="draft")
    preview = await client.post(f"/api/v1/admin/articles/{article.id}/preview", headers=editor)

    assert created.status_code == 201, created.text
    _on_public_api_url(created, created.headers["location"])
    assert created.headers["location"] == f"{API}/api/v1/admin/topics/{created.json()['id']}"
    assert preview.status_code == 200, preview.text
    _on_public_api_url(preview, preview.json()["url"])


async def test_moved_slugs_redirect_on_public_api_url(
    client: AsyncClient, session: AsyncSession, sign_in
):
    await _renamed_topic(client, session, sign_in(await make_user(session, role="editor")))

    moved = await client.get("/api/v1/topics/old-name?x=%0D%0A", headers=EVIL)
    feed = await client.get("/feeds/topics/old-name.rss", headers=EVIL)

    assert (moved.status_code, feed.status_code) == (301, 301)
    _on_public_api_url(moved, moved.headers["location"], feed.headers["location"])
    assert moved.headers["location"] == f"{API}/api/v1/topics/new-name?x=%0D%0A"
    assert feed.headers["location"] == f"{API}/feeds/topics/new-name.rss"


async def test_feed_self_link_search_urls_and_sitemap_index_ignore_the_host_header(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sitemap, "MAX_URLS", 1)
    await make_article(session, title="Submarine cables")

    feed = await client.get("/feeds/articles.json", headers=EVIL)
    search = await client.get("/api/v1/search?q=submarine", headers=EVIL)
    index = await client.get("/sitemap.xml", headers=EVIL)

    assert feed.json()["feed_url"] == f"{API}/feeds/articles.json"
    _on_public_api_url(search, *(hit["url"] for hit in search.json()["data"]))
    assert search.json()["data"]
    assert f"<loc>{API}/sitemap-1.xml</loc>" in index.text
    assert "evil.example" not in index.text


@pytest.mark.parametrize("value", ["a%0Db", "a%0Ab", "a%00b", "a%20b", "a+b", "a%09b", "A,%7F"])
@pytest.mark.parametrize(
    "path", ["/api/v1/articles", "/api/v1/articles?q=article", "/api/v1/events"]
)
async def test_query_values_never_reach_a_header(
    client: AsyncClient, session: AsyncSession, path: str, value: str
):
    await make_article(session)
    await make_event(session)
    glue = "&" if "?" in path else "?"

    response = await client.get(f"{path}{glue}topic={value}&expert={value}")

    assert response.status_code in (200, 400), response.text
    assert_legal_headers(response)
    if response.status_code == 200:
        keys = response.headers["surrogate-key"].split(" ")
        assert not [k for k in keys if k.startswith(("topic-", "expert-"))], keys
        assert "b" not in keys


async def test_query_slugs_still_name_what_an_empty_answer_depends_on(
    client: AsyncClient,
):
    response = await client.get("/api/v1/articles?topic=china,no%20such&program=asia")

    assert response.json()["data"] == []
    keys = response.headers["surrogate-key"].split(" ")
    assert {"topic-china", "program-asia"} <= set(keys)
    assert not {"topic-no", "such", "topic-no such"} & set(keys)
