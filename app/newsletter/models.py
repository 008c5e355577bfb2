import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.programs.models import Program
from app.topics.models import Topic
from app.worker.queue import Queued
from app.workflow import Timestamped, str_enum


class SubscriptionState(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    unsubscribed = "unsubscribed"


subscription_topic = Table(
    "newsletter_subscription_topic",
    Base.metadata,
    Column(
        "subscription_id",
        ForeignKey("newsletter_subscription.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

subscription_program = Table(
    "newsletter_subscription_program",
    Base.metadata,
    Column(
        "subscription_id",
        ForeignKey("newsletter_subscription.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)


class NewsletterSubscription(Timestamped, Base):
    """Someone who asked for the newsletter, with the consent they gave."""

    __tablename__ = "newsletter_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[SubscriptionState] = mapped_column(
        str_enum(SubscriptionState, "state"), default=SubscriptionState.pending, index=True
    )
    source: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_text_version: Mapped[str | None] = mapped_column(String(50))
    # HMAC of the client address with SECRET_KEY: provable, but never the address itself.
    consent_client_hash: Mapped[str | None] = mapped_column(String(64))
    consent_user_agent: Mapped[str | None] = mapped_column(String(300))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Confirmation tokens carry it; confirming bumps it, so each token works once.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    topics: Mapped[list[Topic]] = relationship(
        secondary=subscription_topic, lazy="raise", order_by=Topic.name
    )
    programs: Mapped[list[Program]] = relationship(
        secondary=subscription_program, lazy="raise", order_by=Program.name
    )

    @property
    def interests(self) -> list[str]:
        return [t.slug for t in self.topics] + [p.slug for p in self.programs]


class SignupAttempt(Base):
    """One signup form submission, counted for the rate limits (hashes only)."""

    __tablename__ = "newsletter_signup_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64))
    email_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (
        Index("ix_newsletter_signup_attempt_client_hash_created_at", "client_hash", "created_at"),
        Index("ix_newsletter_signup_attempt_email_hash_created_at", "email_hash", "created_at"),
    )


class EmailMessage(Queued, Base):
    """An email in the outbox: written with the change that causes it, sent by the worker."""

    __tablename__ = "email_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("newsletter_subscription.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(50))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "smtp" once sent through the server; "log" when no SMTP_HOST was set (the demo).
    transport: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_email_message_state_next_attempt_at", "state", "next_attempt_at"),)
