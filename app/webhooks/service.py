"""Webhook endpoints (admins) and the outbox: `enqueue` writes deliveries in the caller's
transaction, the worker sends them."""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.config import Settings
from app.db import utcnow
from app.editorial import audit
from app.pagination import PageParams
from app.webhooks import signing, ssrf
from app.webhooks.errors import DeliveryNotFound, UnsafeWebhookUrl, WebhookNotFound
from app.webhooks.models import PING, WebhookDelivery, WebhookEndpoint
from app.webhooks.schemas import WebhookCreate, WebhookUpdate
from app.worker.queue import QueueState

RESOURCE = "webhook"


async def check_url(url: str, *, settings: Settings) -> None:
    """Refuse a target the server must not call (production only)."""
    if ssrf.guarded(settings) and (reason := await ssrf.refusal(url)):
        raise UnsafeWebhookUrl(reason)


async def list_endpoints(
    session: AsyncSession, *, page: PageParams
) -> tuple[list[WebhookEndpoint], int]:
    """One page of endpoints, oldest first."""
    total = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
    rows = await session.scalars(
        select(WebhookEndpoint)
        .order_by(WebhookEndpoint.id)
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def get_endpoint(session: AsyncSession, *, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint with this id, or WebhookNotFound."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise WebhookNotFound(endpoint_id)
    return endpoint


async def create_endpoint(
    session: AsyncSession, *, actor: User, data: WebhookCreate, settings: Settings
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret in clear (to show once)."""
    await check_url(data.url, settings=settings)
    secret = data.secret or signing.new_secret()
    endpoint = WebhookEndpoint(
        url=data.url,
        events=[e.value for e in data.events],
        secret_encrypted=signing.encrypt(secret, secret_key=settings.secret_key),
        description=data.description,
        created_by_id=actor.id,
    )
    session.add(endpoint)
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="create",
        resource=RESOURCE,
        resource_id=endpoint.id,
        url=endpoint.url,
        events=endpoint.events,
    )
    return endpoint, secret


async def rotate_secret(
    session: AsyncSession, *, actor: User, endpoint: WebhookEndpoint, settings: Settings
) -> tuple[WebhookEndpoint, str]:
    """A new secret for the endpoint, in clear (to show once); the old one signs no more."""
    secret = signing.new_secret()
    endpoint.secret_encrypted = signing.encrypt(secret, secret_key=settings.secret_key)
    endpoint.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session, user=actor, action="rotate", resource=RESOURCE, resource_id=endpoint.id
    )
    return endpoint, secret


def _reactivate(endpoint: WebhookEndpoint) -> None:
    endpoint.is_active = True
    endpoint.disabled_at = endpoint.disabled_reason = None
    endpoint.consecutive_failures = 0


def disable(endpoint: WebhookEndpoint, *, reason: str, now: datetime | None = None) -> None:
    """Stop sending to an endpoint; its pending deliveries wait until it is re-enabled."""
    endpoint.is_active = False
    endpoint.disabled_at = now or utcnow()
    endpoint.disabled_reason = reason


async def update_endpoint(
    session: AsyncSession,
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    data: WebhookUpdate,
    settings: Settings,
) -> WebhookEndpoint:
    """Apply the fields sent; re-enabling forgets past failures."""
    values = data.model_dump(exclude_unset=True)
    if "url" in values:
        await check_url(values["url"], settings=settings)
        endpoint.url = values["url"]
    if "events" in values:
        endpoint.events = [e.value for e in data.events or []]
    if "description" in values:
        endpoint.description = values["description"]
    if values.get("is_active") is True:
        _reactivate(endpoint)
    elif values.get("is_active") is False and endpoint.is_active:
        disable(endpoint, reason="disabled by an admin")
    endpoint.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="update",
        resource=RESOURCE,
        resource_id=endpoint.id,
        fields=sorted(values),
    )
    return endpoint


async def delete_endpoint(session: AsyncSession, *, actor: User, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint with its deliveries and their log."""
    endpoint_id, url = endpoint.id, endpoint.url
    await session.delete(endpoint)
    await session.flush()
    await audit.record(
        session, user=actor, action="delete", resource=RESOURCE, resource_id=endpoint_id, url=url
    )


def render_body(*, payload_id: str, event: str, created_at: datetime, obj: Any) -> str:
    """The JSON a receiver gets, frozen at enqueue time so retries send the same bytes."""
    payload = {
        "id": payload_id,
        "event": event,
        "created_at": created_at.astimezone(UTC).isoformat(),
        "object": obj,
    }
    return orjson.dumps(payload).decode()


def _delivery(
    endpoint: WebhookEndpoint,
    *,
    event: str,
    obj: Any,
    created_at: datetime,
    change_seq: int | None,
) -> WebhookDelivery:
    payload_id = uuid.uuid4().hex
    body = render_body(payload_id=payload_id, event=event, created_at=created_at, obj=obj)
    return WebhookDelivery(
        endpoint_id=endpoint.id,
        event=event,
        payload_id=payload_id,
        body=body,
        change_seq=change_seq,
        next_attempt_at=utcnow(),
    )


async def subscribers(session: AsyncSession, *, event: str) -> list[WebhookEndpoint]:
    """Active endpoints subscribed to `event` (few rows: filtered here, not in JSON SQL)."""
    rows = await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True)))
    return [e for e in rows if event in e.events]


