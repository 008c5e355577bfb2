"""The worker prunes what only matters for a while, and keeps what still does."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import LoginFailure, RefreshToken
from app.config import Settings
from app.db import utcnow
from app.editorial.models import IdempotencyRecord
from app.worker import housekeeping
from tests.factories import make_user


async def test_prune_removes_only_what_has_expired(session: AsyncSession, settings: Settings):
    user = await make_user(session)
    now = utcnow()
    window = timedelta(minutes=settings.login_failure_window_minutes)

    def record(key: str, age: timedelta) -> IdempotencyRecord:
        return IdempotencyRecord(
            user_id=user.id,
            key=key,
            method="POST",
            path="/api/v1/admin/articles",
            fingerprint="f" * 64,
            status_code=201,
            body="{}",
            created_at=now - age,
        )

    def token(name: str, expired_for: timedelta) -> RefreshToken:
        return RefreshToken(
            user_id=user.id, family=name, token_hash=name * 64, expires_at=now - expired_for
        )

    session.add_all(
        [
            record("old", timedelta(hours=25)),
            record("fresh", timedelta(hours=23)),
            LoginFailure(email="old@example.org", client="1.2.3.4", created_at=now - 2 * window),
            LoginFailure(email="new@example.org", client="1.2.3.4", created_at=now),
            token("a", timedelta(days=2)),
            token("b", timedelta(days=-3)),  # still valid for three days
        ]
    )
    await session.flush()

    assert await housekeeping.prune(session, settings) == 3

    assert list(await session.scalars(select(IdempotencyRecord.key))) == ["fresh"]
    assert list(await session.scalars(select(LoginFailure.email))) == ["new@example.org"]
    assert list(await session.scalars(select(RefreshToken.family))) == ["b"]
