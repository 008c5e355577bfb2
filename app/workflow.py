"""The publishing workflow shared by articles, events, pages and experts.

`public()` is the single definition of "visible to the public". Every public
query uses it; there is no second copy of the rule anywhere.
"""

import enum
import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    bindparam,
    false,
    or_,
    text,
    true,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from app.db import UTCDateTime, utcnow


class Status(enum.StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


LIVE_STATUSES = (Status.published, Status.scheduled)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:  # pragma: no mutate block
    """A portable enum column: VARCHAR plus a named CHECK constraint, stored by value."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Versioned:
    """A row version that every UPDATE bumps: the admin API's ETag, checked on write."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Owned:
    """Who created the row: authors may only edit their own drafts."""

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)


class Workflow(Timestamped, Versioned):
    """Columns of content that moves draft → scheduled → published → archived."""

    @declared_attr
    def status(cls) -> Mapped[Status]:
        return mapped_column(str_enum(Status, "status"), default=Status.draft, index=True)

    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    @property
    def current_status(self) -> "Status":
        """The status as admins see it now (scheduled turns published when its time passes)."""
        return effective_status(self.status, self.published_at, now=utcnow())


class Seo:
    """Optional search-engine and social-card overrides."""

    seo_title: Mapped[str | None] = mapped_column(String(300))
    seo_description: Mapped[str | None] = mapped_column(String(500))
    canonical_url: Mapped[str | None] = mapped_column(String(2000))
    og_image_url: Mapped[str | None] = mapped_column(String(2000))
    noindex: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def live_index(table: str) -> Index:  # pragma: no mutate block
    """The live rows by publish time: public lists page through it, searches walk the
    newest matches first, counts of what is due read it alone."""
    where = text("status IN ('published', 'scheduled')")
    return Index(
        f"ix_{table}_live_published_at",
        "published_at",
        "id",
        postgresql_where=where,
        sqlite_where=where,
    )


@functools.cache
def live(model: type[Workflow]) -> ColumnElement[bool]:
    """Rows that are public once their `published_at` has come (see `public`)."""
    # Rendered as literals, so PostgreSQL can use the partial index on live rows even with
    # a cached generic plan. Built once: coercing the enum values costs ~1.5 ms a call.
    return model.status.in_(
        bindparam("live", list(LIVE_STATUSES), expanding=True, literal_execute=True)
    )


def public(
    model: type[Workflow], *, now: datetime | BindParameter[datetime] | None = None
) -> ColumnElement[bool]:
    """The condition that makes a row visible to the public at `now` (default: this instant;
    a bound parameter lets a statement built once take the instant at execution)."""
    return and_(
        live(model),
        model.published_at.is_not(None),
        model.published_at <= (utcnow() if now is None else now),
    )


def visible_to(
    model: type[Workflow], *, sees_embargoed: bool, now: datetime | None = None
) -> ColumnElement[bool]:
    """`public()`, plus, for a reader with `embargo:read`, embargoed rows whose time has not
    come (only models with an `embargoed` column have them)."""
    now = now or utcnow()
    if not sees_embargoed or not hasattr(model, "embargoed"):
        return public(model, now=now)
    embargoed = and_(
        model.status == Status.scheduled,
        model.embargoed == true(),  # type: ignore[attr-defined]
        model.published_at > now,
    )
    return or_(public(model, now=now), embargoed)


def settle_status(
    requested: Status, published_at: datetime | None, *, now: datetime
) -> tuple[Status, datetime | None]:
    """What to store when an editor asks for `requested`: publishing with a future time
    is scheduling, and publishing with no time means now."""
    if requested in LIVE_STATUSES:
        if published_at is None:
            published_at = now
        return (Status.scheduled if published_at > now else Status.published), published_at
    return requested, published_at


def effective_status(status: Status, published_at: datetime | None, *, now: datetime) -> Status:
    """The status as admins see it: a scheduled row whose time has passed is published."""
    if status is Status.scheduled and published_at is not None and published_at <= now:
        return Status.published
    return status


def status_condition(
    model: type[Workflow], statuses: list[Status], *, now: datetime
) -> ColumnElement[bool]:
    """Rows whose status, as admins see it (see `effective_status`), is one of `statuses`."""
    conditions = []
    for status in statuses:
        if status is Status.published:
            conditions.append(public(model, now=now))
        elif status is Status.scheduled:
            conditions.append(and_(model.status == Status.scheduled, model.published_at > now))
        else:
            conditions.append(model.status == status)
    return or_(*conditions)
