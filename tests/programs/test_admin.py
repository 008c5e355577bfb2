"""The admin programs API: director and members by slug, validation and safety nets."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import AuditEntry
from app.programs.models import Program
from tests.factories import make_expert, make_program, make_user
from tests.helpers import slugs

ADMIN = "/api/v1/admin/programs"
PUBLIC = "/api/v1/programs"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


@pytest.fixture
async def world(session: AsyncSession) -> None:
    await make_expert(session, given_name="Lyle", family_name="Goldstein")
    await make_expert(session, given_name="Daniel", family_name="DePetris")
    await make_expert(session, given_name="Drafty", family_name="Draft", status="draft")


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    response = await client.post(ADMIN, json={"name": "Asia Program", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _patch(client: AsyncClient, headers: dict, program_id: int, body: dict):
    url = f"{ADMIN}/{program_id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.patch(url, json=body, headers={**headers, "If-Match": etag})


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Program)) or 0


async def test_create_answers_201_with_location_etag_and_the_program(
    client: AsyncClient, editor, world
):
    response = await client.post(
        ADMIN,
        json={
            "name": "Asia Program",
            "description": "Restraint in Asia.",
            "director": "lyle-goldstein",
            "members": ["lyle-goldstein", "drafty-draft", "daniel-depetris"],
        },
        headers=editor,
    )

    assert response.status_code == 201
    program = response.json()
    assert program["slug"] == "asia-program"
    assert program["director"]["slug"] == "lyle-goldstein"
    assert [m["slug"] for m in program["members"]] == [
        "daniel-depetris",
        "drafty-draft",
        "lyle-goldstein",
    ]
    assert response.headers["location"].endswith(f"{ADMIN}/{program['id']}")
    assert response.headers["etag"] == f'"{program["id"]}-{program["version"]}"'
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == program


async def test_a_new_program_is_public_with_its_public_members_only(
    client: AsyncClient, editor, world
):
    await _create(
        client, editor, director="drafty-draft", members=["lyle-goldstein", "drafty-draft"]
    )

    listed = await client.get(PUBLIC)
    detail = await client.get(f"{PUBLIC}/asia-program")

    assert slugs(listed) == ["asia-program"]
    assert detail.json()["director"] is None
    assert [m["slug"] for m in detail.json()["members"]] == ["lyle-goldstein"]


async def test_admin_list_shows_a_draft_director(
    client: AsyncClient, session: AsyncSession, editor
):
    hidden = await make_expert(session, given_name="Drafty", family_name="Draft", status="draft")
    await make_program(session, name="Asia Program", director=hidden)

    response = await client.get(ADMIN, headers=editor)

    assert slugs(response) == ["asia-program"]
    assert response.json()["data"][0]["director"]["slug"] == "drafty-draft"


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, editor, world):
    program = await _create(client, editor, director="lyle-goldstein", members=["lyle-goldstein"])

    response = await _patch(client, editor, program["id"], {"members": ["daniel-depetris"]})

    assert response.status_code == 200
    changed = response.json()
    assert [m["slug"] for m in changed["members"]] == ["daniel-depetris"]
    assert changed["director"]["slug"] == "lyle-goldstein"
    assert changed["version"] > program["version"]
    assert response.headers["etag"] == f'"{program["id"]}-{changed["version"]}"'
    public = (await client.get(f"{PUBLIC}/asia-program")).json()
    assert [m["slug"] for m in public["members"]] == ["daniel-depetris"]


async def test_a_null_director_removes_the_director(client: AsyncClient, editor, world):
    program = await _create(client, editor, director="lyle-goldstein")

    response = await _patch(client, editor, program["id"], {"director": None})

    assert response.json()["director"] is None


async def test_patch_without_if_match_is_428(client: AsyncClient, editor, world):
    program = await _create(client, editor)

    response = await client.patch(f"{ADMIN}/{program['id']}", json={"name": "x"}, headers=editor)

    assert response.status_code == 428


async def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: AsyncClient, editor, world
):
    program = await _create(client, editor)
    url = f"{ADMIN}/{program['id']}"
    stale = (await client.get(url, headers=editor)).headers["etag"]
    assert (await _patch(client, editor, program["id"], {"name": "First"})).status_code == 200

    response = await client.patch(
        url, json={"name": "Second"}, headers={**editor, "If-Match": stale}
    )

    assert response.status_code == 412
    assert (await client.get(url, headers=editor)).json()["name"] == "First"


async def test_delete_answers_204_then_404(
    client: AsyncClient, session: AsyncSession, editor, world
):
    program = await _create(client, editor)
    url = f"{ADMIN}/{program['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404
    assert (await client.get(f"{PUBLIC}/asia-program")).status_code == 404


async def test_delete_of_a_program_with_members_is_409_and_keeps_them(
    client: AsyncClient, editor, world
):
    program = await _create(client, editor, members=["lyle-goldstein"])
    url = f"{ADMIN}/{program['id']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 409
    assert "1 expert (lyle-goldstein)" in response.json()["detail"]
    programs = (await client.get("/api/v1/experts/lyle-goldstein")).json()["programs"]
    assert [p["slug"] for p in programs] == ["asia-program"]


async def test_delete_without_if_match_is_428(client: AsyncClient, editor, world):
    program = await _create(client, editor)

    assert (await client.delete(f"{ADMIN}/{program['id']}", headers=editor)).status_code == 428


async def test_a_renamed_program_redirects_from_the_old_slug(client: AsyncClient, editor, world):
    program = await _create(client, editor)

    renamed = await _patch(client, editor, program["id"], {"slug": "asia-engagement"})

    assert renamed.status_code == 200
    moved = await client.get(f"{PUBLIC}/asia-program")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"{PUBLIC}/asia-engagement")
    assert (await client.get(moved.headers["location"])).json()["name"] == "Asia Program"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({}, "name"),
        ({"name": "P", "slug": "Bad Slug!"}, "slug"),
        ({"name": "P", "director": "nobody"}, "director"),
        ({"name": "P", "members": ["lyle-goldstein", "nobody"]}, "members"),
        ({"name": "P", "position": "first"}, "position"),
        ({"name": "P", "colour": "red"}, "colour"),
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


async def test_a_bad_patch_writes_nothing(client: AsyncClient, editor, world):
    program = await _create(client, editor, members=["lyle-goldstein"])

    response = await _patch(
        client, editor, program["id"], {"name": "Renamed", "members": ["nobody"]}
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["members"]
    unchanged = (await client.get(f"{ADMIN}/{program['id']}", headers=editor)).json()
    assert unchanged == program


async def test_a_taken_slug_is_409(client: AsyncClient, session: AsyncSession, editor, world):
    await _create(client, editor)

    response = await client.post(
        ADMIN, json={"name": "Other", "slug": "asia-program"}, headers=editor
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert await _count(session) == 1


async def test_idempotency_key_replays_the_first_answer(
    client: AsyncClient, session: AsyncSession, editor, world
):
    headers = {**editor, "Idempotency-Key": "program-1"}
    body = {"name": "Only once", "members": ["lyle-goldstein"]}

    first = await client.post(ADMIN, json=body, headers=headers)
    retry = await client.post(ADMIN, json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert await _count(session) == 1


async def test_every_change_is_audited(client: AsyncClient, session: AsyncSession, editor, world):
    program = await _create(client, editor)
    await _patch(client, editor, program["id"], {"description": "New."})
    etag = (await client.get(f"{ADMIN}/{program['id']}", headers=editor)).headers["etag"]
    await client.delete(f"{ADMIN}/{program['id']}", headers={**editor, "If-Match": etag})

    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "program", AuditEntry.resource_id == program["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "update", "delete"]


def _routes(program_id: int) -> list[tuple[str, str, dict | None]]:
    one = f"{ADMIN}/{program_id}"
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, {"name": "New"}),
        ("GET", one, None),
        ("PATCH", one, {"name": "x"}),
        ("DELETE", one, None),
    ]


async def test_an_author_is_refused_every_route(
    client: AsyncClient, session: AsyncSession, sign_in
):
    program = await make_program(session, name="Asia Program")
    author = sign_in(await make_user(session, role="author"))

    for method, url, body in _routes(program.id):
        response = await client.request(method, url, json=body, headers={**author, "If-Match": "*"})
        assert response.status_code == 403, (method, url)
    assert await _count(session) == 1


async def test_anonymous_is_refused_every_route(client: AsyncClient, session: AsyncSession):
    program = await make_program(session, name="Asia Program")

    for method, url, body in _routes(program.id):
        response = await client.request(method, url, json=body, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, url)
