"""The admin pages API: an editor's work on standing pages, its validation and safety nets."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.editorial.models import AuditEntry
from app.pages.models import Page
from tests.factories import make_page, make_user

ADMIN = "/api/v1/admin/pages"
PUBLIC = "/api/v1/pages"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


async def _create(client: AsyncClient, headers: dict, **fields) -> tuple[dict, str]:
    response = await client.post(ADMIN, json={"title": "Draft page", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json(), response.headers["etag"]


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Page)) or 0


async def test_create_answers_201_with_location_and_etag(client: AsyncClient, editor):
    response = await client.post(
        ADMIN,
        json={
            "title": "Mission & Vision",
            "summary": "Why we exist.",
            "body": "<p>Restraint<script>alert(1)</script> <a href='javascript:x()'>a</a></p>",
            "seo_title": "Our mission",
            "noindex": True,
        },
        headers=editor,
    )

    assert response.status_code == 201
    page = response.json()
    assert page["slug"] == "mission-vision"
    assert page["status"] == "draft"
    assert page["published_at"] is None
    assert (page["summary"], page["seo_title"], page["noindex"]) == (
        "Why we exist.",
        "Our mission",
        True,
    )
    assert "script" not in page["body"]
    assert "javascript:" not in page["body"]
    assert page["created_by_id"] is not None
    assert response.headers["location"].endswith(f"{ADMIN}/{page['id']}")
    assert response.headers["etag"] == f'"{page["id"]}-{page["version"]}"'
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == page
    assert fetched.headers["etag"] == response.headers["etag"]


async def test_a_draft_is_invisible_until_published(client: AsyncClient, editor):
    draft, etag = await _create(client, editor, title="Jobs")

    assert (await client.get(f"{PUBLIC}/jobs")).status_code == 404
    assert (await client.get(PUBLIC)).json()["meta"]["total"] == 0

    published = await client.patch(
        f"{ADMIN}/{draft['id']}", json={"status": "published"}, headers={**editor, "If-Match": etag}
    )
    assert published.json()["status"] == "published"
    assert (await client.get(f"{PUBLIC}/jobs")).json()["title"] == "Jobs"
    assert (await client.get(PUBLIC)).json()["meta"]["total"] == 1


async def test_a_scheduled_page_goes_public_at_its_time(client: AsyncClient, editor, clock):
    page, etag = await _create(client, editor)
    at = utcnow() + timedelta(minutes=1)
    scheduled = await client.patch(
        f"{ADMIN}/{page['id']}",
        json={"status": "published", "published_at": at.isoformat()},
        headers={**editor, "If-Match": etag},
    )
    assert scheduled.json()["status"] == "scheduled"
    assert (await client.get(f"{PUBLIC}/{page['slug']}")).status_code == 404

    clock.advance(minutes=1, seconds=1)

    assert (await client.get(f"{PUBLIC}/{page['slug']}")).status_code == 200
    assert (await client.get(f"{ADMIN}/{page['id']}", headers=editor)).json()["status"] == (
        "published"
    )


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, editor):
    page, etag = await _create(client, editor, summary="Kept.", body="<p>Kept too.</p>")

    response = await client.patch(
        f"{ADMIN}/{page['id']}", json={"title": "Renamed"}, headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 200
    changed = response.json()
    assert (changed["title"], changed["slug"]) == ("Renamed", "draft-page")
    assert (changed["summary"], changed["body"]) == ("Kept.", "<p>Kept too.</p>")
    assert changed["version"] > page["version"]
    assert response.headers["etag"] != etag


async def test_writes_need_a_current_if_match(client: AsyncClient, editor):
    page, etag = await _create(client, editor)
    url = f"{ADMIN}/{page['id']}"

    assert (await client.patch(url, json={"title": "x"}, headers=editor)).status_code == 428
    assert (await client.delete(url, headers=editor)).status_code == 428
    await client.patch(url, json={"title": "First"}, headers={**editor, "If-Match": etag})
    stale = await client.patch(url, json={"title": "Second"}, headers={**editor, "If-Match": etag})
    assert stale.status_code == 412
    assert (await client.delete(url, headers={**editor, "If-Match": etag})).status_code == 412
    assert (await client.get(url, headers=editor)).json()["title"] == "First"


async def test_delete_answers_204_and_the_page_is_gone(client: AsyncClient, editor):
    page, etag = await _create(client, editor)
    url = f"{ADMIN}/{page['id']}"

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404


async def test_a_changed_slug_redirects_the_public_to_the_new_one(client: AsyncClient, editor):
    page, etag = await _create(client, editor, title="About", status="published")

    renamed = await client.patch(
        f"{ADMIN}/{page['id']}", json={"slug": "about-us"}, headers={**editor, "If-Match": etag}
    )

    assert renamed.json()["slug"] == "about-us"
    moved = await client.get(f"{PUBLIC}/about")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"{PUBLIC}/about-us")
    assert (await client.get(f"{PUBLIC}/about-us")).json()["title"] == "About"


async def test_an_old_slug_of_a_hidden_page_is_404_not_a_redirect(client: AsyncClient, editor):
    page, etag = await _create(client, editor, title="About")

    await client.patch(
        f"{ADMIN}/{page['id']}", json={"slug": "about-us"}, headers={**editor, "If-Match": etag}
    )

    assert (await client.get(f"{PUBLIC}/about")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({}, "title"),
        ({"title": "T", "slug": "Bad Slug!"}, "slug"),
        ({"title": "T", "published_at": "tomorrow"}, "published_at"),
        ({"title": "T", "published_at": "2031-01-01T09:00:00"}, "published_at"),
        ({"title": "T", "status": "scheduled"}, "published_at"),
        ({"title": "T", "status": "live"}, "status"),
        ({"title": "T", "canonical_url": "not a url"}, "canonical_url"),
        ({"title": "T", "colour": "red"}, "colour"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: AsyncClient, session: AsyncSession, editor, body, field
):
    response = await client.post(ADMIN, json=body, headers=editor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _count(session) == 0


async def test_a_null_title_in_an_edit_is_refused(client: AsyncClient, editor):
    page, etag = await _create(client, editor)
    url = f"{ADMIN}/{page['id']}"

    response = await client.patch(url, json={"title": None}, headers={**editor, "If-Match": etag})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]
    assert (await client.get(url, headers=editor)).json() == page


async def test_a_taken_slug_is_409(client: AsyncClient, session: AsyncSession, editor):
    await _create(client, editor, title="Contact")

    response = await client.post(ADMIN, json={"title": "Other", "slug": "contact"}, headers=editor)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert await _count(session) == 1


async def test_an_idempotent_retry_creates_one_page(
    client: AsyncClient, session: AsyncSession, editor
):
    headers = {**editor, "Idempotency-Key": "page-1"}

    first = await client.post(ADMIN, json={"title": "Only once"}, headers=headers)
    retry = await client.post(ADMIN, json={"title": "Only once"}, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert await _count(session) == 1


async def test_a_restored_revision_brings_back_the_earlier_page(client: AsyncClient, editor):
    page, etag = await _create(client, editor, body="<p>First words.</p>")
    url = f"{ADMIN}/{page['id']}"
    edited = await client.patch(
        url,
        json={"title": "Second", "slug": "second", "body": "<p>Second words.</p>"},
        headers={**editor, "If-Match": etag},
    )

    history = (await client.get(f"{url}/revisions", headers=editor)).json()
    assert [r["number"] for r in history["data"]] == [page["version"]]
    restored = await client.post(
        f"{url}/revisions/{page['version']}/restore",
        headers={**editor, "If-Match": edited.headers["etag"]},
    )

    assert restored.status_code == 200
    back = restored.json()
    assert (back["title"], back["slug"], back["body"]) == (
        "Draft page",
        "draft-page",
        "<p>First words.</p>",
    )
    assert back["version"] > edited.json()["version"]


async def test_the_list_shows_every_status_and_filters_by_it(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_page(session, title="Live")
    await make_page(session, title="Draft", status="draft")
    await make_page(session, title="Later", status="scheduled")
    await make_page(
        session, title="Went live", status="scheduled", published_at=utcnow() - timedelta(1)
    )

    everything = await client.get(ADMIN, headers=editor)
    published = await client.get(ADMIN, params={"status": "published"}, headers=editor)
    scheduled = await client.get(ADMIN, params={"status": "scheduled"}, headers=editor)

    assert everything.json()["meta"]["total"] == 4
    assert [p["slug"] for p in published.json()["data"]] == ["live", "went-live"]
    assert {p["status"] for p in published.json()["data"]} == {"published"}
    assert [p["slug"] for p in scheduled.json()["data"]] == ["later"]


async def test_every_change_is_audited(client: AsyncClient, session: AsyncSession, editor):
    page, etag = await _create(client, editor)
    url = f"{ADMIN}/{page['id']}"
    published = await client.patch(
        url, json={"status": "published"}, headers={**editor, "If-Match": etag}
    )
    archived = await client.patch(
        url, json={"status": "archived"}, headers={**editor, "If-Match": published.headers["etag"]}
    )
    await client.delete(url, headers={**editor, "If-Match": archived.headers["etag"]})

    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "page", AuditEntry.resource_id == page["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "update", "publish", "update", "archive", "delete"]


async def _every_route(session: AsyncSession) -> list[tuple[str, str, dict | None]]:
    page = await make_page(session)
    url = f"{ADMIN}/{page.id}"
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, {"title": "T"}),
        ("GET", url, None),
        ("PATCH", url, {"title": "x"}),
        ("DELETE", url, None),
        ("GET", f"{url}/revisions", None),
        ("POST", f"{url}/revisions/1/restore", None),
    ]


async def test_authors_are_refused_on_every_route(
    client: AsyncClient, session: AsyncSession, sign_in
):
    author = sign_in(await make_user(session, role="author"))
    headers = {**author, "If-Match": "*"}

    for method, url, body in await _every_route(session):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url)
    assert await _count(session) == 1


async def test_anonymous_callers_are_refused_on_every_route(
    client: AsyncClient, session: AsyncSession
):
    for method, url, body in await _every_route(session):
        response = await client.request(method, url, json=body, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, url)
