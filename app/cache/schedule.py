"""The next instant public content changes with no write: a scheduled `published_at`
passing, or an event moving from upcoming to past. No cached answer outlives it."""

from datetime import datetime

from sqlalchemy import Select, func, select, union_all

from app.db import Base
from app.events.models import Event
from app.workflow import LIVE_STATUSES, Workflow, public


def workflow_models() -> list[type[Workflow]]:
    """Every mapped class with a publishing workflow (articles, events, pages, experts)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, Workflow)),
        key=lambda cls: cls.__name__,
    )


def next_change_statement(now: datetime) -> Select[tuple[datetime | None]]:
    """One statement: the earliest future instant at which a public answer changes."""
    parts = [
        select(func.min(model.published_at).label("at")).where(
            model.status.in_(LIVE_STATUSES), model.published_at > now
        )
        for model in workflow_models()
    ]
    ends = func.coalesce(Event.ends_at, Event.starts_at)
    parts.append(select(func.min(ends).label("at")).where(public(Event, now=now), ends > now))
    instants = union_all(*parts).subquery()
    return select(func.min(instants.c.at))


# Columns whose value, on a row just written, is an instant its public answers may change.
MOMENT_COLUMNS = ("published_at", "starts_at", "ends_at")


def as_epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None
