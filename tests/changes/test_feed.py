"""GET /api/v1/changes: who may read it, what each write looks like in it, cursors."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.changes import service
from app.db import utcnow
from tests.changes.helpers import CHANGES, key_headers, read_feed
from tests.factories import make_article, make_expert, make_user


async def test_the_feed_needs_a_content_key(client: AsyncClient, session: AsyncSession):
    embargo_only = await key_headers(session, "embargo:read")

    anonymous = await client.get(CHANGES)
    wrong_scope = await client.get(CHANGES, headers=embargo_only)

    assert anonymous.status_code == 401
    assert wrong_scope.status_code == 403
    assert anonymous.headers["content-type"] == "application/problem+json"


async def test_a_cursor_that_is_not_one_is_a_422_naming_since(
    client: AsyncClient, session: AsyncSession
):
    headers = await key_headers(session)
    for bad in ("abc", "-1", "1.5", "99999999999999999999"):
        response = await client.get(CHANGES, params={"since": bad}, headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "since"


async def test_writes_through_the_admin_api_read_as_upserts_then_a_delete(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    headers = await key_headers(session)
    created = await client.post(
        "/api/v1/admin/articles",
        json={"kind": "brief", "title": "Gulf brief", "status": "published"},
        headers=editor,
    )
    article_id = created.json()["id"]
    first, cursor = await read_feed(client, headers)
    public = (await client.get("/api/v1/articles/gulf-brief")).json()
    path = f"/api/v1/admin/articles/{article_id}"

    etag = created.headers["etag"]
    edited = await client.patch(
        path, json={"title": "Gulf brief, revised"}, headers={**editor, "If-Match": etag}
    )
    second, cursor = await read_feed(client, headers, since=cursor)
    deleted = await client.delete(path, headers={**editor, "If-Match": edited.headers["etag"]})
    third, _ = await read_feed(client, headers, since=cursor)

    assert deleted.status_code == 204
    assert [(e["action"], e["object"]) for e in first] == [("upsert", public)]
    assert [(e["action"], e["object"]["title"]) for e in second] == [
        ("upsert", "Gulf brief, revised")
    ]
    assert [(e["resource"], e["id"], e["action"], e["object"]) for e in third] == [
        ("article", article_id, "delete", None)
    ]


async def test_unpublish_and_archive_read_as_deletes(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    headers = await key_headers(session)
    one = await make_article(session, slug="one")
    two = await make_article(session, slug="two")
    _, cursor = await read_feed(client, headers)

    for article, status in ((one, "draft"), (two, "archived")):
        path = f"/api/v1/admin/articles/{article.id}"
        etag = (await client.get(path, headers=editor)).headers["etag"]
        response = await client.patch(
            path, json={"status": status}, headers={**editor, "If-Match": etag}
        )
        assert response.status_code == 200, response.text
    entries, _ = await read_feed(client, headers, since=cursor)

    assert [(e["id"], e["action"]) for e in entries] == [(one.id, "delete"), (two.id, "delete")]


async def test_drafts_never_enter_the_feed(client: AsyncClient, session: AsyncSession):
    await make_article(session, status="draft", slug="draft")
    await make_article(session, status="scheduled", published_at=utcnow() + timedelta(days=1))
    await make_expert(session, status="draft")

    entries, cursor = await read_feed(client, await key_headers(session))

    assert entries == []
    assert cursor == "0"


async def test_a_scheduled_item_enters_the_feed_at_its_time_behind_a_later_cursor(
    client: AsyncClient, session: AsyncSession, clock
):
    headers = await key_headers(session)
    await make_article(
        session, slug="later", status="scheduled", published_at=utcnow() + timedelta(minutes=5)
    )
    await make_article(session, slug="now")
    before, cursor = await read_feed(client, headers)
    assert [e["object"]["slug"] for e in before] == ["now"]

    clock.advance(minutes=5, seconds=1)
    after, _ = await read_feed(client, headers, since=cursor)

    assert [(e["action"], e["object"]["slug"]) for e in after] == [("upsert", "later")]
    assert int(after[0]["seq"]) > int(cursor)


async def test_renaming_an_expert_updates_the_articles_that_show_them(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    expert = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    article = await make_article(session, slug="by-lyle", authors=[expert])
    headers = await key_headers(session)
    _, cursor = await read_feed(client, headers)

    path = f"/api/v1/admin/experts/{expert.id}"
    etag = (await client.get(path, headers=editor)).headers["etag"]
    await client.patch(path, json={"given_name": "Lyle J."}, headers={**editor, "If-Match": etag})
    entries, _ = await read_feed(client, headers, since=cursor)

    by_key = {(e["resource"], e["id"]): e["object"] for e in entries}
    assert by_key[("article", article.id)]["authors"][0]["name"] == "Lyle J. Goldstein"
    assert by_key[("expert", expert.id)]["given_name"] == "Lyle J."


async def test_pages_of_the_feed_follow_on_without_gaps(client: AsyncClient, session: AsyncSession):
    for n in range(5):
        await make_article(session, slug=f"a{n}")
    headers = await key_headers(session)

    first = (await client.get(CHANGES, params={"limit": 2}, headers=headers)).json()
    rest, _ = await read_feed(client, headers, since=first["meta"]["next_cursor"], limit=2)

    assert first["meta"]["has_more"] is True
    assert [e["object"]["slug"] for e in first["data"] + rest] == [f"a{n}" for n in range(5)]


async def test_several_changes_to_one_article_in_a_page_come_as_its_latest(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    article = await make_article(session, slug="busy")
    path = f"/api/v1/admin/articles/{article.id}"
    for title in ("Busy 2", "Busy 3"):
        etag = (await client.get(path, headers=editor)).headers["etag"]
        await client.patch(path, json={"title": title}, headers={**editor, "If-Match": etag})

    entries, _ = await read_feed(client, await key_headers(session))

    assert [e["object"]["title"] for e in entries] == ["Busy 3"]


async def test_public_changes_carry_the_events_webhooks_fire(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    created = await client.post(
        "/api/v1/admin/articles", json={"kind": "brief", "title": "Evented"}, headers=editor
    )
    article_id = created.json()["id"]
    path = f"/api/v1/admin/articles/{article_id}"
    for change in ({"status": "published"}, {"title": "Evented 2"}, {"status": "draft"}):
        etag = (await client.get(path, headers=editor)).headers["etag"]
        response = await client.patch(path, json=change, headers={**editor, "If-Match": etag})
        assert response.status_code == 200, response.text

    await service.sequence_due(session)
    changes = await service.sequenced_public_changes(session, after=0, limit=100)

    assert [c.event for c in changes if c.resource_id == article_id] == [
        None,
        "article.published",
        "article.updated",
        "article.unpublished",
    ]
