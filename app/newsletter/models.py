import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime
from app.programs.models import Program
from app.topics.models import Topic
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
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    topics: Mapped[list[Topic]] = relationship(
        secondary=subscription_topic, lazy="raise", order_by=Topic.name
    )
    programs: Mapped[list[Program]] = relationship(
        secondary=subscription_program, lazy="raise", order_by=Program.name
    )
