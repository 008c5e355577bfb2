from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.workflow import Timestamped, Versioned


class Site(Timestamped, Versioned, Base):
    """The one row of site-wide settings a frontend draws on every page."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str | None] = mapped_column(String(500))
    mission: Mapped[str | None] = mapped_column(Text)
    logo_url: Mapped[str | None] = mapped_column(String(2000))
    copyright: Mapped[str | None] = mapped_column(String(500))
    newsletter_cta: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Menu(Timestamped, Versioned, Base):
    """A named navigation menu ("main", "footer"): an ordered tree of items."""

    __tablename__ = "menu"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Every item of the tree, flat; the service assembles the tree in one pass.
    items: Mapped[list["MenuItem"]] = relationship(
        order_by="(MenuItem.parent_id, MenuItem.position, MenuItem.id)",
        cascade="all, delete-orphan",
        lazy="raise",
        back_populates="menu",
    )


class MenuItem(Base):
    """One entry of a menu; items with a parent make its dropdown."""

    __tablename__ = "menu_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    menu_id: Mapped[int] = mapped_column(ForeignKey("menu.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("menu_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))

    menu: Mapped[Menu] = relationship(back_populates="items", lazy="raise")
