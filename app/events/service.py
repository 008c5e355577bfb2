"""Queries over events. Public functions apply the visibility rule themselves."""

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement

from app.db import utcnow
from app.editorial import redirects
from app.errors import Moved
from app.events.errors import EventNotFound
from app.events.models import Event, EventFormat, EventSpeaker, EventTopic, event_program
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import public

RESOURCE = "event"


class EventWhen(enum.StrEnum):
    upcoming = "upcoming"
    past = "past"


class EventSort(enum.StrEnum):
    soonest = "starts_at"
    latest = "-starts_at"


@dataclass(frozen=True, slots=True)
class EventFilters:
    """What a list may be narrowed by: OR within one field, AND across fields."""

    when: EventWhen | None = None
    topic: list[str] = field(default_factory=list)
    program: list[str] = field(default_factory=list)
    format: list[EventFormat] = field(default_factory=list)
    starts_after: datetime | None = None
    starts_before: datetime | None = None


def default_sort(when: EventWhen | None) -> EventSort:
    """Upcoming events soonest first; anything else newest first."""
    return EventSort.soonest if when is EventWhen.upcoming else EventSort.latest


def _load_options(now: datetime) -> list:
    return [
        selectinload(Event.speakers).joinedload(EventSpeaker.expert),
        selectinload(Event.topic_links).joinedload(EventTopic.topic),
        selectinload(Event.programs),
        # Experts who are not public do not load; their speaker rows are dropped when rendered.
        with_loader_criteria(Expert, public(Expert, now=now)),
    ]


def _when_condition(when: EventWhen, now: datetime) -> ColumnElement[bool]:
    # An event without an end time is over once it has started.
    ends = func.coalesce(Event.ends_at, Event.starts_at)
    return ends >= now if when is EventWhen.upcoming else ends < now


def filter_conditions(filters: EventFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.when is not None:
        conditions.append(_when_condition(filters.when, now))
    if filters.topic:
        topic_ids = select(Topic.id).where(Topic.slug.in_(filters.topic))
        conditions.append(
            exists().where(EventTopic.event_id == Event.id, EventTopic.topic_id.in_(topic_ids))
        )
    if filters.program:
        program_ids = select(Program.id).where(Program.slug.in_(filters.program))
        conditions.append(
            exists().where(
                event_program.c.event_id == Event.id, event_program.c.program_id.in_(program_ids)
            )
        )
    if filters.format:
        conditions.append(Event.format.in_(filters.format))
    if filters.starts_after is not None:
        conditions.append(Event.starts_at >= filters.starts_after)
    if filters.starts_before is not None:
        conditions.append(Event.starts_at < filters.starts_before)
    return conditions


def ordered(stmt: Select, sort: EventSort) -> Select:
    if sort is EventSort.soonest:
        return stmt.order_by(Event.starts_at.asc(), Event.id.asc())
    return stmt.order_by(Event.starts_at.desc(), Event.id.desc())


async def list_public_events(
    session: AsyncSession,
    *,
    filters: EventFilters,
    sort: EventSort | None = None,
    page: PageParams,
) -> tuple[list[Event], int]:
    """One page of public events matching the filters, and how many match in all."""
    now = utcnow()
    where = [public(Event, now=now), *filter_conditions(filters, now)]
    total = await session.scalar(select(func.count()).select_from(Event).where(*where))
    stmt = ordered(select(Event).where(*where), sort or default_sort(filters.when))
    stmt = stmt.limit(page.per_page).offset(page.offset).options(*_load_options(now))
    return list((await session.scalars(stmt)).unique()), total or 0


async def get_public_event(session: AsyncSession, *, slug: str) -> Event:
    """The public event with this slug, or EventNotFound."""
    now = utcnow()
    stmt = (
        select(Event).where(Event.slug == slug, public(Event, now=now)).options(*_load_options(now))
    )
    event = (await session.scalars(stmt)).unique().one_or_none()
    if event is None:
        await _raise_moved(session, slug=slug, now=now)
        raise EventNotFound(slug)
    return event


async def _raise_moved(session: AsyncSession, *, slug: str, now: datetime) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(
            select(Event.slug).where(Event.id == target, public(Event, now=now))
        )
        if new_slug is not None:
            raise Moved(slug, new_slug)
