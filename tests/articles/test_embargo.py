"""Embargo: an article published under embargo is seen by keys with `embargo:read` (with
`embargoed_until`) before its time, by nobody else; at its time it is public, no job run."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.changes.helpers import key_headers, read_feed
from tests.factories import make_article, make_topic, make_user

ARTICLES = "/api/v1/articles"


async def _embargoed(session: AsyncSession, *, seconds: float = 3600, **fields):
    return await make_article(
        session,
        slug="under-embargo",
        status="scheduled",
        published_at=utcnow() + timedelta(seconds=seconds),
        embargoed=True,
        **fields,
    )


async def _readers(session: AsyncSession) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "content key": await key_headers(session, "content:read"),
        "embargo key": await key_headers(session, "content:read", "embargo:read"),
    }


async def test_only_embargo_keys_see_an_embargoed_article_in_lists_details_and_facets(
    client: AsyncClient, session: AsyncSession
):
    gulf = await make_topic(session, name="Gulf")
    await make_article(session, slug="already-out", topics=[gulf])
    article = await _embargoed(session, topics=[gulf])
    readers = await _readers(session)

    seen = {}
    for who, headers in readers.items():
        listed = await client.get(ARTICLES, params={"facets": "topic"}, headers=headers)
        detail = await client.get(f"{ARTICLES}/under-embargo", headers=headers)
        seen[who] = (
            [a["slug"] for a in listed.json()["data"]],
            listed.json()["meta"]["facets"]["topic"][0]["count"],
            detail.status_code,
        )
    assert seen == {
        "anonymous": (["already-out"], 1, 404),
        "content key": (["already-out"], 1, 404),
        "embargo key": (["under-embargo", "already-out"], 2, 200),
    }
    detail = await client.get(f"{ARTICLES}/under-embargo", headers=readers["embargo key"])
    assert detail.json()["embargoed_until"] == article.published_at.isoformat()
    listed = (await client.get(ARTICLES, headers=readers["embargo key"])).json()["data"]
    assert [a["embargoed_until"] for a in listed] == [article.published_at.isoformat(), None]


async def test_the_change_feed_shows_an_embargoed_article_to_embargo_keys_only(
    client: AsyncClient, session: AsyncSession
):
    article = await _embargoed(session)
    readers = await _readers(session)

    content, _ = await read_feed(client, readers["content key"])
    embargo, _ = await read_feed(client, readers["embargo key"])

    assert content == []
    assert [(e["resource"], e["id"], e["action"]) for e in embargo] == [
        ("article", article.id, "upsert")
    ]
    assert embargo[0]["object"]["embargoed_until"] == article.published_at.isoformat()


async def test_feeds_search_and_sitemap_stay_public_only_for_embargo_keys(
    client: AsyncClient, session: AsyncSession
):
    await _embargoed(session, title="Zanzibar embargo")
    headers = (await _readers(session))["embargo key"]

    for path in ("/feeds/articles.rss", "/sitemap.xml", "/api/v1/search?q=zanzibar"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert "under-embargo" not in response.text, path


async def test_the_embargo_lifts_at_its_time_everywhere(
    client: AsyncClient, session: AsyncSession, clock
):
    await _embargoed(session, seconds=60)
    readers = await _readers(session)
    _, cursor = await read_feed(client, readers["content key"])
    assert (await client.get(f"{ARTICLES}/under-embargo")).status_code == 404

    clock.advance(seconds=61)

    for who, headers in readers.items():
        detail = await client.get(f"{ARTICLES}/under-embargo", headers=headers)
        assert detail.status_code == 200, who
        assert detail.json()["embargoed_until"] is None, who
    entries, _ = await read_feed(client, readers["content key"], since=cursor)
    assert [(e["action"], e["object"]["slug"]) for e in entries] == [("upsert", "under-embargo")]


async def test_an_embargo_needs_a_future_publish_time(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    base = {"kind": "brief", "title": "Sealed", "status": "published", "embargoed": True}

    for published_at in (None, (utcnow() - timedelta(minutes=1)).isoformat()):
        response = await client.post(
            "/api/v1/admin/articles", json={**base, "published_at": published_at}, headers=editor
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "published_at"

    later = (utcnow() + timedelta(hours=2)).isoformat()
    response = await client.post(
        "/api/v1/admin/articles", json={**base, "published_at": later}, headers=editor
    )
    assert response.status_code == 201, response.text
    assert (response.json()["status"], response.json()["embargoed"]) == ("scheduled", True)


async def test_an_editor_can_lift_an_embargo_early_by_publishing_now(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    article = await _embargoed(session)
    path = f"/api/v1/admin/articles/{article.id}"
    etag = (await client.get(path, headers=editor)).headers["etag"]

    response = await client.patch(
        path,
        json={"embargoed": False, "published_at": utcnow().isoformat()},
        headers={**editor, "If-Match": etag},
    )

    assert response.status_code == 200, response.text
    assert (await client.get(f"{ARTICLES}/under-embargo")).status_code == 200
