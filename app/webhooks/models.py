"""Webhook endpoints, their outbox of deliveries, the log of each attempt, the change cursor."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.worker.queue import Queued
from app.workflow import Timestamped


class WebhookEvent(enum.StrEnum):
    """What an endpoint can subscribe to."""

    article_published = "article.published"
    article_updated = "article.updated"
    article_unpublished = "article.unpublished"
    event_published = "event.published"
    event_updated = "event.updated"
    event_unpublished = "event.unpublished"
    page_published = "page.published"
    page_updated = "page.updated"
    page_unpublished = "page.unpublished"
    expert_published = "expert.published"
    expert_updated = "expert.updated"
    expert_unpublished = "expert.unpublished"
    topic_published = "topic.published"
    topic_updated = "topic.updated"
    topic_unpublished = "topic.unpublished"
    program_published = "program.published"
    program_updated = "program.updated"
    program_unpublished = "program.unpublished"


PING = "ping"  # sent on request to one endpoint, whatever it subscribes to


class WebhookEndpoint(Timestamped, Base):
    """A partner's URL that receives signed POSTs for the events it subscribes to."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Fernet-encrypted with a key derived from SECRET_KEY (see app.webhooks.signing).
    secret_encrypted: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )


class WebhookDelivery(Queued, Base):
    """One event for one endpoint: the exact bytes to send, and where sending stands."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "change_seq"),
        Index("ix_webhook_delivery_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint_id_created_at", "endpoint_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    payload_id: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)
    # The change it came from: a second consumer pass can never deliver it twice.
    change_seq: Mapped[int | None] = mapped_column(BigInteger)
    response_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt_log: Mapped[list["WebhookAttempt"]] = relationship(
        lazy="raise", order_by="WebhookAttempt.id", passive_deletes=True
    )


class WebhookAttempt(Base):
    """One try at sending a delivery: when, what came back, how long it took."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class WebhookCursor(Base):
    """How far the webhook worker has read the change log (a single row, id 1)."""

    __tablename__ = "webhook_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def write_first(session: AsyncSession) -> None:
    """On SQLite, take the write lock before reading: a transaction that reads and then
    writes fails at once ("database is locked") when another wrote in between, whereas a
    first write waits out the busy timeout. A no-op elsewhere."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        await session.execute(update(WebhookCursor).where(WebhookCursor.id == -1).values(id=-1))
