"""Two workers on their own connections, sending from one committed outbox at the same time,
never send a delivery twice (FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite the claiming
UPDATE is one atomic statement). Rows are really committed here, and removed after."""

import asyncio
from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import make_sessionmaker
from app.webhooks import service, signing
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.worker import send_due

DELIVERIES = 40


async def _outbox(engine: AsyncEngine, url: str, settings) -> int:
    async with make_sessionmaker(engine)() as session:
        endpoint = WebhookEndpoint(
            url=url,
            events=["article.published"],
            secret_encrypted=signing.encrypt("s" * 20, secret_key=settings.secret_key),
        )
        session.add(endpoint)
        await session.flush()
        for n in range(DELIVERIES):
            await service.enqueue(
                session, event="article.published", object={"n": n}, endpoints=[endpoint]
            )
        await session.commit()
        return endpoint.id


async def test_two_workers_never_send_one_delivery_twice(engine: AsyncEngine, receiver, settings):
    endpoint_id = await _outbox(engine, receiver.url, settings)
    small = settings.model_copy(update={"webhook_batch": 3})
    workers = [make_sessionmaker(engine), make_sessionmaker(engine)]
    try:
        for _ in range(DELIVERIES):
            done = await asyncio.gather(
                *(send_due(sm, small, worker=f"w{i}") for i, sm in enumerate(workers))
            )
            if not any(done):
                break
        sent = Counter(r.headers["x-pressroom-delivery"] for r in receiver.requests)
        assert len(sent) == DELIVERIES
        assert set(sent.values()) == {1}
        async with workers[0]() as session:
            rows = list(
                await session.scalars(
                    select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
                )
            )
        assert {(r.state, r.attempts) for r in rows} == {("sent", 1)}
        assert {r.locked_by for r in rows} <= {"w0", "w1"}
    finally:
        async with workers[0]() as session:
            await session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
            await session.commit()
        async with workers[0]() as session:
            assert await session.get(WebhookEndpoint, endpoint_id) is None
