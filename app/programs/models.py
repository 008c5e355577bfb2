from typing import TYPE_CHECKING, Optional

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.workflow import Timestamped, Versioned

if TYPE_CHECKING:
    from app.experts.models import Expert


class Program(Timestamped, Versioned, Base):
    """A research program ("Asia Program") with a director and member experts."""

    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    director_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert.id", ondelete="SET NULL"), index=True
    )

    director: Mapped[Optional["Expert"]] = relationship(lazy="raise")
    members: Mapped[list["Expert"]] = relationship(
        secondary="expert_program",
        back_populates="programs",
        lazy="raise",
        order_by="(Expert.family_name, Expert.given_name)",
    )
