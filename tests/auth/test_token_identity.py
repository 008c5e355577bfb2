"""Tokens name one row, not an id: a deleted user's token never signs in as a later user,
and access tokens expire by the app's clock."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import Role, User
from app.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user

ME = "/api/v1/admin/auth/me"
USERS = "/api/v1/admin/users"


async def _access_token(client: AsyncClient, email: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/admin/auth/token", data={"username": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_a_deleted_users_token_does_not_sign_in_the_next_user(
    client: AsyncClient, session: AsyncSession, sign_in
):
    admin = sign_in(await make_user(session, role="admin"))
    gone = await make_user(session, role="author", email="gone@example.org")
    old_token = await _access_token(client, "gone@example.org")
    assert (await client.delete(f"{USERS}/{gone.id}", headers=admin)).status_code == 204

    created = await client.post(
        USERS,
        json={"email": "new@example.org", "password": "a long new password", "role": "admin"},
        headers=admin,
    )

    assert created.status_code == 201, created.text
    assert created.json()["id"] > gone.id  # never the deleted user's id, on SQLite too
    response = await client.get(ME, headers=old_token)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_token_dies_with_its_row_even_if_a_new_row_gets_the_id(
    client: AsyncClient, session: AsyncSession
):
    gone = await make_user(session, role="author", email="gone@example.org")
    old_token, user_id = await _access_token(client, "gone@example.org"), gone.id
    await session.delete(gone)
    await session.flush()
    # As SQLite without AUTOINCREMENT would do: the next user takes the free id.
    session.add(
        User(
            id=user_id,
            email="admin@example.org",
            display_name="Admin",
            role=Role.admin,
            password_hash="x",
        )
    )
    await session.flush()
    session.expunge_all()

    assert (await client.get(ME, headers=old_token)).status_code == 401


async def test_an_access_token_expires_when_the_clock_passes_its_lifetime(
    client: AsyncClient, session: AsyncSession, settings: Settings, clock
):
    await make_user(session, email="ed@example.org")
    headers = await _access_token(client, "ed@example.org")
    lifetime = settings.access_token_minutes * 60

    clock.advance(seconds=lifetime - 5)
    assert (await client.get(ME, headers=headers)).status_code == 200

    clock.advance(seconds=10)
    response = await client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The token is invalid, expired or revoked."


async def test_a_token_signed_after_the_clock_moved_on_works(
    client: AsyncClient, session: AsyncSession, clock
):
    await make_user(session, email="ed@example.org")
    clock.advance(hours=2)  # ahead of the wall clock: `iat` is "in the future" for PyJWT

    headers = await _access_token(client, "ed@example.org")

    assert (await client.get(ME, headers=headers)).status_code == 200
