"""Signing in, refreshing, signing out and throttling, through the real endpoints."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = "/api/v1/admin/auth/token"


async def _login(client: AsyncClient, email: str, password: str = DEFAULT_PASSWORD, **kw):
    return await client.post(TOKEN, data={"username": email, "password": password}, **kw)


async def test_password_flow_gives_tokens_that_work(client: AsyncClient, session: AsyncSession):
    user = await make_user(session, role="editor", email="ed@example.org")

    response = await _login(client, "ED@example.org")

    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert 0 < tokens["expires_in"] <= 15 * 60
    me = await client.get(
        "/api/v1/admin/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == user.id
    assert "password" not in me.text
    assert "hash" not in me.text


@pytest.mark.parametrize(
    ("email", "password"),
    [("ed@example.org", "wrong password"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
async def test_failed_login_never_says_whether_the_account_exists(
    client: AsyncClient, session: AsyncSession, email: str, password: str
):
    await make_user(session, email="ed@example.org")

    response = await _login(client, email, password)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "The email or password is wrong, or the account is disabled."
    )


async def test_disabled_account_cannot_sign_in(client: AsyncClient, session: AsyncSession):
    await make_user(session, email="gone@example.org", is_active=False)
    assert (await _login(client, "gone@example.org")).status_code == 401


async def test_disabled_account_token_stops_working(
    client: AsyncClient, session: AsyncSession, sign_in
):
    user = await make_user(session)
    headers = sign_in(user)
    user.is_active = False
    await session.flush()

    assert (await client.get("/api/v1/admin/auth/me", headers=headers)).status_code == 401


async def test_failures_are_throttled_per_account(
    client: AsyncClient, session: AsyncSession, settings: Settings
):
    await make_user(session, email="ed@example.org")
    for _ in range(settings.login_failures_per_account):
        assert (await _login(client, "ed@example.org", "nope")).status_code == 401

    locked = await _login(client, "ed@example.org")  # even the right password now

    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= settings.login_failure_window_minutes * 60
    assert locked.headers["content-type"] == "application/problem+json"


async def test_failures_are_throttled_per_client_address(
    client: AsyncClient, session: AsyncSession, settings: Settings
):
    await make_user(session, email="ed@example.org")
    for n in range(settings.login_failures_per_client):
        await _login(client, f"guess{n}@example.org", "nope")

    assert (await _login(client, "ed@example.org")).status_code == 429


async def test_refresh_rotates_and_a_reused_token_revokes_the_family(
    client: AsyncClient, session: AsyncSession
):
    await make_user(session, email="ed@example.org")
    first = (await _login(client, "ed@example.org")).json()["refresh_token"]

    rotated = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first

    reused = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    # The reuse looked like theft: the token rotated from it is dead too.
    after = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": second})
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(client: AsyncClient, session: AsyncSession):
    await make_user(session, email="ed@example.org")
    refresh = (await _login(client, "ed@example.org")).json()["refresh_token"]

    out = await client.post("/api/v1/admin/auth/logout", json={"refresh_token": refresh})

    assert out.status_code == 204
    again = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401


async def test_admin_routes_need_a_token(client: AsyncClient):
    response = await client.get("/api/v1/admin/articles")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_forged_token_is_refused(client: AsyncClient):
    response = await client.get(
        "/api/v1/admin/articles", headers={"Authorization": "Bearer not.a.jwt"}
    )
    assert response.status_code == 401


async def test_swagger_ui_authorize_uses_the_password_flow(client: AsyncClient):
    spec = (await client.get("/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"]["EditorSignIn"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == TOKEN
