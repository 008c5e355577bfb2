"""The outbox pattern shared by every queue table (webhook deliveries, emails, ...).

A request writes a row in its own transaction. A worker claims due rows with one
`UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id`, which takes a
lease (`locked_until`) and commits at once; it then sends outside any transaction and
records the outcome. Workers running side by side never claim one row twice: on
PostgreSQL the row locks are skipped, on SQLite the single statement is atomic. A worker
that dies mid-send leaves its lease to expire, and the row is sent again (at least once).
"""

import enum
import random
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, Text, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.workflow import str_enum


class QueueState(enum.StrEnum):
    pending = "pending"  # due at next_attempt_at (again, after a failed attempt)
    sent = "sent"
    failed = "failed"  # given up (max attempts, a permanent refusal) or cancelled


class Queued:
    """Columns of a row that a worker sends: when it is due, who holds it, what went wrong."""

    state: Mapped[QueueState] = mapped_column(
        str_enum(QueueState, "queue_state"), default=QueueState.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def backoff(attempts: int, *, base: float = 10.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff with jitter: ~10 s, 20 s, 40 s ... at most an hour."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))


async def claim(
    session: AsyncSession,
    model: type[Queued],
    *,
    worker: str,
    lease: timedelta = timedelta(minutes=2),
    limit: int = 20,
    now: datetime | None = None,
    where: tuple = (),
) -> list[int]:
    """Lease up to `limit` due rows of `model` to `worker`; their ids, oldest due first.

    The caller commits at once, so that other workers see the lease."""
    now = now or utcnow()
    due = (
        select(model.id)
        .where(
            model.state == QueueState.pending,
            model.next_attempt_at <= now,
            or_(model.locked_until.is_(None), model.locked_until < now),
            *where,
        )
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(model)
        .where(model.id.in_(due.scalar_subquery()))
        .values(locked_until=now + lease, locked_by=worker, attempts=model.attempts + 1)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(await session.scalars(stmt))
    return sorted(ids)


def succeeded(row: Queued, *, now: datetime | None = None) -> None:
    """Record a successful send."""
    row.state = QueueState.sent
    row.sent_at = now or utcnow()
    row.locked_until = None
    row.last_error = None


def failed(
    row: Queued,
    *,
    error: str,
    max_attempts: int | None,
    permanent: bool = False,
    now: datetime | None = None,
) -> bool:
    """Record a failed attempt: due again after a backoff (at most about an hour), or given
    up when `permanent` or after `max_attempts` (None: never, it waits out any outage).
    True if given up. An admin can send a given-up row again (`/api/v1/admin/outbox`)."""
    now = now or utcnow()
    row.locked_until = None
    row.last_error = error[:2000]
    if permanent or (max_attempts is not None and row.attempts >= max_attempts):
        row.state = QueueState.failed
        return True
    row.next_attempt_at = now + backoff(row.attempts)
    return False
