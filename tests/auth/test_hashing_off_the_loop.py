"""Argon2 runs in a worker thread: while one sign-in is hashing, other requests are served."""

import asyncio
import threading

from anyio import to_thread
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords
from tests.factories import DEFAULT_PASSWORD, make_user

WAIT = 10  # seconds; reached only when the fix is missing (the loop itself is held)


async def test_other_requests_are_answered_while_a_sign_in_verifies_its_password(
    client: AsyncClient, session: AsyncSession, monkeypatch
):
    await make_user(session, email="ed@example.org")
    entered, release = threading.Event(), threading.Event()
    released: list[bool] = []
    verify = passwords.verify_password

    def held_verify(password: str, password_hash: str | None) -> bool:
        # Holds until the test, running on the event loop, lets it go. Were this on the
        # loop, the test could never run to let it go: the wait would time out.
        entered.set()
        released.append(release.wait(WAIT))
        return verify(password, password_hash)

    monkeypatch.setattr(passwords, "verify_password", held_verify)
    sign_in = asyncio.create_task(
        client.post(
            "/api/v1/admin/auth/token",
            data={"username": "ed@example.org", "password": DEFAULT_PASSWORD},
        )
    )
    await to_thread.run_sync(entered.wait, WAIT)

    meanwhile = await client.get("/healthz")
    release.set()

    assert meanwhile.status_code == 200
    assert (await sign_in).status_code == 200
    assert released == [True]
