"""Queries over experts. Public functions apply the visibility rule themselves."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from app.db import utcnow
from app.editorial import redirects
from app.errors import Moved
from app.experts.errors import ExpertNotFound
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import public

RESOURCE = "expert"


@dataclass(frozen=True, slots=True)
class ExpertFilters:
    """What the expert list may be narrowed by: OR within one field, AND across fields."""

    topic: list[str] = field(default_factory=list)
    program: list[str] = field(default_factory=list)


_LOAD_OPTIONS = (selectinload(Expert.programs), selectinload(Expert.topics))


def filter_conditions(filters: ExpertFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.topic:
        conditions.append(Expert.topics.any(Topic.slug.in_(filters.topic)))
    if filters.program:
        conditions.append(Expert.programs.any(Program.slug.in_(filters.program)))
    return conditions


async def list_public_experts(
    session: AsyncSession, *, filters: ExpertFilters, page: PageParams
) -> tuple[list[Expert], int]:
    """One page of public experts by family name, and how many match in all."""
    where = [public(Expert, now=utcnow()), *filter_conditions(filters)]
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


async def get_public_expert(session: AsyncSession, *, slug: str) -> Expert:
    """The public expert with this slug, Moved if it was renamed, or ExpertNotFound."""
    now = utcnow()
    stmt = (
        select(Expert).where(Expert.slug == slug, public(Expert, now=now)).options(*_LOAD_OPTIONS)
    )
    expert = await session.scalar(stmt)
    if expert is None:
        await _raise_moved(session, slug=slug, now=now)
        raise ExpertNotFound(slug)
    return expert


async def _raise_moved(session: AsyncSession, *, slug: str, now: datetime) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(
            select(Expert.slug).where(Expert.id == target, public(Expert, now=now))
        )
        if new_slug is not None:
            raise Moved(slug, new_slug)
