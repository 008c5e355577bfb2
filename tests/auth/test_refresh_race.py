"""Two parallel refreshes of one token: exactly one rotates it, the other is the
documented 401, never a 500. Real connections to a committed scratch database (the
`client` fixture shares one connection, which would serialise them)."""

import asyncio

from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import service
from app.auth.errors import InvalidToken
from app.auth.models import RefreshToken
from app.auth.tokens import hash_refresh_token
from app.config import Settings
from app.main import create_app
from tests.factories import make_user

REFRESH = "/api/v1/admin/auth/refresh"


async def _refresh_token(
    scratch_sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> str:
    """A committed user's first refresh token."""
    async with scratch_sessions() as session:
        user = await make_user(session)
        pair = await service.issue_tokens(session, settings, user=user)
        await session.commit()
    return pair.refresh_token


async def _refresh(
    scratch_sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str
) -> str | InvalidToken:
    """Rotate in a session of its own; commit as the request would (a refusal too)."""
    async with scratch_sessions() as session:
        try:
            pair = await service.refresh(session, settings, token=token)
        except InvalidToken as exc:
            await session.commit()  # InvalidToken.commit_session: the revocation sticks
            return exc
        await session.commit()
        return pair.refresh_token


async def test_the_second_of_two_overlapping_refreshes_is_refused(scratch_sessions, settings):
    token = await _refresh_token(scratch_sessions, settings)
    async with scratch_sessions() as first:
        rotated = await service.refresh(first, settings, token=token)  # spent, not committed
        second = asyncio.create_task(_refresh(scratch_sessions, settings, token))
        await asyncio.sleep(0.3)
        assert not second.done()  # it waits for the first to finish with the token
        await first.commit()

    refused = await second

    assert isinstance(refused, InvalidToken)
    # Reuse looks like theft: the whole sign-in is revoked, the winner's new token too.
    assert isinstance(
        await _refresh(scratch_sessions, settings, rotated.refresh_token), InvalidToken
    )


async def test_parallel_refresh_requests_rotate_the_token_once(
    scratch_sessions, settings, scratch_url
):
    token = await _refresh_token(scratch_sessions, settings)
    app = create_app(
        settings.model_copy(update={"database_url": scratch_url}), sessionmaker=scratch_sessions
    )
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = await asyncio.gather(
            *(client.post(REFRESH, json={"refresh_token": token}) for _ in range(4))
        )

    assert sorted(r.status_code for r in answers) == [200, 401, 401, 401], [r.text for r in answers]
    for refused in (r for r in answers if r.status_code == 401):
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("invalid-token")
    async with scratch_sessions() as session:
        spent = await session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
        )
        family = await session.scalars(
            select(RefreshToken.id).where(RefreshToken.family == spent.family)
        )
    assert len(family.all()) == 2  # the first token and one successor, never two