async def enqueue(
    session: AsyncSession,
    *,
    event: str,
    object: Any,  # the payload's field name
    created_at: datetime | None = None,
    change_seq: int | None = None,
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> list[WebhookDelivery]:
    """One delivery per subscribed active endpoint (or per endpoint given), in the caller's
    transaction: the outbox row commits with the change or not at all."""
    created_at = created_at or utcnow()
    targets = endpoints if endpoints is not None else await subscribers(session, event=event)
    deliveries = [
        _delivery(e, event=event, obj=object, created_at=created_at, change_seq=change_seq)
        for e in targets
    ]
    session.add_all(deliveries)
    await session.flush()
    return deliveries


async def ping(session: AsyncSession, *, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `ping` for one endpoint, to test the receiver and its signature check."""
    obj = {"endpoint_id": endpoint.id, "url": endpoint.url, "events": endpoint.events}
    [delivery] = await enqueue(session, event=PING, object=obj, endpoints=[endpoint])
    await audit.record(
        session,
        user=actor,
        action="ping",
        resource=RESOURCE,
        resource_id=endpoint.id,
        delivery_id=delivery.id,
    )
    return await get_delivery(session, endpoint=endpoint, delivery_id=delivery.id)


async def list_deliveries(
    session: AsyncSession, *, endpoint: WebhookEndpoint, page: PageParams
) -> tuple[list[WebhookDelivery], int]:
    """The delivery log of an endpoint, newest first, each with its attempts."""
    where = WebhookDelivery.endpoint_id == endpoint.id
    total = await session.scalar(select(func.count()).select_from(WebhookDelivery).where(where))
    rows = await session.scalars(
        select(WebhookDelivery)
        .where(where)
        .options(selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def get_delivery(
    session: AsyncSession, *, endpoint: WebhookEndpoint, delivery_id: int
) -> WebhookDelivery:
    """One delivery of this endpoint with its attempts, or DeliveryNotFound."""
    delivery = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id)
        .options(selectinload(WebhookDelivery.attempt_log))
        .execution_options(populate_existing=True)
    )
    if delivery is None:
        raise DeliveryNotFound(delivery_id)
    return delivery


async def retry_delivery(
    session: AsyncSession, *, actor: User, endpoint: WebhookEndpoint, delivery_id: int
) -> WebhookDelivery:
    """Send a delivery again, due now, with a fresh allowance of attempts (same bytes)."""
    delivery = await get_delivery(session, endpoint=endpoint, delivery_id=delivery_id)
    delivery.state = QueueState.pending
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.locked_until = None
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="retry",
        resource=RESOURCE,
        resource_id=endpoint.id,
        delivery_id=delivery.id,
    )
    return delivery
