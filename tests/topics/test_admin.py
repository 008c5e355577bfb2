"""The admin topics API: the topic tree, validation and safety nets."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import AuditEntry
from app.topics.models import Topic
from tests.factories import make_topic, make_user
from tests.helpers import slugs

ADMIN = "/api/v1/admin/topics"
PUBLIC = "/api/v1/topics"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


@pytest.fixture
async def asia(session: AsyncSession) -> Topic:
    return await make_topic(session, name="Asia")


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    response = await client.post(ADMIN, json={"name": "China", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _patch(client: AsyncClient, headers: dict, topic_id: int, body: dict):
    url = f"{ADMIN}/{topic_id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.patch(url, json=body, headers={**headers, "If-Match": etag})


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Topic)) or 0


async def test_create_answers_201_with_location_etag_and_the_topic(
    client: AsyncClient, editor, asia
):
    response = await client.post(
        ADMIN,
        json={"name": "China", "parent": "asia", "featured": True, "description": "Beijing."},
        headers=editor,
    )

    assert response.status_code == 201
    topic = response.json()
    assert topic["slug"] == "china"
    assert topic["parent"] == {"slug": "asia", "name": "Asia"}
    assert topic["featured"] is True
    assert topic["description"] == "Beijing."
    assert topic["children"] == []
    assert response.headers["location"].endswith(f"{ADMIN}/{topic['id']}")
    assert response.headers["etag"] == f'"{topic["id"]}-{topic["version"]}"'
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == topic


async def test_a_new_topic_appears_in_the_public_list(client: AsyncClient, editor, asia):
    await _create(client, editor, parent="asia")

    response = await client.get(PUBLIC)

    assert slugs(response) == ["asia", "china"]
    assert response.json()["data"][1]["parent"]["slug"] == "asia"
    detail = await client.get(f"{PUBLIC}/asia")
    assert detail.json()["children"] == [{"slug": "china", "name": "China"}]


async def test_admin_list_takes_the_public_filters(
    client: AsyncClient, session: AsyncSession, editor, asia
):
    await make_topic(session, name="China", parent=asia, featured=True)
    await make_topic(session, name="Taiwan", parent=asia)

    children = await client.get(ADMIN, params={"parent": "asia"}, headers=editor)
    featured = await client.get(ADMIN, params={"featured": "true"}, headers=editor)

    assert slugs(children) == ["china", "taiwan"]
    assert slugs(featured) == ["china"]
    assert {"id", "version", "position"} <= set(children.json()["data"][0])


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, editor, asia):
    topic = await _create(client, editor, parent="asia", description="Beijing.")

    response = await _patch(client, editor, topic["id"], {"featured": True})

    assert response.status_code == 200
    changed = response.json()
    assert changed["featured"] is True
    assert changed["description"] == "Beijing."
    assert changed["parent"]["slug"] == "asia"
    assert changed["version"] > topic["version"]
    assert response.headers["etag"] == f'"{topic["id"]}-{changed["version"]}"'


async def test_a_null_parent_makes_it_top_level(client: AsyncClient, editor, asia):
    topic = await _create(client, editor, parent="asia")

    response = await _patch(client, editor, topic["id"], {"parent": None})

    assert response.json()["parent"] is None
    assert (await client.get(f"{PUBLIC}/asia")).json()["children"] == []


async def test_patch_without_if_match_is_428(client: AsyncClient, editor, asia):
    response = await client.patch(f"{ADMIN}/{asia.id}", json={"name": "x"}, headers=editor)

    assert response.status_code == 428


async def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: AsyncClient, editor, asia
):
    url = f"{ADMIN}/{asia.id}"
    stale = (await client.get(url, headers=editor)).headers["etag"]
    assert (await _patch(client, editor, asia.id, {"name": "Asia-Pacific"})).status_code == 200

    response = await client.patch(
        url, json={"name": "Orient"}, headers={**editor, "If-Match": stale}
    )

    assert response.status_code == 412
    assert (await client.get(url, headers=editor)).json()["name"] == "Asia-Pacific"


async def test_delete_answers_204_then_404(client: AsyncClient, editor, asia):
    url = f"{ADMIN}/{asia.id}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404
    assert (await client.get(f"{PUBLIC}/asia")).status_code == 404


async def test_delete_of_a_topic_with_subtopics_is_409_and_keeps_the_tree(
    client: AsyncClient, session: AsyncSession, editor, asia
):
    await make_topic(session, name="China", parent=asia)
    url = f"{ADMIN}/{asia.id}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Topic asia is used by 1 subtopic (china); remove it from them first."
    )
    assert (await client.get(f"{PUBLIC}/china")).json()["parent"]["slug"] == "asia"


async def test_delete_without_if_match_is_428(client: AsyncClient, editor, asia):
    assert (await client.delete(f"{ADMIN}/{asia.id}", headers=editor)).status_code == 428


async def test_a_renamed_topic_redirects_from_the_old_slug(client: AsyncClient, editor, asia):
    renamed = await _patch(client, editor, asia.id, {"slug": "asia-pacific"})

    assert renamed.status_code == 200
    moved = await client.get(f"{PUBLIC}/asia")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"{PUBLIC}/asia-pacific")
    assert (await client.get(moved.headers["location"])).json()["name"] == "Asia"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({}, "name"),
        ({"name": "China", "slug": "Bad Slug!"}, "slug"),
        ({"name": "China", "parent": "atlantis"}, "parent"),
        ({"name": "China", "position": -1}, "position"),
        ({"name": "China", "colour": "red"}, "colour"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: AsyncClient, session: AsyncSession, editor, asia, body, field
):
    response = await client.post(ADMIN, json=body, headers=editor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _count(session) == 1


async def test_a_topic_cannot_be_its_own_parent(client: AsyncClient, editor, asia):
    response = await _patch(client, editor, asia.id, {"parent": "asia"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["parent"]


async def test_a_topic_cannot_move_under_its_descendant(
    client: AsyncClient, session: AsyncSession, editor, asia
):
    china = await make_topic(session, name="China", parent=asia)
    await make_topic(session, name="Xinjiang", parent=china)

    response = await _patch(client, editor, asia.id, {"parent": "xinjiang", "name": "Moved"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["parent"]
    unchanged = (await client.get(f"{ADMIN}/{asia.id}", headers=editor)).json()
    assert unchanged["parent"] is None
    assert unchanged["name"] == "Asia"


async def test_patch_cannot_null_a_required_field(client: AsyncClient, editor, asia):
    response = await _patch(client, editor, asia.id, {"featured": None})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["featured"]


async def test_a_taken_slug_is_409(client: AsyncClient, session: AsyncSession, editor, asia):
    response = await client.post(ADMIN, json={"name": "Other", "slug": "asia"}, headers=editor)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert await _count(session) == 1


async def test_a_name_slug_that_is_taken_gets_a_suffix(client: AsyncClient, editor, asia):
    assert (await _create(client, editor, name="Asia"))["slug"] == "asia-2"


async def test_idempotency_key_replays_the_first_answer(
    client: AsyncClient, session: AsyncSession, editor
):
    headers = {**editor, "Idempotency-Key": "topic-1"}

    first = await client.post(ADMIN, json={"name": "Once"}, headers=headers)
    retry = await client.post(ADMIN, json={"name": "Once"}, headers=headers)
    other = await client.post(ADMIN, json={"name": "Twice"}, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert other.status_code == 422
    assert await _count(session) == 1


async def test_every_change_is_audited(client: AsyncClient, session: AsyncSession, editor, asia):
    topic = await _create(client, editor)
    await _patch(client, editor, topic["id"], {"name": "PRC"})
    etag = (await client.get(f"{ADMIN}/{topic['id']}", headers=editor)).headers["etag"]
    await client.delete(f"{ADMIN}/{topic['id']}", headers={**editor, "If-Match": etag})

    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "topic", AuditEntry.resource_id == topic["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "update", "delete"]


def _routes(topic_id: int) -> list[tuple[str, str, dict | None]]:
    one = f"{ADMIN}/{topic_id}"
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, {"name": "New"}),
        ("GET", one, None),
        ("PATCH", one, {"name": "x"}),
        ("DELETE", one, None),
    ]


async def test_an_author_is_refused_every_route(
    client: AsyncClient, session: AsyncSession, sign_in, asia
):
    author = sign_in(await make_user(session, role="author"))

    for method, url, body in _routes(asia.id):
        response = await client.request(method, url, json=body, headers={**author, "If-Match": "*"})
        assert response.status_code == 403, (method, url)
    assert await _count(session) == 1


async def test_anonymous_is_refused_every_route(client: AsyncClient, asia):
    for method, url, body in _routes(asia.id):
        response = await client.request(method, url, json=body, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, url)
