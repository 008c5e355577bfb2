"""Editing experts: every status, revisions, slug history, audit."""

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
from app.editorial.usage import refuse_if_used
from app.errors import NotFound
from app.experts.models import Expert
from app.experts.schemas import ExpertCreate, ExpertUpdate
from app.experts.service import RESOURCE, ExpertFilters, filter_conditions
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import Status, status_condition

_LOAD_OPTIONS = (selectinload(Expert.programs), selectinload(Expert.topics))
_SEPARATE_FIELDS = {"programs", "topics", "status", "published_at", "slug"}
_HTML_FIELDS = {"bio", "short_bio"}


async def list_experts(
    session: AsyncSession, *, filters: ExpertFilters, statuses: list[Status], page: PageParams
) -> tuple[list[Expert], int]:
    """One page of experts in any status, with the public filters plus `status`."""
    where = filter_conditions(filters)
    if statuses:
        where.append(status_condition(Expert, statuses, now=utcnow()))
    total = await session.scalar(select(func.count()).select_from(Expert).where(*where))
    stmt = (
        select(Expert)
        .where(*where)
        .order_by(func.lower(Expert.family_name), func.lower(Expert.given_name), Expert.id)
        .limit(page.per_page)
        .offset(page.offset)
        .options(*_LOAD_OPTIONS)
    )
    return list(await session.scalars(stmt)), total or 0


async def get_expert(session: AsyncSession, *, expert_id: int) -> Expert:
    """The expert with this id, in any status, or NotFound."""
    stmt = select(Expert).where(Expert.id == expert_id).options(*_LOAD_OPTIONS)
    expert = await session.scalar(stmt)
    if expert is None:
        raise NotFound(f"No expert with id {expert_id}.")
    return expert


async def _apply_relations(session: AsyncSession, expert: Expert, data: dict[str, Any]) -> None:
    if "programs" in data:
        expert.programs = await rows_by_slug(
            session, Program, data["programs"] or [], field="programs"
        )
    if "topics" in data:
        expert.topics = await rows_by_slug(session, Topic, data["topics"] or [], field="topics")


def _apply_fields(expert: Expert, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field in _SEPARATE_FIELDS:
            continue
        if field in _HTML_FIELDS and value is not None:
            value = clean_html(value)
        if field == "links":
            value = value or []
        setattr(expert, field, value)


def snapshot(expert: Expert) -> dict[str, Any]:
    """The expert in the write shape (relations as slugs): what a revision keeps."""
    data = ExpertUpdate(
        given_name=expert.given_name,
        family_name=expert.family_name,
        slug=expert.slug,
        status=expert.status,
        published_at=expert.published_at,
        title=expert.title,
        organization=expert.organization,
        short_bio=expert.short_bio,
        bio=expert.bio,
        photo_url=expert.photo_url,
        email=expert.email,
        links=expert.links or [],
        programs=[p.slug for p in expert.programs],
        topics=[t.slug for t in expert.topics],
    )
    return data.model_dump(mode="json")


async def create_expert(session: AsyncSession, *, user: User, data: ExpertCreate) -> Expert:
    """A new expert (a draft unless `status` says otherwise)."""
    values = data.model_dump(exclude_unset=True)
    name = f"{data.given_name} {data.family_name}"
    expert = Expert(
        given_name=data.given_name,
        family_name=data.family_name,
        slug=await claim_slug(session, Expert, requested=data.slug, title=name),
        status=Status.draft,
        links=[],
    )
    expert.programs, expert.topics = [], []
    _apply_fields(expert, values)
    await _apply_relations(session, expert, values)
    apply_status(expert, {"status": data.status, **values}, utcnow())
    session.add(expert)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="create",
        resource=RESOURCE,
        resource_id=expert.id,
        status=expert.status.value,
    )
    return await _reloaded(session, expert)


async def _rename(session: AsyncSession, expert: Expert, requested: str) -> None:
    old_slug = expert.slug
    expert.slug = await claim_slug(
        session, Expert, requested=requested, title=expert.name, exclude_id=expert.id
    )
    await redirects.remember_rename(
        session, resource=RESOURCE, target_id=expert.id, old_slug=old_slug, new_slug=expert.slug
    )


async def update_expert(
    session: AsyncSession, *, user: User, expert: Expert, data: ExpertUpdate
) -> Expert:
    """Apply the fields sent; the state before is kept as a revision."""
    values = data.model_dump(exclude_unset=True)
    before = expert.current_status
    await revisions.keep(
        session,
        resource=RESOURCE,
        resource_id=expert.id,
        number=expert.version,
        data=snapshot(expert),
        user=user,
    )
    if values.get("slug") and values["slug"] != expert.slug:
        await _rename(session, expert, values["slug"])
    _apply_fields(expert, values)
    await _apply_relations(session, expert, values)
    apply_status(expert, values, utcnow())
    expert.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=expert.id,
        fields=sorted(values),
    )
    if action := status_action(before, expert.current_status):
        await audit.record(
            session, user=user, action=action, resource=RESOURCE, resource_id=expert.id
        )
    return await _reloaded(session, expert)


async def _reloaded(session: AsyncSession, expert: Expert) -> Expert:
    """The expert read back after a write, with every relation the response shows."""
    expert_id = expert.id
    session.expire(expert)
    return await get_expert(session, expert_id=expert_id)


async def delete_expert(session: AsyncSession, *, user: User, expert: Expert) -> None:
    """Delete an expert with their slug history and revisions; a 409 while anything uses
    them (archiving keeps them out of public view and their by-lines intact)."""
    instead = "archive the expert instead, or remove them from these first"
    await refuse_if_used(session, expert, kind="Expert", instead=instead)
    await redirects.forget(session, resource=RESOURCE, target_id=expert.id)
    await revisions.forget(session, resource=RESOURCE, resource_id=expert.id)
    await session.delete(expert)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=expert.id,
        slug=expert.slug,
        name=expert.name,
    )


async def restore_revision(
    session: AsyncSession, *, user: User, expert: Expert, number: int
) -> Expert:
    """Bring back an earlier version (the current one is kept as a revision too)."""
    revision = await revisions.get_revision(
        session, resource=RESOURCE, resource_id=expert.id, number=number
    )
    data = ExpertUpdate.model_validate(revision.data)
    restored = await update_expert(session, user=user, expert=expert, data=data)
    await audit.record(
        session,
        user=user,
        action="restore",
        resource=RESOURCE,
        resource_id=expert.id,
        revision=number,
    )
    return restored
