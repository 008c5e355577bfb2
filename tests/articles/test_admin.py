"""The admin articles API: the editor's whole workflow, validation and safety nets."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.db import utcnow
from app.editorial.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, make_article, make_expert, make_topic, make_user

ADMIN = "/api/v1/admin/articles"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


@pytest.fixture
async def world(session: AsyncSession) -> None:
    asia = await make_topic(session, name="Asia")
    await make_topic(session, name="China", parent=asia)
    await make_topic(session, name="Russia")
    await make_expert(session, given_name="Lyle", family_name="Goldstein")


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    body = {"kind": "op-ed", "title": "Draft title", **fields}
    response = await client.post(ADMIN, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_answers_201_with_location_and_etag(client: AsyncClient, editor, world):
    response = await client.post(
        ADMIN,
        json={
            "kind": "op-ed",
            "title": "China’s close ties with Russia",
            "topics": ["china", "russia"],
            "authors": ["lyle-goldstein"],
            "body": "<p onclick='steal()'>Hi<script>alert(1)</script>"
            "<a href='javascript:alert(1)'>x</a><a href='https://ok.example'>ok</a></p>",
        },
        headers=editor,
    )

    assert response.status_code == 201
    article = response.json()
    assert article["slug"] == "chinas-close-ties-with-russia"
    assert article["status"] == "draft"
    assert article["primary_topic"]["slug"] == "china"
    assert [t["slug"] for t in article["topics"]] == ["china", "russia"]
    assert article["authors"][0]["slug"] == "lyle-goldstein"
    assert response.headers["location"].endswith(f"{ADMIN}/{article['id']}")
    assert response.headers["etag"] == f'"{article["id"]}-{article["version"]}"'
    assert "script" not in article["body"]
    assert "onclick" not in article["body"]
    assert "javascript:" not in article["body"]
    assert 'href="https://ok.example"' in article["body"]
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == article


async def test_a_draft_is_invisible_to_the_public(client: AsyncClient, editor, world):
    article = await _create(client, editor, title="Secret draft")

    assert (await client.get(f"/api/v1/articles/{article['slug']}")).status_code == 404
    assert (await client.get("/api/v1/articles")).json()["meta"]["total"] == 0


async def test_editor_workflow_end_to_end(client: AsyncClient, session: AsyncSession, world, clock):
    # Sign in the way Swagger UI's Authorize button does.
    await make_user(session, role="editor", email="desk@example.org")
    login = await client.post(
        "/api/v1/admin/auth/token",
        data={"username": "desk@example.org", "password": DEFAULT_PASSWORD},
    )
    editor = {"Authorization": f"Bearer {login.json()['access_token']}"}
    draft = await _create(client, editor, topics=["china"], authors=["lyle-goldstein"])
    url = f"{ADMIN}/{draft['id']}"

    # Preview the draft through a signed link.
    link = (await client.post(f"{url}/preview", headers=editor)).json()
    preview = await client.get(link["url"])
    assert preview.status_code == 200
    assert preview.json()["title"] == "Draft title"
    assert preview.headers["cache-control"] == "no-store"

    # Schedule it a minute ahead: "published" with a future time is stored as scheduled.
    etag = (await client.get(url, headers=editor)).headers["etag"]
    at = utcnow() + timedelta(minutes=1)
    scheduled = await client.patch(
        url,
        json={"status": "published", "published_at": at.isoformat()},
        headers={**editor, "If-Match": etag},
    )
    assert scheduled.json()["status"] == "scheduled"
    assert (await client.get(f"/api/v1/articles/{draft['slug']}")).status_code == 404

    # It goes live at its time, with no job running.
    clock.advance(minutes=1, seconds=1)
    assert (await client.get(f"/api/v1/articles/{draft['slug']}")).status_code == 200
    assert (await client.get(url, headers=editor)).json()["status"] == "published"

    # Edit with If-Match, changing the slug: the old one redirects.
    etag = scheduled.headers["etag"]
    renamed = await client.patch(
        url, json={"slug": "new-slug", "title": "New title"}, headers={**editor, "If-Match": etag}
    )
    assert renamed.status_code == 200
    moved = await client.get(f"/api/v1/articles/{draft['slug']}")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith("/api/v1/articles/new-slug")
    assert (await client.get("/api/v1/articles/new-slug")).json()["title"] == "New title"

    # Archive it: gone from the public.
    archived = await client.patch(
        url, json={"status": "archived"}, headers={**editor, "If-Match": renamed.headers["etag"]}
    )
    assert archived.json()["status"] == "archived"
    assert (await client.get("/api/v1/articles/new-slug")).status_code == 404

    # Restore the first revision: the draft as created.
    history = (await client.get(f"{url}/revisions", headers=editor)).json()
    numbers = [r["number"] for r in history["data"]]
    assert numbers == sorted(numbers, reverse=True)
    first = numbers[-1]
    restored = await client.post(
        f"{url}/revisions/{first}/restore",
        headers={**editor, "If-Match": archived.headers["etag"]},
    )
    assert restored.status_code == 200
    assert restored.json()["title"] == "Draft title"
    assert restored.json()["status"] == "draft"
    assert restored.json()["slug"] == draft["slug"]

    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "article", AuditEntry.resource_id == draft["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == [
        "create", "update", "schedule", "update", "update", "archive",
        "update", "unpublish", "restore",
    ]  # fmt: skip


async def test_writes_need_if_match(client: AsyncClient, editor, world):
    article = await _create(client, editor)
    url = f"{ADMIN}/{article['id']}"

    missing = await client.patch(url, json={"title": "x"}, headers=editor)
    assert missing.status_code == 428
    stale = await client.patch(url, json={"title": "x"}, headers={**editor, "If-Match": '"0-0"'})
    assert stale.status_code == 412
    assert (await client.delete(url, headers=editor)).status_code == 428


async def test_two_editors_never_overwrite_each_other(
    client: AsyncClient, session: AsyncSession, sign_in, world
):
    first = sign_in(await make_user(session, role="editor"))
    second = sign_in(await make_user(session, role="editor"))
    article = await _create(client, first)
    url = f"{ADMIN}/{article['id']}"
    etag = (await client.get(url, headers=second)).headers["etag"]

    ok = await client.patch(url, json={"title": "First"}, headers={**first, "If-Match": etag})
    late = await client.patch(url, json={"title": "Second"}, headers={**second, "If-Match": etag})

    assert ok.status_code == 200
    assert late.status_code == 412
    assert (await client.get(url, headers=first)).json()["title"] == "First"


async def test_delete_answers_204(client: AsyncClient, editor, session: AsyncSession, world):
    article = await _create(client, editor)
    url = f"{ADMIN}/{article['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404


async def test_an_article_created_after_a_delete_keeps_its_own_history(
    client: AsyncClient, editor, session: AsyncSession, world
):
    """SQLite hands the id of a deleted newest row to the next one: the deleted row's
    revisions must not come back with it."""
    gone = await _create(client, editor)
    gone_url = f"{ADMIN}/{gone['id']}"
    for title in ("Gone, edited", "Gone, edited again"):
        etag = (await client.get(gone_url, headers=editor)).headers["etag"]
        await client.patch(gone_url, json={"title": title}, headers={**editor, "If-Match": etag})
    etag = (await client.get(gone_url, headers=editor)).headers["etag"]
    assert (await client.delete(gone_url, headers={**editor, "If-Match": etag})).status_code == 204

    fresh = await _create(client, editor)
    url = f"{ADMIN}/{fresh['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]
    edited = await client.patch(url, json={"title": "Fresh"}, headers={**editor, "If-Match": etag})

    assert edited.status_code == 200, edited.text
    history = (await client.get(f"{url}/revisions", headers=editor)).json()
    assert history["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"kind": "op-ed", "title": "   "}, "title", 422),
        ({"kind": "poem", "title": "T"}, "kind", 422),
        ({"title": "T"}, "kind", 422),
        ({"kind": "op-ed", "title": "T", "topics": ["atlantis"]}, "topics", 422),
        ({"kind": "op-ed", "title": "T", "authors": ["nobody"]}, "authors", 422),
        ({"kind": "op-ed", "title": "T", "published_at": "next week"}, "published_at", 422),
        ({"kind": "op-ed", "title": "T", "external_url": "not a url"}, "external_url", 422),
        ({"kind": "op-ed", "title": "T", "slug": "Bad Slug!"}, "slug", 422),
        ({"kind": "op-ed", "title": "T", "colour": "red"}, "colour", 422),
        ({"kind": "op-ed", "title": "T", "status": "scheduled"}, "published_at", 422),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: AsyncClient, session: AsyncSession, editor, world, body, field, status
):
    response = await client.post(ADMIN, json=body, headers=editor)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await session.scalar(select(func.count()).select_from(Article)) == 0


async def test_a_taken_slug_is_409(client: AsyncClient, editor, world):
    await _create(client, editor, title="Same")

    response = await client.post(
        ADMIN, json={"kind": "op-ed", "title": "Other", "slug": "same"}, headers=editor
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"


async def test_a_title_slug_that_is_taken_gets_a_suffix(client: AsyncClient, editor, world):
    await _create(client, editor, title="Same")
    assert (await _create(client, editor, title="Same"))["slug"] == "same-2"


async def test_idempotency_key_replays_the_first_answer(
    client: AsyncClient, session: AsyncSession, editor, world
):
    headers = {**editor, "Idempotency-Key": "abc-123"}
    body = {"kind": "brief", "title": "Only once"}

    first = await client.post(ADMIN, json=body, headers=headers)
    retry = await client.post(ADMIN, json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert await session.scalar(select(func.count()).select_from(Article)) == 1
    other = await client.post(ADMIN, json={**body, "title": "Else"}, headers=headers)
    assert other.status_code == 422
    assert await session.scalar(select(func.count()).select_from(Article)) == 1


async def test_every_change_is_audited(client: AsyncClient, session: AsyncSession, editor, world):
    article = await _create(client, editor)

    actions = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.resource_id == article["id"])
    )
    assert list(actions) == ["create"]


async def test_admin_list_shows_every_status_and_filters_by_it(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_article(session, title="Live")
    await make_article(session, title="Draft", status="draft")
    await make_article(session, title="Later", status="scheduled")
    await make_article(
        session, title="Went live", status="scheduled", published_at=utcnow() - timedelta(1)
    )

    everything = await client.get(ADMIN, headers=editor)
    assert everything.json()["meta"]["total"] == 4
    published = await client.get(ADMIN, params={"status": "published"}, headers=editor)
    assert {a["slug"] for a in published.json()["data"]} == {"live", "went-live"}
    assert {a["status"] for a in published.json()["data"]} == {"published"}
    scheduled = await client.get(ADMIN, params={"status": "scheduled"}, headers=editor)
    assert [a["slug"] for a in scheduled.json()["data"]] == ["later"]


async def test_preview_token_that_is_forged_or_expired_is_refused(
    client: AsyncClient, editor, world, settings
):
    from app.auth import tokens

    article = await _create(client, editor)
    expired, _ = tokens.sign(
        settings,
        purpose="preview",
        ttl=timedelta(seconds=-1),
        resource="article",
        id=article["id"],
    )
    for token in ("forged", expired):
        response = await client.get(f"/api/v1/preview/{token}")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("field", ["title", "kind", "status", "slug", "noindex"])
async def test_null_for_a_required_field_is_a_422(client: AsyncClient, editor, world, field):
    article = await _create(client, editor)
    url = f"{ADMIN}/{article['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.patch(url, json={field: None}, headers={**editor, "If-Match": etag})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_null_noindex_on_create_is_a_422(client: AsyncClient, editor):
    body = {"kind": "op-ed", "title": "T", "noindex": None}
    response = await client.post(ADMIN, json=body, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "noindex"
