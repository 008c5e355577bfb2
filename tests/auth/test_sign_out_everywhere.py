"""A new password, a deactivation or a new role ends the access tokens already issued at
once (401), not when their 15 minutes run out; other changes leave them working."""

from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service
from app.config import Settings
from app.main import create_app
from tests.auth.test_cli_users import _pressroom
from tests.factories import DEFAULT_PASSWORD, make_user

USERS = "/api/v1/admin/users"
ME = "/api/v1/admin/auth/me"
NEW_PASSWORD = "a much longer new password"


async def _bearer(client: AsyncClient, email: str) -> dict[str, str]:
    """Headers with an access token got by signing in, as a client would."""
    response = await client.post(
        "/api/v1/admin/auth/token", data={"username": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def admin(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="admin"))


@pytest.mark.parametrize(
    "change",
    [
        [{"password": NEW_PASSWORD}],
        [{"role": "author"}],
        [{"is_active": False}, {"is_active": True}],  # reactivated: the old token stays dead
    ],
    ids=["password", "role", "deactivation"],
)
async def test_an_admin_change_ends_the_access_tokens_already_issued(
    client: AsyncClient, session: AsyncSession, admin, change: list[dict]
):
    user = await make_user(session, role="editor", email="ed@example.org")
    bearer = await _bearer(client, "ed@example.org")
    assert (await client.get(ME, headers=bearer)).status_code == 200

    for body in change:
        response = await client.patch(f"{USERS}/{user.id}", json=body, headers=admin)
        assert response.status_code == 200, response.text

    refused = await client.get(ME, headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/invalid-token")


@pytest.mark.parametrize("body", [{"display_name": "Ed"}, {"role": "editor"}, {"is_active": True}])
async def test_other_changes_leave_the_access_tokens_working(
    client: AsyncClient, session: AsyncSession, admin, body: dict
):
    user = await make_user(session, role="editor", email="ed@example.org")
    bearer = await _bearer(client, "ed@example.org")

    response = await client.patch(f"{USERS}/{user.id}", json=body, headers=admin)

    assert response.status_code == 200, response.text
    assert (await client.get(ME, headers=bearer)).status_code == 200


@pytest.fixture
async def scratch_api(scratch_url: str, settings: Settings):
    """The app on the scratch database the `pressroom` command writes to."""
    app = create_app(settings.model_copy(update={"database_url": scratch_url}))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield client


async def test_cli_set_password_and_deactivate_end_the_access_tokens_already_issued(
    scratch_api: AsyncClient, scratch_sessions, scratch_url: str, tmp_path: Path, sign_in
):
    async with scratch_sessions() as session:
        admin = sign_in(await make_user(session, role="admin"))
        user = await make_user(session, email="cli@example.org")
        await session.commit()

    def pressroom(*args: str) -> None:
        done = _pressroom(tmp_path, scratch_url, "users", *args, "--email", "cli@example.org")
        assert done.returncode == 0, done.stderr

    bearer = await _bearer(scratch_api, "cli@example.org")
    pressroom("set-password", "--password", DEFAULT_PASSWORD)  # even the same password
    assert (await scratch_api.get(ME, headers=bearer)).status_code == 401

    bearer = await _bearer(scratch_api, "cli@example.org")
    pressroom("deactivate")
    reactivated = await scratch_api.patch(
        f"{USERS}/{user.id}", json={"is_active": True}, headers=admin
    )
    assert reactivated.status_code == 200, reactivated.text
    assert (await scratch_api.get(ME, headers=bearer)).status_code == 401


async def test_set_password_ends_the_access_tokens_already_issued(
    client: AsyncClient, session: AsyncSession
):
    user = await make_user(session, email="ed@example.org")
    bearer = await _bearer(client, "ed@example.org")

    await service.set_password(session, user=user, password=NEW_PASSWORD)
    await session.flush()

    assert (await client.get(ME, headers=bearer)).status_code == 401
