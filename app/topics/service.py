"""Queries over topics. Topics are always public."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from app.editorial import redirects
from app.errors import Moved
from app.pagination import PageParams
from app.topics.errors import TopicNotFound
from app.topics.models import Topic

RESOURCE = "topic"


@dataclass(frozen=True, slots=True)
class TopicFilters:
    """What the topic list may be narrowed by; both combine with AND."""

    featured: bool | None = None
    parent: str | None = None


def filter_conditions(filters: TopicFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.featured is not None:
        conditions.append(Topic.featured == filters.featured)
    if filters.parent is not None:
        parent = aliased(Topic)
        conditions.append(
            Topic.parent_id.in_(select(parent.id).where(parent.slug == filters.parent))
        )
    return conditions


async def list_topics(
    session: AsyncSession, *, filters: TopicFilters, page: PageParams
) -> tuple[list[Topic], int]:
    """One page of topics by name, and how many match in all."""
    where = filter_conditions(filters)
    total = await session.scalar(select(func.count()).select_from(Topic).where(*where))
    stmt = (
        select(Topic)
        .where(*where)
        .order_by(func.lower(Topic.name), Topic.id)
        .limit(page.per_page)
        .offset(page.offset)
        .options(joinedload(Topic.parent))
    )
    return list(await session.scalars(stmt)), total or 0


async def get_topic(session: AsyncSession, *, slug: str) -> Topic:
    """The topic with this slug (parent and children loaded), Moved, or TopicNotFound."""
    stmt = (
        select(Topic)
        .where(Topic.slug == slug)
        .options(joinedload(Topic.parent), selectinload(Topic.children))
    )
    topic = await session.scalar(stmt)
    if topic is None:
        await _raise_moved(session, slug=slug)
        raise TopicNotFound(slug)
    return topic


async def _raise_moved(session: AsyncSession, *, slug: str) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(select(Topic.slug).where(Topic.id == target))
        if new_slug is not None:
            raise Moved(slug, new_slug)
