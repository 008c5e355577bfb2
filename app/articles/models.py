import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.tokens import new_row_key
from app.db import Base, utcnow
from app.workflow import Owned, Seo, Status, Workflow, live_index, str_enum

if TYPE_CHECKING:
    from app.experts.models import Expert
    from app.programs.models import Program
    from app.topics.models import Topic


class ArticleKind(enum.StrEnum):
    op_ed = "op-ed"
    in_the_media = "in-the-media"
    press_release = "press-release"
    brief = "brief"
    explainer = "explainer"
    report = "report"


KIND_LABELS: dict[ArticleKind, str] = {
    ArticleKind.op_ed: "Op-ed",
    ArticleKind.in_the_media: "In the media",
    ArticleKind.press_release: "Press release",
    ArticleKind.brief: "Brief",
    ArticleKind.explainer: "Explainer",
    ArticleKind.report: "Report",
}

article_program = Table(
    "article_program",
    Base.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)


class ArticleTopic(Base):
    """An article's topic, in the order the article lists them."""

    __tablename__ = "article_topic"
    __table_args__ = (Index("ix_article_topic_topic_id_article_id", "topic_id", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    topic: Mapped["Topic"] = relationship(lazy="raise")


class ArticleAuthor(Base):
    """A by-line: "By ..." in the order shown."""

    __tablename__ = "article_author"
    __table_args__ = (Index("ix_article_author_expert_id_article_id", "expert_id", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    expert: Mapped["Expert"] = relationship(lazy="raise")


class ArticleFeaturedExpert(Base):
    """An expert quoted or featured: "Featuring ..." in the order shown."""

    __tablename__ = "article_featured_expert"
    __table_args__ = (
        Index("ix_article_featured_expert_expert_id_article_id", "expert_id", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    expert: Mapped["Expert"] = relationship(lazy="raise")


class Article(Workflow, Owned, Seo, Base):
    """An op-ed, a media appearance, a press release or a piece of research."""

    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_status_published_at", "status", "published_at"),
        live_index("article"),
        {"sqlite_autoincrement": True},  # a deleted article's id is never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Preview links carry it, so a link dies with its article (see app/auth/models.py User).
    token_key: Mapped[str] = mapped_column(String(32), default=new_row_key)
    slug: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[ArticleKind] = mapped_column(str_enum(ArticleKind, "kind"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(2000))
    image_alt: Mapped[str | None] = mapped_column(String(500))
    external_url: Mapped[str | None] = mapped_column(String(2000))
    outlet: Mapped[str | None] = mapped_column(String(300))
    press_contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    primary_topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )
    embargoed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Published under embargo: until `published_at`, keys with `embargo:read` see it."""

    primary_topic: Mapped[Optional["Topic"]] = relationship(lazy="raise")
    topic_links: Mapped[list[ArticleTopic]] = relationship(
        order_by=ArticleTopic.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        lazy="raise",
    )
    author_links: Mapped[list[ArticleAuthor]] = relationship(
        order_by=ArticleAuthor.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        lazy="raise",
    )
    featured_links: Mapped[list[ArticleFeaturedExpert]] = relationship(
        order_by=ArticleFeaturedExpert.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        lazy="raise",
    )
    programs: Mapped[list["Program"]] = relationship(
        secondary=article_program, lazy="raise", order_by="Program.name"
    )

    topics: AssociationProxy[list["Topic"]] = association_proxy(
        "topic_links", "topic", creator=lambda topic: ArticleTopic(topic=topic)
    )
    authors: AssociationProxy[list["Expert"]] = association_proxy(
        "author_links", "expert", creator=lambda expert: ArticleAuthor(expert=expert)
    )

    featured_experts: AssociationProxy[list["Expert"]] = association_proxy(
        "featured_links", "expert", creator=lambda expert: ArticleFeaturedExpert(expert=expert)
    )

    @property
    def embargoed_until(self) -> datetime | None:
        """The embargo's end while it holds (the row is only loaded for readers who may
        see it then), else None."""
        if self.embargoed and self.status is Status.scheduled and self.published_at:
            return self.published_at if self.published_at > utcnow() else None
        return None


class ArticleTally(Base):
    """Changes to how many live articles (published or scheduled, with a publish time) each
    kind has: +1 and -1 rows appended by database triggers on `article` (migration 0009),
    so every write counts, ORM or not, and no writer waits on another's counter row. The
    worker folds them into one row a kind (`app.articles.tally`). A public count is their
    sum less the few live rows whose time has not come: lists need not count 100,000 rows
    on every request. Never written by the app otherwise."""

    __tablename__ = "article_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    live: Mapped[int] = mapped_column(BigInteger)
