"""Reads the change log (app.changes) after its own cursor and writes one delivery per
subscribed endpoint, advancing the cursor in the same transaction.

Two workers reading at once: the cursor moves by compare-and-set, so the loser rolls back
its deliveries; the unique (endpoint_id, change_seq) would refuse a duplicate anyway.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.api_keys import ANONYMOUS
from app.changes import service as changes
from app.changes.models import Change
from app.db import utcnow
from app.webhooks.models import WebhookCursor, WebhookEndpoint, write_first
from app.webhooks.service import enqueue

BATCH = 200
CURSOR_ID = 1


async def _cursor(session: AsyncSession) -> int:
    cursor = await session.get(WebhookCursor, CURSOR_ID)
    if cursor is None:
        session.add(WebhookCursor(id=CURSOR_ID, last_seq=0))
        await session.flush()
        return 0
    return cursor.last_seq


def _happened_at(change: Change) -> datetime:
    # Written, or (scheduled) come due: whichever is later.
    return max(change.created_at, change.visible_at)


def _targets(active: list[WebhookEndpoint], change: Change) -> list[WebhookEndpoint]:
    # Only endpoints that existed when it happened: a new endpoint gets no back catalogue.
    at = _happened_at(change)
    return [e for e in active if change.event in e.events and e.created_at <= at]


async def _enqueue_batch(session: AsyncSession, batch: list[Change]) -> None:
    active = list(
        await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True)))
    )
    wanted = {c.seq: targets for c in batch if c.event and (targets := _targets(active, c))}
    keys = [(c.resource, c.resource_id) for c in batch if c.seq in wanted]
    objects = await changes.render_many(session, keys=keys, reader=ANONYMOUS) if keys else {}
    for change in batch:
        key = (change.resource, change.resource_id)
        # Not rendered (logged once by `render_many`): skipped, the cursor moves past it.
        if change.seq not in wanted or key not in objects:
            continue
        # Gone from public view (unpublished): say what it was.
        obj = objects[key] or {"type": change.resource, "id": change.resource_id}
        await enqueue(
            session,
            event=change.event,
            object=obj,
            created_at=_happened_at(change),
            change_seq=change.seq,
            endpoints=wanted[change.seq],
        )


async def consume(sessionmaker: async_sessionmaker[AsyncSession], *, limit: int = BATCH) -> int:
    """Turn up to `limit` new public changes into deliveries; how many changes were read."""
    async with sessionmaker() as session:
        try:
            await write_first(session)
            after = await _cursor(session)
            batch = await changes.sequenced_public_changes(session, after=after, limit=limit)
            if not batch:
                await session.commit()
                return 0
            await _enqueue_batch(session, batch)
            moved = await session.execute(
                update(WebhookCursor)
                .where(WebhookCursor.id == CURSOR_ID, WebhookCursor.last_seq == after)
                .values(last_seq=batch[-1].seq, updated_at=utcnow())
            )
            if moved.rowcount != 1:  # another worker got there first
                await session.rollback()
                return 0
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return 0
    return len(batch)
