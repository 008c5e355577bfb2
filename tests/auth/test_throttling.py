"""Failed sign-ins are throttled per (account, address) and per address: nobody can lock
someone else out by failing from elsewhere."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = "/api/v1/admin/auth/token"
ATTACKER = {"X-Forwarded-For": "203.0.113.7"}  # the test client is a trusted proxy


async def _login(client: AsyncClient, password: str, headers: dict | None = None):
    data = {"username": "ed@example.org", "password": password}
    return await client.post(TOKEN, data=data, headers=headers or {})


async def test_failures_from_elsewhere_do_not_lock_the_owner_out(
    client: AsyncClient, session: AsyncSession, settings: Settings
):
    await make_user(session, email="ed@example.org")
    for _ in range(settings.login_failures_per_account):
        assert (await _login(client, "guess", ATTACKER)).status_code == 401

    owner = await _login(client, DEFAULT_PASSWORD)
    attacker = await _login(client, DEFAULT_PASSWORD, ATTACKER)

    assert owner.status_code == 200
    assert attacker.status_code == 429  # the failing address is still throttled
    assert attacker.headers["content-type"] == "application/problem+json"


async def test_the_throttle_lifts_when_the_window_passes(
    client: AsyncClient, session: AsyncSession, settings: Settings, clock
):
    await make_user(session, email="ed@example.org")
    for _ in range(settings.login_failures_per_account):
        await _login(client, "guess", ATTACKER)
    locked = await _login(client, DEFAULT_PASSWORD, ATTACKER)
    assert locked.status_code == 429

    clock.advance(seconds=int(locked.headers["retry-after"]) + 1)

    assert (await _login(client, DEFAULT_PASSWORD, ATTACKER)).status_code == 200
