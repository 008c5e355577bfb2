from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.workflow import Timestamped, Versioned


class Topic(Timestamped, Versioned, Base):
    """A subject area; featured topics make up the navigation's "Policy Topics"."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Optional["Topic"]] = relationship(
        remote_side=[id], back_populates="children", lazy="raise"
    )
    children: Mapped[list["Topic"]] = relationship(
        back_populates="parent", lazy="raise", order_by="Topic.name"
    )
