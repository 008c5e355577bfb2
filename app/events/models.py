import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, false
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime
from app.workflow import Owned, Seo, Workflow, live_index, str_enum

if TYPE_CHECKING:
    from app.experts.models import Expert
    from app.programs.models import Program
    from app.topics.models import Topic


class EventFormat(enum.StrEnum):
    virtual = "virtual"
    in_person = "in-person"
    hybrid = "hybrid"


FORMAT_LABELS: dict[EventFormat, str] = {
    EventFormat.virtual: "Virtual",
    EventFormat.in_person: "In person",
    EventFormat.hybrid: "Hybrid",
}


class EventTopic(Base):
    """An event's topic, in the order the event lists them."""

    __tablename__ = "event_topic"
    __table_args__ = (Index("ix_event_topic_topic_id_event_id", "topic_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    topic: Mapped["Topic"] = relationship(lazy="raise")


event_program = Table(
    "event_program",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)


class EventSpeaker(Base):
    """A speaker: one of our experts, or an outside guest named here."""

    __tablename__ = "event_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    organization: Mapped[str | None] = mapped_column(String(300))
    photo_url: Mapped[str | None] = mapped_column(String(2000))
    role: Mapped[str | None] = mapped_column(String(100))

    expert: Mapped[Optional["Expert"]] = relationship(lazy="raise")


class Event(Workflow, Owned, Seo, Base):
    """A talk, panel or briefing, online or in a room."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_status_starts_at", "status", "starts_at"),
        live_index("event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[EventFormat] = mapped_column(str_enum(EventFormat, "format"), index=True)
    location: Mapped[str | None] = mapped_column(String(500))
    registration_url: Mapped[str | None] = mapped_column(String(2000))
    recording_url: Mapped[str | None] = mapped_column(String(2000))
    image_url: Mapped[str | None] = mapped_column(String(2000))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    speakers: Mapped[list[EventSpeaker]] = relationship(
        order_by=EventSpeaker.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        lazy="raise",
    )
    topic_links: Mapped[list[EventTopic]] = relationship(
        order_by=EventTopic.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        lazy="raise",
    )
    programs: Mapped[list["Program"]] = relationship(
        secondary=event_program, lazy="raise", order_by="Program.name"
    )

    topics: AssociationProxy[list["Topic"]] = association_proxy(
        "topic_links", "topic", creator=lambda topic: EventTopic(topic=topic)
    )
