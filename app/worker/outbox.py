"""The admin's view of every queue table at once (emails, webhook deliveries): what waits,
what was given up, and sending one again."""

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit
from app.newsletter.models import EmailMessage, NewsletterSubscription, SubscriptionState
from app.pagination import PageParams
from app.webhooks import service as webhooks
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.worker.errors import OutboxItemNotFound, RecipientUnsubscribed
from app.worker.queue import QueueState
from app.worker.schemas import OutboxItem, OutboxKind

WAITING = (QueueState.pending, QueueState.failed)


@dataclass(frozen=True, slots=True)
class OutboxFilters:
    kinds: tuple[OutboxKind, ...] = ()
    states: tuple[QueueState, ...] = WAITING


def _columns(model, kind: OutboxKind, target, summary) -> list:
    return [
        literal(kind.value).label("kind"),
        model.id.label("row_id"),
        model.state.label("state"),
        model.attempts.label("attempts"),
        model.next_attempt_at.label("next_attempt_at"),
        model.last_error.label("last_error"),
        target.label("target"),
        summary.label("summary"),
        model.created_at.label("created_at"),
        model.sent_at.label("sent_at"),
    ]


def _union(filters: OutboxFilters):
    kinds = filters.kinds or tuple(OutboxKind)
    parts = []
    if OutboxKind.email in kinds:
        email = _columns(
            EmailMessage, OutboxKind.email, EmailMessage.to_address, EmailMessage.subject
        )
        parts.append(select(*email).where(EmailMessage.state.in_(filters.states)))
    if OutboxKind.webhook in kinds:
        hook = _columns(
            WebhookDelivery, OutboxKind.webhook, WebhookEndpoint.url, WebhookDelivery.event
        )
        parts.append(
            select(*hook)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.state.in_(filters.states))
        )
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


async def list_items(
    session: AsyncSession, *, filters: OutboxFilters, page: PageParams
) -> tuple[list[OutboxItem], int]:
    """One page of the outbox, newest first."""
    items = _union(filters)
    total = await session.scalar(select(func.count()).select_from(items))
    rows = await session.execute(
        select(items)
        .order_by(items.c.created_at.desc(), items.c.kind, items.c.row_id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return [_item(row) for row in rows], total or 0


def _item(row) -> OutboxItem:
    values = dict(row._mapping)
    values["id"] = f"{values['kind']}-{values.pop('row_id')}"
    return OutboxItem.model_validate(values)


def parse_id(item_id: str) -> tuple[OutboxKind, int]:
    """`email-12` as (email, 12), or OutboxItemNotFound."""
    kind, _, number = item_id.partition("-")
    if kind not in OutboxKind.__members__ or not number.isascii() or not number.isdigit():
        raise OutboxItemNotFound(item_id)
    return OutboxKind(kind), int(number)


async def retry(session: AsyncSession, *, actor: User, item_id: str) -> OutboxItem:
    """Send an email or webhook delivery again, due now, with a fresh allowance of attempts."""
    kind, row_id = parse_id(item_id)
    if kind is OutboxKind.webhook:
        await _retry_webhook(session, actor=actor, item_id=item_id, delivery_id=row_id)
    else:
        await _retry_email(session, actor=actor, item_id=item_id, message_id=row_id)
    [item] = await _one(session, kind, row_id)
    return item


async def _retry_webhook(
    session: AsyncSession, *, actor: User, item_id: str, delivery_id: int
) -> None:
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise OutboxItemNotFound(item_id)
    endpoint = await webhooks.get_endpoint(session, endpoint_id=delivery.endpoint_id)
    await webhooks.retry_delivery(session, actor=actor, endpoint=endpoint, delivery_id=delivery_id)


async def _retry_email(
    session: AsyncSession, *, actor: User, item_id: str, message_id: int
) -> None:
    row = await session.get(EmailMessage, message_id)
    if row is None:
        raise OutboxItemNotFound(item_id)
    if row.subscription_id is not None:
        state = await session.scalar(
            select(NewsletterSubscription.state).where(
                NewsletterSubscription.id == row.subscription_id
            )
        )
        if state is SubscriptionState.unsubscribed:
            raise RecipientUnsubscribed(item_id)
    row.state, row.attempts, row.next_attempt_at = QueueState.pending, 0, utcnow()
    row.locked_until = None
    await session.flush()
    await audit.record(
        session, user=actor, action="retry", resource="email_message", resource_id=row.id
    )


async def _one(session: AsyncSession, kind: OutboxKind, row_id: int) -> list[OutboxItem]:
    items = _union(OutboxFilters(kinds=(kind,), states=tuple(QueueState)))
    rows = await session.execute(select(items).where(items.c.row_id == row_id))
    return [_item(row) for row in rows]
