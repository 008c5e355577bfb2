"""Two admins creating one email at the same moment, on separate connections to a committed
scratch database: one account, and the loser gets the 409 a later duplicate gets (not 500)."""

import asyncio

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from tests.factories import DEFAULT_PASSWORD, make_user

USERS = "/api/v1/admin/users"


async def test_parallel_creates_of_one_email_give_one_account_and_the_usual_409(
    scratch_api: AsyncClient, scratch_sessions: async_sessionmaker[AsyncSession], sign_in
):
    async with scratch_sessions() as session:
        admin = sign_in(await make_user(session, role="admin"))
        await session.commit()
    body = {"email": "twice@example.org", "password": DEFAULT_PASSWORD, "role": "author"}

    answers = await asyncio.gather(
        *(scratch_api.post(USERS, json=body, headers=admin) for _ in range(2))
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    [loser] = [a for a in answers if a.status_code == 409]
    later = await scratch_api.post(USERS, json=body, headers=admin)
    assert later.status_code == 409
    assert loser.headers["content-type"] == "application/problem+json"
    assert loser.json() == later.json()
    async with scratch_sessions() as session:
        count = select(func.count()).select_from(User).where(User.email == "twice@example.org")
        assert await session.scalar(count) == 1
