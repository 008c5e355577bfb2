"""Editing events: every status, speakers, revisions, slug history, audit."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit, redirects, revisions
from app.editorial.lifecycle import apply_status, status_action
from app.editorial.relations import claim_slug, rows_by_slug
from app.editorial.sanitize import clean_html
from app.errors import InvalidParameter, NotFound
from app.events.models import Event, EventSpeaker, EventTopic
from app.events.schemas import EventCreate, EventUpdate, SpeakerWrite
from app.events.service import (
    RESOURCE,
    EventFilters,
    EventSort,
    default_sort,
    filter_conditions,
    ordered,
)
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import Status, status_condition

_RELATION_FIELDS = {"topics", "programs", "speakers"}
_HANDLED_APART = {"status", "published_at", "slug"}

# Unlike the public loads, hidden experts load too: editors see every speaker.
_LOAD_OPTIONS = (
    selectinload(Event.speakers).joinedload(EventSpeaker.expert),
    selectinload(Event.topic_links).joinedload(EventTopic.topic),
    selectinload(Event.programs),
)


async def list_events(
    session: AsyncSession,
    *,
    filters: EventFilters,
    statuses: list[Status],
    sort: EventSort | None,
    page: PageParams,
) -> tuple[list[Event], int]:
    """One page of events in any status, with the public filters plus `status`."""
    now = utcnow()
    where = filter_conditions(filters, now)
    if statuses:
        where.append(status_condition(Event, statuses, now=now))
    total = await session.scalar(select(func.count()).select_from(Event).where(*where))
    stmt = ordered(select(Event).where(*where), sort or default_sort(filters.when))
    stmt = stmt.limit(page.per_page).offset(page.offset).options(*_LOAD_OPTIONS)
    return list((await session.scalars(stmt)).unique()), total or 0


async def get_event(session: AsyncSession, *, event_id: int) -> Event:
    """The event with this id, in any status, or NotFound."""
    stmt = select(Event).where(Event.id == event_id).options(*_LOAD_OPTIONS)
    event = (await session.scalars(stmt)).unique().one_or_none()
    if event is None:
        raise NotFound(f"No event with id {event_id}.")
    return event


async def _speakers(session: AsyncSession, speakers: list[dict[str, Any]]) -> list[EventSpeaker]:
    slugs = [s["expert"] for s in speakers if s.get("expert")]
    experts = {e.slug: e for e in await rows_by_slug(session, Expert, slugs, field="speakers")}
    return [
        EventSpeaker(
            expert=experts[speaker["expert"]] if speaker.get("expert") else None,
            **{k: v for k, v in speaker.items() if k != "expert"},
        )
        for speaker in speakers
    ]


async def _apply_relations(session: AsyncSession, event: Event, data: dict[str, Any]) -> None:
    if "topics" in data:
        event.topics = await rows_by_slug(session, Topic, data["topics"] or [], field="topics")
    if "programs" in data:
        event.programs = await rows_by_slug(
            session, Program, data["programs"] or [], field="programs"
        )
    if "speakers" in data:
        event.speakers = await _speakers(session, data["speakers"] or [])


def _apply_fields(event: Event, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field in _RELATION_FIELDS or field in _HANDLED_APART:
            continue
        if field == "body":
            value = clean_html(value or "")
        setattr(event, field, value)
    if event.ends_at is not None and event.ends_at <= event.starts_at:
        # Name the field the editor sent: moving only the start past the end blames starts_at.
        if "starts_at" in data and "ends_at" not in data:
            raise InvalidParameter("starts_at", "must be earlier than ends_at", location="body")
        raise InvalidParameter("ends_at", "must be later than starts_at", location="body")


def _speaker_snapshot(row: EventSpeaker) -> SpeakerWrite:
    return SpeakerWrite(
        expert=row.expert.slug if row.expert else None,
        name=None if row.expert else row.name,
        title=row.title,
        organization=row.organization,
        photo_url=row.photo_url,
        role=row.role,
    )


def snapshot(event: Event) -> dict[str, Any]:
    """The event in the write shape (relations as slugs): what a revision keeps."""
    data = EventUpdate(
        title=event.title,
        slug=event.slug,
        status=event.status,
        published_at=event.published_at,
        summary=event.summary,
        body=event.body,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        format=event.format,
        location=event.location,
        registration_url=event.registration_url,
        recording_url=event.recording_url,
        image_url=event.image_url,
        cancelled=event.cancelled,
        topics=[t.slug for t in event.topics],
        programs=[p.slug for p in event.programs],
        speakers=[_speaker_snapshot(s) for s in event.speakers],
        seo_title=event.seo_title,
        seo_description=event.seo_description,
        canonical_url=event.canonical_url,
        og_image_url=event.og_image_url,
        noindex=event.noindex,
    )
    return data.model_dump(mode="json")


async def create_event(session: AsyncSession, *, user: User, data: EventCreate) -> Event:
    """A new event, created by `user`."""
    values = data.model_dump(exclude_unset=True)
    event = Event(
        title=data.title,
        slug=await claim_slug(session, Event, requested=data.slug, title=data.title),
        starts_at=data.starts_at,
        status=Status.draft,
        created_by_id=user.id,
        programs=[],
        speakers=[],
    )
    event.topics = []
    _apply_fields(event, values)
    await _apply_relations(session, event, values)
    apply_status(event, {"status": data.status, **values}, utcnow())
    session.add(event)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="create",
        resource=RESOURCE,
        resource_id=event.id,
        status=event.status.value,
    )
    return await _reloaded(session, event)


async def _rename(session: AsyncSession, event: Event, slug: str) -> None:
    old_slug = event.slug
    event.slug = await claim_slug(
        session, Event, requested=slug, title=event.title, exclude_id=event.id
    )
    await redirects.remember_rename(
        session, resource=RESOURCE, target_id=event.id, old_slug=old_slug, new_slug=event.slug
    )


async def update_event(
    session: AsyncSession, *, user: User, event: Event, data: EventUpdate
) -> Event:
    """Apply the fields sent; the state before is kept as a revision."""
    values = data.model_dump(exclude_unset=True)
    before = event.current_status
    await revisions.keep(
        session,
        resource=RESOURCE,
        resource_id=event.id,
        number=event.version,
        data=snapshot(event),
        user=user,
    )
    if values.get("slug") and values["slug"] != event.slug:
        await _rename(session, event, values["slug"])
    _apply_fields(event, values)
    await _apply_relations(session, event, values)
    apply_status(event, values, utcnow())
    event.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=event.id,
        fields=sorted(values),
    )
    if action := status_action(before, event.current_status):
        await audit.record(
            session, user=user, action=action, resource=RESOURCE, resource_id=event.id
        )
    return await _reloaded(session, event)


async def _reloaded(session: AsyncSession, event: Event) -> Event:
    """The event read back after a write, with every relation the response shows."""
    event_id = event.id
    session.expire(event)
    return await get_event(session, event_id=event_id)


async def delete_event(session: AsyncSession, *, user: User, event: Event) -> None:
    """Delete an event with its slug history and revisions."""
    await redirects.forget(session, resource=RESOURCE, target_id=event.id)
    await revisions.forget(session, resource=RESOURCE, resource_id=event.id)
    await session.delete(event)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=event.id,
        slug=event.slug,
        title=event.title,
    )


async def restore_revision(
    session: AsyncSession, *, user: User, event: Event, number: int
) -> Event:
    """Bring back an earlier version (the current one is kept as a revision too)."""
    revision = await revisions.get_revision(
        session, resource=RESOURCE, resource_id=event.id, number=number
    )
    data = EventUpdate.model_validate(revision.data)
    restored = await update_event(session, user=user, event=event, data=data)
    await audit.record(
        session,
        user=user,
        action="restore",
        resource=RESOURCE,
        resource_id=event.id,
        revision=number,
    )
    return restored
