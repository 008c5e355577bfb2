"""Queries over articles. Public functions apply the visibility rule themselves."""

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement

from app.articles.errors import ArticleNotFound
from app.articles.models import (
    Article,
    ArticleAuthor,
    ArticleFeaturedExpert,
    ArticleKind,
    ArticleTopic,
    article_program,
)
from app.db import utcnow
from app.editorial import redirects
from app.errors import Moved
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import public

RESOURCE = "article"


class ArticleSort(enum.StrEnum):
    newest = "-published_at"
    oldest = "published_at"
    title = "title"


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What a list may be narrowed by: OR within one field, AND across fields."""

    kind: list[ArticleKind] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    expert: list[str] = field(default_factory=list)
    program: list[str] = field(default_factory=list)
    published_after: datetime | None = None
    published_before: datetime | None = None


def load_options(now: datetime, *, public_only: bool = True) -> list:
    """Eager loads for everything the article schemas show."""
    options = [
        joinedload(Article.primary_topic).joinedload(Topic.parent),
        selectinload(Article.topic_links).joinedload(ArticleTopic.topic),
        selectinload(Article.programs),
        selectinload(Article.author_links).joinedload(ArticleAuthor.expert),
        selectinload(Article.featured_links).joinedload(ArticleFeaturedExpert.expert),
    ]
    if public_only:
        # Experts who are not public are left out of by-lines, on the same rule.
        options.append(with_loader_criteria(Expert, public(Expert, now=now)))
    return options


def filter_conditions(filters: ArticleFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.kind:
        conditions.append(Article.kind.in_(filters.kind))
    if filters.topic:
        topic_ids = select(Topic.id).where(Topic.slug.in_(filters.topic))
        conditions.append(
            exists().where(
                ArticleTopic.article_id == Article.id, ArticleTopic.topic_id.in_(topic_ids)
            )
        )
    if filters.expert:
        expert_ids = select(Expert.id).where(
            Expert.slug.in_(filters.expert), public(Expert, now=now)
        )
        conditions.append(
            or_(
                exists().where(
                    ArticleAuthor.article_id == Article.id, ArticleAuthor.expert_id.in_(expert_ids)
                ),
                exists().where(
                    ArticleFeaturedExpert.article_id == Article.id,
                    ArticleFeaturedExpert.expert_id.in_(expert_ids),
                ),
            )
        )
    if filters.program:
        program_ids = select(Program.id).where(Program.slug.in_(filters.program))
        conditions.append(
            exists().where(
                article_program.c.article_id == Article.id,
                article_program.c.program_id.in_(program_ids),
            )
        )
    if filters.published_after is not None:
        conditions.append(Article.published_at >= filters.published_after)
    if filters.published_before is not None:
        conditions.append(Article.published_at < filters.published_before)
    return conditions


def ordered(stmt: Select, sort: ArticleSort) -> Select:
    if sort is ArticleSort.oldest:
        return stmt.order_by(Article.published_at.asc(), Article.id.asc())
    if sort is ArticleSort.title:
        return stmt.order_by(func.lower(Article.title).asc(), Article.id.asc())
    return stmt.order_by(Article.published_at.desc(), Article.id.desc())


async def list_public_articles(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    sort: ArticleSort = ArticleSort.newest,
    page: PageParams,
) -> tuple[list[Article], int]:
    """One page of public articles matching the filters, and how many match in all."""
    now = utcnow()
    where = [public(Article, now=now), *filter_conditions(filters, now)]
    total = await session.scalar(select(func.count()).select_from(Article).where(*where))
    stmt = ordered(select(Article).where(*where), sort).limit(page.per_page).offset(page.offset)
    rows = await session.scalars(stmt.options(*load_options(now)))
    return list(rows.unique()), total or 0


async def get_public_article(session: AsyncSession, *, slug: str) -> Article:
    """The public article with this slug, or ArticleNotFound."""
    now = utcnow()
    stmt = (
        select(Article)
        .where(Article.slug == slug, public(Article, now=now))
        .options(*load_options(now))
    )
    article = (await session.scalars(stmt)).unique().one_or_none()
    if article is None:
        await _raise_moved(session, slug=slug, now=now)
        raise ArticleNotFound(slug)
    return article


async def _raise_moved(session: AsyncSession, *, slug: str, now: datetime) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(
            select(Article.slug).where(Article.id == target, public(Article, now=now))
        )
        if new_slug is not None:
            raise Moved(slug, new_slug)


async def list_related_articles(
    session: AsyncSession, *, article: Article, page: PageParams
) -> tuple[list[Article], int]:
    """Public articles sharing the most topics with `article`, then the newest; never itself."""
    now = utcnow()
    own_topics = select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article.id)
    shared = (
        select(ArticleTopic.article_id, func.count().label("shared"))
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(
            ArticleTopic.topic_id.in_(own_topics),
            ArticleTopic.article_id != article.id,
            public(Article, now=now),
        )
        .group_by(ArticleTopic.article_id)
        .subquery()
    )
    total = await session.scalar(select(func.count()).select_from(shared))
    stmt = (
        select(Article)
        .join(shared, shared.c.article_id == Article.id)
        .order_by(shared.c.shared.desc(), Article.published_at.desc(), Article.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
        .options(*load_options(now))
    )
    return list((await session.scalars(stmt)).unique()), total or 0
