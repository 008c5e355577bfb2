from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.workflow import Owned, Seo, Workflow, live_index


class Page(Workflow, Owned, Seo, Base):
    """A standing page: about, mission, jobs, contact, privacy, terms."""

    __tablename__ = "page"
    __table_args__ = (live_index("page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
