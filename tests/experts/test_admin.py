"""The admin experts API: profiles in every status, workflow, validation and safety nets."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.editorial.models import AuditEntry
from app.experts.models import Expert
from tests.factories import make_expert, make_program, make_topic, make_user
from tests.helpers import slugs

ADMIN = "/api/v1/admin/experts"
PUBLIC = "/api/v1/experts"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


@pytest.fixture
async def world(session: AsyncSession) -> None:
    await make_topic(session, name="China")
    await make_topic(session, name="Russia")
    await make_program(session, name="Asia Program")


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    body = {"given_name": "Lyle", "family_name": "Goldstein", **fields}
    response = await client.post(ADMIN, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _patch(client: AsyncClient, headers: dict, expert_id: int, body: dict):
    url = f"{ADMIN}/{expert_id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.patch(url, json=body, headers={**headers, "If-Match": etag})


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Expert)) or 0


async def test_create_answers_201_with_location_etag_and_the_profile(
    client: AsyncClient, editor, world
):
    response = await client.post(
        ADMIN,
        json={
            "given_name": "Lyle",
            "family_name": "Goldstein",
            "title": "Director, Asia Program",
            "programs": ["asia-program"],
            "topics": ["russia", "china"],
            "short_bio": "Director <script>alert(1)</script>of Asia Engagement.",
            "bio": "<p onclick='steal()'>Lyle<a href='javascript:alert(1)'>x</a></p>",
            "links": [{"label": "Profile", "url": "https://example.org/lyle"}],
        },
        headers=editor,
    )

    assert response.status_code == 201
    expert = response.json()
    assert expert["slug"] == "lyle-goldstein"
    assert expert["name"] == "Lyle Goldstein"
    assert expert["status"] == "draft"
    assert expert["published_at"] is None
    assert [p["slug"] for p in expert["programs"]] == ["asia-program"]
    assert [t["slug"] for t in expert["topics"]] == ["china", "russia"]
    assert "script" not in expert["short_bio"]
    assert "onclick" not in expert["bio"]
    assert "javascript:" not in expert["bio"]
    assert expert["links"] == [{"label": "Profile", "url": "https://example.org/lyle"}]
    assert response.headers["location"].endswith(f"{ADMIN}/{expert['id']}")
    assert response.headers["etag"] == f'"{expert["id"]}-{expert["version"]}"'
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == expert
    assert fetched.headers["etag"] == response.headers["etag"]


async def test_a_draft_expert_is_invisible_to_the_public(client: AsyncClient, editor, world):
    expert = await _create(client, editor)

    assert (await client.get(f"{PUBLIC}/{expert['slug']}")).status_code == 404
    assert slugs(await client.get(PUBLIC)) == []


async def test_a_published_expert_appears_publicly(client: AsyncClient, editor, world):
    expert = await _create(client, editor, status="published", topics=["china"])

    assert expert["status"] == "published"
    assert slugs(await client.get(PUBLIC)) == ["lyle-goldstein"]
    profile = await client.get(f"{PUBLIC}/{expert['slug']}")
    assert profile.status_code == 200
    assert profile.json()["topics"] == [{"slug": "china", "name": "China"}]


async def test_publishing_with_a_future_time_schedules(client: AsyncClient, editor, world):
    at = utcnow() + timedelta(hours=1)

    expert = await _create(client, editor, status="published", published_at=at.isoformat())

    assert expert["status"] == "scheduled"
    assert (await client.get(f"{PUBLIC}/{expert['slug']}")).status_code == 404


async def test_publishing_a_draft_makes_it_public_and_is_audited(
    client: AsyncClient, session: AsyncSession, editor, world
):
    expert = await _create(client, editor)

    published = await _patch(client, editor, expert["id"], {"status": "published"})

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert (await client.get(f"{PUBLIC}/{expert['slug']}")).status_code == 200
    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "expert", AuditEntry.resource_id == expert["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "update", "publish"]


async def test_admin_list_shows_every_status_and_filters_by_it(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_expert(session, given_name="Live", family_name="A")
    await make_expert(session, given_name="Draft", family_name="B", status="draft")
    await make_expert(session, given_name="Later", family_name="C", status="scheduled")
    await make_expert(
        session,
        given_name="Went",
        family_name="D",
        status="scheduled",
        published_at=utcnow() - timedelta(minutes=1),
    )

    everything = await client.get(ADMIN, headers=editor)
    published = await client.get(ADMIN, params={"status": "published"}, headers=editor)
    either = await client.get(
        ADMIN, params=[("status", "draft"), ("status", "scheduled")], headers=editor
    )

    assert slugs(everything) == ["live-a", "draft-b", "later-c", "went-d"]
    assert slugs(published) == ["live-a", "went-d"]
    assert {e["status"] for e in published.json()["data"]} == {"published"}
    assert slugs(either) == ["draft-b", "later-c"]


async def test_admin_list_takes_the_public_filters(
    client: AsyncClient, session: AsyncSession, editor
):
    china = await make_topic(session, name="China")
    await make_expert(session, given_name="Ann", family_name="Asia", topics=[china], status="draft")
    await make_expert(session, given_name="Bob", family_name="Else")

    response = await client.get(ADMIN, params={"topic": "china"}, headers=editor)

    assert slugs(response) == ["ann-asia"]


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, editor, world):
    expert = await _create(client, editor, title="Fellow", topics=["china"], bio="<p>Bio</p>")

    response = await _patch(client, editor, expert["id"], {"title": "Senior Fellow"})

    assert response.status_code == 200
    changed = response.json()
    assert changed["title"] == "Senior Fellow"
    assert changed["bio"] == "<p>Bio</p>"
    assert [t["slug"] for t in changed["topics"]] == ["china"]
    assert changed["version"] > expert["version"]
    assert response.headers["etag"] == f'"{expert["id"]}-{changed["version"]}"'


async def test_patch_without_if_match_is_428(client: AsyncClient, editor, world):
    expert = await _create(client, editor)

    response = await client.patch(f"{ADMIN}/{expert['id']}", json={"title": "x"}, headers=editor)

    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"


async def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: AsyncClient, editor, world
):
    expert = await _create(client, editor, title="Fellow")
    url = f"{ADMIN}/{expert['id']}"
    stale = (await client.get(url, headers=editor)).headers["etag"]
    assert (await _patch(client, editor, expert["id"], {"title": "First"})).status_code == 200

    response = await client.patch(
        url, json={"title": "Second"}, headers={**editor, "If-Match": stale}
    )

    assert response.status_code == 412
    assert (await client.get(url, headers=editor)).json()["title"] == "First"


async def test_delete_answers_204_then_404(
    client: AsyncClient, session: AsyncSession, editor, world
):
    expert = await _create(client, editor, status="published")
    url = f"{ADMIN}/{expert['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404
    assert (await client.get(f"{PUBLIC}/{expert['slug']}")).status_code == 404
    assert await _count(session) == 0


async def test_delete_without_if_match_is_428(client: AsyncClient, editor, world):
    expert = await _create(client, editor)

    response = await client.delete(f"{ADMIN}/{expert['id']}", headers=editor)

    assert response.status_code == 428


async def test_a_renamed_expert_redirects_from_the_old_slug(client: AsyncClient, editor, world):
    expert = await _create(client, editor, status="published")

    renamed = await _patch(client, editor, expert["id"], {"slug": "lyle-j-goldstein"})

    assert renamed.status_code == 200
    assert renamed.json()["slug"] == "lyle-j-goldstein"
    moved = await client.get(f"{PUBLIC}/lyle-goldstein")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"{PUBLIC}/lyle-j-goldstein")
    assert (await client.get(moved.headers["location"])).json()["name"] == "Lyle Goldstein"


async def test_an_old_slug_of_a_draft_does_not_redirect(client: AsyncClient, editor, world):
    expert = await _create(client, editor)

    await _patch(client, editor, expert["id"], {"slug": "someone-else"})

    assert (await client.get(f"{PUBLIC}/lyle-goldstein")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name": "   ", "family_name": "Goldstein"}, "given_name"),
        ({"given_name": "Lyle"}, "family_name"),
        ({"given_name": "Lyle", "family_name": "G", "slug": "Bad Slug!"}, "slug"),
        ({"given_name": "Lyle", "family_name": "G", "topics": ["atlantis"]}, "topics"),
        ({"given_name": "Lyle", "family_name": "G", "programs": ["nowhere"]}, "programs"),
        ({"given_name": "Lyle", "family_name": "G", "photo_url": "not a url"}, "photo_url"),
        (
            {"given_name": "L", "family_name": "G", "links": [{"label": "x", "url": "ftp://x"}]},
            "links.0.url",
        ),
        ({"given_name": "Lyle", "family_name": "G", "email": "nobody"}, "email"),
        ({"given_name": "Lyle", "family_name": "G", "colour": "red"}, "colour"),
        ({"given_name": "Lyle", "family_name": "G", "status": "scheduled"}, "published_at"),
        ({"given_name": "Lyle", "family_name": "G", "published_at": "soon"}, "published_at"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: AsyncClient, session: AsyncSession, editor, world, body, field
):
    response = await client.post(ADMIN, json=body, headers=editor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _count(session) == 0


async def test_patch_cannot_blank_a_name(client: AsyncClient, editor, world):
    expert = await _create(client, editor)

    response = await _patch(client, editor, expert["id"], {"family_name": None})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["family_name"]
    assert (await client.get(f"{ADMIN}/{expert['id']}", headers=editor)).json()["name"] == (
        "Lyle Goldstein"
    )


async def test_a_taken_slug_is_409(client: AsyncClient, session: AsyncSession, editor, world):
    await _create(client, editor)

    response = await client.post(
        ADMIN,
        json={"given_name": "Other", "family_name": "Person", "slug": "lyle-goldstein"},
        headers=editor,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert await _count(session) == 1


async def test_a_renamed_slug_that_is_taken_is_409(client: AsyncClient, editor, world):
    await _create(client, editor)
    other = await _create(client, editor, given_name="Daniel", family_name="DePetris")

    response = await _patch(client, editor, other["id"], {"slug": "lyle-goldstein"})

    assert response.status_code == 409


async def test_a_name_slug_that_is_taken_gets_a_suffix(client: AsyncClient, editor, world):
    await _create(client, editor)

    assert (await _create(client, editor))["slug"] == "lyle-goldstein-2"


async def test_idempotency_key_replays_the_first_answer(
    client: AsyncClient, session: AsyncSession, editor, world
):
    headers = {**editor, "Idempotency-Key": "expert-1"}
    body = {"given_name": "Only", "family_name": "Once"}

    first = await client.post(ADMIN, json=body, headers=headers)
    retry = await client.post(ADMIN, json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert await _count(session) == 1


async def test_revisions_list_and_restore(client: AsyncClient, editor, world):
    expert = await _create(client, editor, title="Fellow", topics=["china"])
    url = f"{ADMIN}/{expert['id']}"
    await _patch(client, editor, expert["id"], {"title": "Senior Fellow", "topics": ["russia"]})
    changed = await _patch(client, editor, expert["id"], {"status": "published"})

    history = await client.get(f"{url}/revisions", headers=editor)
    numbers = [r["number"] for r in history.json()["data"]]
    restored = await client.post(
        f"{url}/revisions/{numbers[-1]}/restore",
        headers={**editor, "If-Match": changed.headers["etag"]},
    )

    assert history.status_code == 200
    assert numbers == sorted(numbers, reverse=True)
    assert len(numbers) == 2
    assert history.json()["data"][-1]["data"]["title"] == "Fellow"
    assert restored.status_code == 200
    assert restored.json()["title"] == "Fellow"
    assert restored.json()["status"] == "draft"
    assert [t["slug"] for t in restored.json()["topics"]] == ["china"]
    assert restored.headers["etag"] == f'"{expert["id"]}-{restored.json()["version"]}"'
    assert (await client.get(f"{PUBLIC}/{expert['slug']}")).status_code == 404


async def test_restore_needs_if_match(client: AsyncClient, editor, world):
    expert = await _create(client, editor)
    await _patch(client, editor, expert["id"], {"title": "Fellow"})

    response = await client.post(f"{ADMIN}/{expert['id']}/revisions/1/restore", headers=editor)

    assert response.status_code == 428


async def test_restoring_an_unknown_revision_is_404(client: AsyncClient, editor, world):
    expert = await _create(client, editor)
    etag = (await client.get(f"{ADMIN}/{expert['id']}", headers=editor)).headers["etag"]

    response = await client.post(
        f"{ADMIN}/{expert['id']}/revisions/99/restore", headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 404


def _routes(expert_id: int) -> list[tuple[str, str, dict | None]]:
    one = f"{ADMIN}/{expert_id}"
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, {"given_name": "New", "family_name": "Person"}),
        ("GET", one, None),
        ("PATCH", one, {"title": "x"}),
        ("DELETE", one, None),
        ("GET", f"{one}/revisions", None),
        ("POST", f"{one}/revisions/1/restore", None),
    ]


async def test_an_author_is_refused_every_route(
    client: AsyncClient, session: AsyncSession, sign_in
):
    expert = await make_expert(session, status="draft")
    author = sign_in(await make_user(session, role="author"))
    headers = {**author, "If-Match": "*"}

    for method, url, body in _routes(expert.id):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url)
    assert await _count(session) == 1


async def test_anonymous_is_refused_every_route(client: AsyncClient, session: AsyncSession):
    expert = await make_expert(session, status="draft")

    for method, url, body in _routes(expert.id):
        response = await client.request(method, url, json=body, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, url)
