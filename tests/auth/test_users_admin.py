"""The admin users API: accounts managed by admins, and only by them."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.editorial.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, make_expert, make_user

USERS = "/api/v1/admin/users"
TOKEN = "/api/v1/admin/auth/token"
NEW_PASSWORD = "a much longer new password"


@pytest.fixture
async def admin_user(session: AsyncSession) -> User:
    return await make_user(session, role="admin", email="root@example.org")


@pytest.fixture
def admin(admin_user: User, sign_in) -> dict[str, str]:
    return sign_in(admin_user)


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    body = {"email": "new@example.org", "password": DEFAULT_PASSWORD, "role": "editor", **fields}
    response = await client.post(USERS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _login(client: AsyncClient, email: str, password: str = DEFAULT_PASSWORD):
    return await client.post(TOKEN, data={"username": email, "password": password})


async def test_admin_creates_reads_changes_and_deletes_an_account(
    client: AsyncClient, session: AsyncSession, admin
):
    await make_expert(session, given_name="Lyle", family_name="Goldstein")
    response = await client.post(
        USERS,
        json={
            "email": " Lyle@Example.org ",
            "password": DEFAULT_PASSWORD,
            "role": "author",
            "display_name": "Lyle Goldstein",
            "expert": "lyle-goldstein",
        },
        headers=admin,
    )

    assert response.status_code == 201
    created = response.json()
    assert created["email"] == "lyle@example.org"
    assert created["role"] == "author"
    assert created["is_active"] is True
    assert created["expert"]["slug"] == "lyle-goldstein"
    assert "password" not in response.text
    assert "hash" not in response.text
    assert "etag" not in response.headers
    url = response.headers["location"]
    assert url.endswith(f"{USERS}/{created['id']}")
    assert (await client.get(url, headers=admin)).json() == created

    changed = await client.patch(
        url, json={"role": "editor", "display_name": "L. Goldstein", "expert": None}, headers=admin
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "editor"
    assert changed.json()["display_name"] == "L. Goldstein"
    assert changed.json()["expert"] is None

    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url, headers=admin)).status_code == 404


async def test_list_filters_by_role_activity_and_email(
    client: AsyncClient, session: AsyncSession, admin
):
    await make_user(session, role="editor", email="ed@press.example.org")
    await make_user(session, role="author", email="au@press.example.org", is_active=False)
    await make_user(session, role="author", email="au@other.example.org")

    async def emails(**params) -> list[str]:
        response = await client.get(USERS, params=params, headers=admin)
        assert response.status_code == 200, response.text
        return [u["email"] for u in response.json()["data"]]

    assert await emails() == [
        "au@other.example.org",
        "au@press.example.org",
        "ed@press.example.org",
        "root@example.org",
    ]
    assert await emails(role="author") == ["au@other.example.org", "au@press.example.org"]
    assert await emails(is_active="false") == ["au@press.example.org"]
    assert await emails(q="PRESS", role="author", is_active="true") == []
    assert await emails(q="press") == ["au@press.example.org", "ed@press.example.org"]


async def test_a_created_account_signs_in_and_a_deactivated_one_cannot(client: AsyncClient, admin):
    user = await _create(client, admin, email="fresh@example.org")

    assert (await _login(client, "fresh@example.org")).status_code == 200
    off = await client.patch(f"{USERS}/{user['id']}", json={"is_active": False}, headers=admin)
    assert off.json()["is_active"] is False
    assert (await _login(client, "fresh@example.org")).status_code == 401


async def test_deactivating_ends_the_sessions_already_open(client: AsyncClient, admin):
    user = await _create(client, admin, email="fresh@example.org")
    tokens = (await _login(client, "fresh@example.org")).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

    await client.patch(f"{USERS}/{user['id']}", json={"is_active": False}, headers=admin)

    assert (await client.get("/api/v1/admin/auth/me", headers=bearer)).status_code == 401
    refresh = {"refresh_token": tokens["refresh_token"]}
    assert (await client.post("/api/v1/admin/auth/refresh", json=refresh)).status_code == 401


async def test_a_new_password_revokes_refresh_tokens(client: AsyncClient, admin):
    user = await _create(client, admin, email="fresh@example.org")
    refresh = (await _login(client, "fresh@example.org")).json()["refresh_token"]

    changed = await client.patch(
        f"{USERS}/{user['id']}", json={"password": NEW_PASSWORD}, headers=admin
    )

    assert changed.status_code == 200
    assert "password" not in changed.text
    again = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401
    assert (await _login(client, "fresh@example.org")).status_code == 401
    assert (await _login(client, "fresh@example.org", NEW_PASSWORD)).status_code == 200


async def test_a_taken_email_is_409_naming_it(client: AsyncClient, session: AsyncSession, admin):
    await make_user(session, email="taken@example.org")

    response = await client.post(
        USERS,
        json={"email": "TAKEN@example.org", "password": DEFAULT_PASSWORD, "role": "author"},
        headers=admin,
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "taken@example.org" in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "no-at-sign.example.org"}, "email"),
        ({"email": "two@at@example.org"}, "email"),
        ({"email": "nodot@localhost"}, "email"),
        ({"email": "spa ce@example.org"}, "email"),
        ({"email": "@example.org"}, "email"),
        ({"password": "too short"}, "password"),
        ({"role": "owner"}, "role"),
        ({"expert": "nobody"}, "expert"),
        ({"is_admin": True}, "is_admin"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_creates_nothing(
    client: AsyncClient, session: AsyncSession, admin, fields: dict, field: str
):
    body = {"email": "new@example.org", "password": DEFAULT_PASSWORD, "role": "author", **fields}

    response = await client.post(USERS, json=body, headers=admin)

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert "too short" not in response.text  # a password is never echoed
    assert await session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("PATCH", {"is_active": False}),
        ("PATCH", {"role": "editor"}),
        ("DELETE", None),
    ],
)
async def test_an_admin_cannot_lock_themselves_out(
    client: AsyncClient, admin_user: User, admin, method: str, body: dict | None
):
    url = f"{USERS}/{admin_user.id}"

    response = await client.request(method, url, json=body, headers=admin)

    assert response.status_code == 409
    assert "another admin" in response.json()["detail"]
    me = (await client.get(url, headers=admin)).json()
    assert (me["role"], me["is_active"]) == ("admin", True)


async def test_an_admin_may_change_their_own_name_and_password(
    client: AsyncClient, admin_user: User, admin
):
    response = await client.patch(
        f"{USERS}/{admin_user.id}",
        json={"display_name": "Root", "password": NEW_PASSWORD, "role": "admin"},
        headers=admin,
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Root"


async def test_idempotency_key_replays_the_first_answer(
    client: AsyncClient, session: AsyncSession, admin
):
    headers = {**admin, "Idempotency-Key": "user-1"}
    body = {"email": "once@example.org", "password": DEFAULT_PASSWORD, "role": "author"}

    first = await client.post(USERS, json=body, headers=headers)
    retry = await client.post(USERS, json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["idempotent-replayed"] == "true"
    count = select(func.count()).select_from(User).where(User.email == "once@example.org")
    assert await session.scalar(count) == 1


async def test_every_write_is_audited_without_the_password(
    client: AsyncClient, session: AsyncSession, admin_user: User, admin
):
    user = await _create(client, admin)
    url = f"{USERS}/{user['id']}"
    await client.patch(url, json={"password": NEW_PASSWORD}, headers=admin)
    await client.delete(url, headers=admin)

    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.resource == "user", AuditEntry.resource_id == user["id"])
            .order_by(AuditEntry.id)
        )
    )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert {e.user_id for e in entries} == {admin_user.id}
    assert entries[1].detail == {"fields": ["password"]}
    assert all(DEFAULT_PASSWORD not in str(e.detail) for e in entries)
    assert all(NEW_PASSWORD not in str(e.detail) for e in entries)


def _routes(user_id: int) -> list[tuple[str, str, dict | None]]:
    body = {"email": "x@example.org", "password": DEFAULT_PASSWORD, "role": "author"}
    return [
        ("GET", USERS, None),
        ("POST", USERS, body),
        ("GET", f"{USERS}/{user_id}", None),
        ("PATCH", f"{USERS}/{user_id}", {"display_name": "Hacked"}),
        ("DELETE", f"{USERS}/{user_id}", None),
        ("GET", "/api/v1/admin/audit", None),
    ]


@pytest.mark.parametrize("role", ["editor", "author"])
async def test_editors_and_authors_get_403_on_every_users_and_audit_route(
    client: AsyncClient, session: AsyncSession, admin_user: User, sign_in, role: str
):
    headers = sign_in(await make_user(session, role=role))

    answers = {
        f"{method} {url}": (await client.request(method, url, json=body, headers=headers))
        for method, url, body in _routes(admin_user.id)
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)
    assert await session.scalar(select(func.count()).select_from(User)) == 2


async def test_anonymous_gets_401_on_every_users_and_audit_route(
    client: AsyncClient, admin_user: User
):
    answers = {
        f"{method} {url}": (await client.request(method, url, json=body)).status_code
        for method, url, body in _routes(admin_user.id)
    }

    assert answers == dict.fromkeys(answers, 401)
