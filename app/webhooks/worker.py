"""The worker task: turn new public changes into deliveries, then send what is due.

Sending happens outside any transaction: claim (commit), POST, record (commit). A failed
attempt is due again after an exponential backoff; after `webhook_max_attempts` the
delivery is marked failed; after `webhook_disable_after` failed attempts in a row (across
its deliveries) the endpoint is disabled and its pending deliveries wait for an admin to
re-enable it.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from cryptography.fernet import InvalidToken
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.config import Settings
from app.db import utcnow
from app.webhooks import consumer, signing, ssrf
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, write_first
from app.webhooks.service import disable
from app.worker import queue
from app.worker.runner import worker_name

log = logging.getLogger("app.webhooks")

USER_AGENT = "Pressroom-Webhooks/1"


@dataclass(frozen=True, slots=True)
class Outgoing:
    delivery_id: int
    endpoint_id: int
    url: str
    secret: str | None  # None when it cannot be decrypted (SECRET_KEY changed)
    event: str
    payload_id: str
    body: str


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    endpoint_id: int
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


async def run_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    now: datetime | None = None,
    worker: str | None = None,
) -> int:
    """One pass: new changes into the outbox, then every due delivery (one batch) sent. The
    sending does not wait on the reading: a batch of changes that fails leaves pings,
    retries and earlier deliveries going out."""
    try:
        queued = await consumer.consume(sessionmaker)
    except Exception:
        log.exception("reading the change feed for webhooks failed; sending what is queued")
        queued = 0
    return queued + await send_due(sessionmaker, settings, now=now, worker=worker)


async def send_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    now: datetime | None = None,
    worker: str | None = None,
) -> int:
    """Claim a batch of due deliveries of active endpoints, send them, record the outcomes."""
    now = now or utcnow()
    async with sessionmaker() as session:
        active = select(WebhookEndpoint.id).where(WebhookEndpoint.is_active.is_(True))
        ids = await queue.claim(
            session,
            WebhookDelivery,
            worker=worker or worker_name(),
            limit=settings.webhook_batch,
            now=now,
            where=(WebhookDelivery.endpoint_id.in_(active),),
        )
        await session.commit()
        if not ids:
            return 0
        outgoing = await _load(session, ids, settings=settings)
    timeout = httpx.Timeout(settings.webhook_timeout)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        outcomes = await asyncio.gather(*(_send(client, o, settings=settings) for o in outgoing))
    async with sessionmaker() as session:
        await write_first(session)
        await _record(session, outcomes, settings=settings, now=now)
        await session.commit()
    return len(ids)


def _secret(endpoint: WebhookEndpoint, settings: Settings) -> str | None:
    try:
        return signing.decrypt(endpoint.secret_encrypted, secret_key=settings.secret_key)
    except InvalidToken:
        return None


async def _load(session: AsyncSession, ids: list[int], *, settings: Settings) -> list[Outgoing]:
    rows = await session.execute(
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.id)
    )
    return [
        Outgoing(
            delivery_id=d.id,
            endpoint_id=e.id,
            url=e.url,
            secret=_secret(e, settings),
            event=d.event,
            payload_id=d.payload_id,
            body=d.body,
        )
        for d, e in rows
    ]


def headers(out: Outgoing, *, secret: str, timestamp: int) -> dict[str, str]:
    """What every webhook POST carries."""
    body = out.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Pressroom-Event": out.event,
        "X-Pressroom-Delivery": out.payload_id,
        signing.SIGNATURE_HEADER: signing.signature(secret, timestamp=timestamp, body=body),
    }


async def _send(client: httpx.AsyncClient, out: Outgoing, *, settings: Settings) -> Outcome:
    started = time.monotonic()

    def outcome(status: int | None = None, error: str | None = None) -> Outcome:
        took = int((time.monotonic() - started) * 1000)
        return Outcome(out.delivery_id, out.endpoint_id, status, error, took)

    if ssrf.guarded(settings) and (reason := await ssrf.refusal(out.url)):
        return outcome(error=f"refused: {out.url} {reason}")
    if out.secret is None:
        return outcome(error="the endpoint's secret cannot be decrypted (SECRET_KEY changed?)")
    try:
        response = await client.post(
            out.url,
            content=out.body.encode(),
            headers=headers(out, secret=out.secret, timestamp=int(clock.timestamp())),
        )
    except httpx.HTTPError as exc:
        return outcome(error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if 200 <= response.status_code < 300:
        return outcome(response.status_code)
    return outcome(response.status_code, f"the receiver answered HTTP {response.status_code}")


async def _record(
    session: AsyncSession, outcomes: list[Outcome], *, settings: Settings, now: datetime
) -> None:
    ids = [o.delivery_id for o in outcomes]
    rows = await session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
    deliveries = {d.id: d for d in rows}  # one missing: its endpoint was deleted meanwhile
    by_endpoint: dict[int, list[bool]] = {}
    for result in outcomes:
        if (delivery := deliveries.get(result.delivery_id)) is None:
            continue
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                at=now,
                status_code=result.status_code,
                error=result.error,
                duration_ms=result.duration_ms,
            )
        )
        delivery.response_status = result.status_code
        if result.ok:
            queue.succeeded(delivery, now=now)
        else:
            error, most = result.error or "", settings.webhook_max_attempts
            queue.failed(delivery, error=error, max_attempts=most, now=now)
        by_endpoint.setdefault(result.endpoint_id, []).append(result.ok)
    await session.flush()
    for endpoint_id, oks in by_endpoint.items():
        await _count_failures(session, endpoint_id, oks, settings=settings)


async def _count_failures(
    session: AsyncSession, endpoint_id: int, oks: list[bool], *, settings: Settings
) -> None:
    # In SQL, so that workers recording at the same time do not lose each other's counts.
    last_ok = max((i for i, ok in enumerate(oks) if ok), default=None)
    if last_ok is None:
        value = WebhookEndpoint.consecutive_failures + len(oks)
    else:
        value = len(oks) - last_ok - 1  # the failures since this pass's last success
    failures = await session.scalar(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(consecutive_failures=value)
        .returning(WebhookEndpoint.consecutive_failures)
        .execution_options(synchronize_session=False)
    )
    if failures is None or failures < settings.webhook_disable_after:
        return
    endpoint = await session.get(WebhookEndpoint, endpoint_id, populate_existing=True)
    if endpoint is not None and endpoint.is_active:
        disable(endpoint, reason=f"{failures} failed attempts in a row")
        log.warning("webhook endpoint %s disabled after %s failures", endpoint_id, failures)
