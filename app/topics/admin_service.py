"""Editing topics: the tree stays a tree, slug history, audit."""

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit, redirects
from app.editorial.models import SlugRedirect
from app.editorial.relations import claim_slug, rows_by_slug
from app.editorial.usage import refuse_if_used
from app.errors import InvalidParameter, NotFound
from app.pagination import PageParams
from app.topics.models import Topic
from app.topics.schemas import TopicCreate, TopicUpdate
from app.topics.service import RESOURCE, TopicFilters, filter_conditions

_DETAIL_OPTIONS = (joinedload(Topic.parent), selectinload(Topic.children))
_SEPARATE_FIELDS = {"parent", "slug"}


async def list_topics(
    session: AsyncSession, *, filters: TopicFilters, page: PageParams
) -> tuple[list[Topic], int]:
    """One page of topics by name, with the public list's filters."""
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


async def get_topic(session: AsyncSession, *, topic_id: int) -> Topic:
    """The topic with this id, its parent and children loaded, or NotFound."""
    topic = await session.scalar(
        select(Topic).where(Topic.id == topic_id).options(*_DETAIL_OPTIONS)
    )
    if topic is None:
        raise NotFound(f"No topic with id {topic_id}.")
    return topic


async def _check_not_own_ancestor(session: AsyncSession, topic_id: int, parent: Topic) -> None:
    """Refuse a parent that is the topic itself or one of its descendants."""
    ancestor_id: int | None = parent.id
    seen: set[int] = set()
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == topic_id:
            raise InvalidParameter("parent", "a topic cannot be its own ancestor", location="body")
        seen.add(ancestor_id)
        ancestor_id = await session.scalar(select(Topic.parent_id).where(Topic.id == ancestor_id))


async def _apply_parent(session: AsyncSession, topic: Topic, data: dict[str, Any]) -> None:
    if "parent" not in data:
        return
    if data["parent"] is None:
        topic.parent = None
        return
    [parent] = await rows_by_slug(
        session, Topic, [data["parent"]], field="parent", options=(joinedload(Topic.parent),)
    )
    if topic.id is not None:
        await _check_not_own_ancestor(session, topic.id, parent)
    topic.parent = parent


def _apply_fields(topic: Topic, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field not in _SEPARATE_FIELDS:
            setattr(topic, field, value)


async def create_topic(session: AsyncSession, *, user: User, data: TopicCreate) -> Topic:
    """A new topic, under `parent` if given."""
    values = data.model_dump()
    topic = Topic(
        name=data.name,
        slug=await claim_slug(session, Topic, requested=data.slug, title=data.name),
        parent=None,
    )
    _apply_fields(topic, values)
    await _apply_parent(session, topic, values)
    session.add(topic)
    await session.flush()
    await audit.record(session, user=user, action="create", resource=RESOURCE, resource_id=topic.id)
    return await _reloaded(session, topic)


async def update_topic(
    session: AsyncSession, *, user: User, topic: Topic, data: TopicUpdate
) -> Topic:
    """Apply the fields sent; a new slug keeps the old one as a redirect."""
    values = data.model_dump(exclude_unset=True)
    if values.get("slug") and values["slug"] != topic.slug:
        old_slug = topic.slug
        topic.slug = await claim_slug(
            session, Topic, requested=values["slug"], title=topic.name, exclude_id=topic.id
        )
        await redirects.remember_rename(
            session, resource=RESOURCE, target_id=topic.id, old_slug=old_slug, new_slug=topic.slug
        )
    _apply_fields(topic, values)
    await _apply_parent(session, topic, values)
    topic.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=topic.id,
        fields=sorted(values),
    )
    return await _reloaded(session, topic)


async def _reloaded(session: AsyncSession, topic: Topic) -> Topic:
    """The topic read back after a write, with its parent and children."""
    topic_id = topic.id
    session.expire(topic)
    return await get_topic(session, topic_id=topic_id)


async def delete_topic(session: AsyncSession, *, user: User, topic: Topic) -> None:
    """Delete a topic and its slug history; a 409 while anything uses it."""
    await refuse_if_used(session, topic, kind="Topic", instead="remove it from them first")
    await session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.resource == RESOURCE, SlugRedirect.target_id == topic.id
        )
    )
    await session.delete(topic)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=topic.id,
        slug=topic.slug,
        name=topic.name,
    )
