"""Pruning what only matters for a while: idempotency answers, sign-in failures, spent
refresh tokens. Runs in the worker at most every `INTERVAL`."""

import time
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import LoginFailure, RefreshToken
from app.config import Settings
from app.db import utcnow
from app.editorial.models import IdempotencyRecord

INTERVAL = 600.0  # seconds between two prunes by one worker
IDEMPOTENCY_WINDOW = timedelta(hours=24)
_last_run = float("-inf")


async def prune(session: AsyncSession, settings: Settings) -> int:
    """Delete what has outlived its use; how many rows went."""
    now = utcnow()
    statements = (
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - IDEMPOTENCY_WINDOW),
        delete(LoginFailure).where(
            LoginFailure.created_at < now - timedelta(minutes=settings.login_failure_window_minutes)
        ),
        delete(RefreshToken).where(RefreshToken.expires_at < now - timedelta(days=1)),
    )
    removed = 0
    for stmt in statements:
        removed += (await session.execute(stmt)).rowcount or 0
    return removed


async def run_once(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Prune if the last prune is `INTERVAL` old. Returns 0: pruning never keeps the
    worker from sleeping."""
    global _last_run
    if time.monotonic() - _last_run < INTERVAL:
        return 0
    _last_run = time.monotonic()
    async with sessionmaker() as session:
        await prune(session, settings)
        await session.commit()
    return 0
