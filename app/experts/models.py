from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.workflow import Workflow, live_index

if TYPE_CHECKING:
    from app.programs.models import Program
    from app.topics.models import Topic

expert_program = Table(
    "expert_program",
    Base.metadata,
    Column("expert_id", ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)

expert_topic = Table(
    "expert_topic",
    Base.metadata,
    Column("expert_id", ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Expert(Workflow, Base):
    """A person who writes or speaks for the institution."""

    __tablename__ = "expert"
    __table_args__ = (live_index("expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    organization: Mapped[str | None] = mapped_column(String(300))
    short_bio: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    photo_url: Mapped[str | None] = mapped_column(String(2000))
    email: Mapped[str | None] = mapped_column(String(320))
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    programs: Mapped[list["Program"]] = relationship(
        secondary=expert_program, back_populates="members", lazy="raise", order_by="Program.name"
    )
    topics: Mapped[list["Topic"]] = relationship(
        secondary=expert_topic, lazy="raise", order_by="Topic.name"
    )

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
