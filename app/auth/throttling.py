"""Sign-in throttling: failures count per (account, client address) and per address.

Never per account alone: then anyone could lock anyone out by failing five times from
anywhere. A correct password from an address that has not failed still signs in.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.errors import TooManyAttempts
from app.auth.models import LoginFailure
from app.config import Settings
from app.db import utcnow


async def check(session: AsyncSession, settings: Settings, *, email: str, client: str) -> None:
    """TooManyAttempts if this address failed too often, for this account or at all."""
    window = timedelta(minutes=settings.login_failure_window_minutes)
    since = utcnow() - window
    by_address = LoginFailure.client == client
    for where, limit in (
        (by_address & (LoginFailure.email == email), settings.login_failures_per_account),
        (by_address, settings.login_failures_per_client),
    ):
        wait = await _retry_after(session, where, limit=limit, since=since, window=window)
        if wait is not None:
            raise TooManyAttempts(wait)


def record_failure(session: AsyncSession, *, email: str, client: str) -> None:
    """Count a failed sign-in (committed even though the request fails)."""
    session.add(LoginFailure(email=email, client=client))


async def _retry_after(
    session: AsyncSession,
    where: ColumnElement[bool],
    *,
    limit: int,
    since: datetime,
    window: timedelta,
) -> int | None:
    """Seconds until the oldest failure in the window leaves it, once `limit` are in it."""
    stmt = select(func.count(), func.min(LoginFailure.created_at)).where(
        where, LoginFailure.created_at >= since
    )
    count, oldest = (await session.execute(stmt)).one()
    if count < limit or oldest is None:
        return None
    return max(1, math.ceil((oldest + window - utcnow()).total_seconds()))
