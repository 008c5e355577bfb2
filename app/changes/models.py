import enum
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.workflow import str_enum


class Audience(enum.StrEnum):
    public = "public"
    embargo = "embargo"  # keys with `embargo:read` only


class Change(Base):
    """One write to a public resource, as the change feed and webhooks see it.

    Writers insert rows with no `seq`; `app.changes.service.sequence_due` numbers the
    committed rows whose `visible_at` has come, under one lock, so `seq` grows in the
    order rows become visible and no reader can pass a row that is numbered later."""

    __tablename__ = "change"
    __table_args__ = (
        Index(
            "ix_change_unsequenced_visible_at",
            "visible_at",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
        Index("ix_change_resource_resource_id_seq", "resource", "resource_id", "seq"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    resource: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[int] = mapped_column(Integer)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"))
    visible_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    event: Mapped[str | None] = mapped_column(String(40))
    """For the public audience, set when sequenced: `{resource}.published`, `.updated` or
    `.unpublished`; null when the resource neither was nor is public."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sequenced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
