"""Queries over articles. Public functions apply the visibility rule themselves."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement

from app.articles import listing
from app.articles.errors import ArticleNotFound
from app.articles.models import (
    KIND_LABELS,
    Article,
    ArticleAuthor,
    ArticleFeaturedExpert,
    ArticleKind,
    ArticleTally,
    ArticleTopic,
    article_program,
)
from app.db import plan_for_values, utcnow
from app.editorial import redirects
from app.errors import InvalidParameter, Moved
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.search.backends import backend_for as search_backend
from app.search.backends import capped, window
from app.search.query import SearchQuery
from app.search.sources import SOURCES, SearchType
from app.topics.models import Topic
from app.workflow import Status, live, public, visible_to

RESOURCE = "article"


class ArticleSort(enum.StrEnum):
    newest = "-published_at"
    oldest = "published_at"
    title = "title"


class PublicArticleSort(enum.StrEnum):
    """The public list's orders: the editors' ones, and `relevance` when searching."""

    newest = ArticleSort.newest.value
    oldest = ArticleSort.oldest.value
    title = ArticleSort.title.value
    relevance = "relevance"


class TopicMatch(enum.StrEnum):
    any = "any"
    all = "all"


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What a list may be narrowed by: OR within one field, AND across fields."""

    kind: list[ArticleKind] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    topic_match: TopicMatch = TopicMatch.any
    exclude_topic: list[str] = field(default_factory=list)
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


def _tagged(slugs: list[str]) -> ColumnElement[bool]:
    """The article carries at least one of these topics (one row per link, so an article
    with many topics is matched, or excluded, correctly)."""
    topic_ids = select(Topic.id).where(Topic.slug.in_(slugs))
    return exists().where(
        ArticleTopic.article_id == Article.id, ArticleTopic.topic_id.in_(topic_ids)
    )


def filter_conditions(filters: ArticleFilters, now: datetime) -> list[ColumnElement[bool]]:
    """The SQL conditions for the filters: OR within one field, AND across fields."""
    conditions: list[ColumnElement[bool]] = []
    if filters.kind:
        conditions.append(Article.kind.in_(filters.kind))
    if filters.topic and filters.topic_match is TopicMatch.all:
        conditions.extend(_tagged([slug]) for slug in filters.topic)
    elif filters.topic:
        conditions.append(_tagged(filters.topic))
    if filters.exclude_topic:
        conditions.append(~_tagged(filters.exclude_topic))
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


def _public_list(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    q: SearchQuery | None,
    sort: PublicArticleSort,
    page: PageParams,
    sees_embargoed: bool,
    now: datetime,
    columns: tuple = (Article,),
) -> tuple[Select, Select]:
    """The count and the page statements of a public list."""
    if sort is PublicArticleSort.relevance and q is None:
        raise InvalidParameter("sort", "`relevance` needs a search query in `q`")
    visible = visible_to(Article, sees_embargoed=sees_embargoed, now=now)
    where = [visible, *filter_conditions(filters, now)]
    rank = None
    if q is not None:  # ranked and counted among the newest matches (see search.window)
        backend, source = search_backend(session), SOURCES[SearchType.article]
        count = select(func.count()).select_from(window(backend, source, q, where, counting=True))
        top = window(backend, source, q, where)
        stmt, rank = backend.rank(select(*columns).join(top, top.c.id == Article.id), source, q)
    else:
        stmt = select(*columns).where(*where)
        if _tallied(filters):
            count = _count_from_tally(filters, sees_embargoed=sees_embargoed, now=now)
        else:
            count = select(func.count()).select_from(Article).where(*where)
    if sort is PublicArticleSort.relevance:
        stmt = stmt.order_by(rank.desc(), Article.published_at.desc(), Article.id.desc())
    else:
        stmt = ordered(stmt, ArticleSort(sort.value))
    return count, stmt.limit(page.per_page).offset(page.offset)


def _tallied(filters: ArticleFilters) -> bool:
    """Whether the count can come from the tally: no filter but `kind`."""
    return not (
        filters.topic
        or filters.exclude_topic
        or filters.expert
        or filters.program
        or filters.published_after
        or filters.published_before
    )


def _count_from_tally(filters: ArticleFilters, *, sees_embargoed: bool, now: datetime) -> Select:
    """The count of `visible_to(...)` articles of these kinds, without counting them: the
    live ones (kept by triggers), less the live ones whose time has not come (few, and
    found through the live-rows index); an embargo reader keeps the embargoed among those."""
    tally = select(func.coalesce(func.sum(ArticleTally.live), 0))
    early = (
        select(func.count()).select_from(Article).where(live(Article), Article.published_at > now)
    )
    if filters.kind:
        tally = tally.where(ArticleTally.kind.in_([kind.value for kind in filters.kind]))
        early = early.where(Article.kind.in_(filters.kind))
    if sees_embargoed:
        early = early.where(~and_(Article.status == Status.scheduled, Article.embargoed == true()))
    return select(tally.scalar_subquery() - early.scalar_subquery())


async def public_articles(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    q: SearchQuery | None = None,
    sort: PublicArticleSort = PublicArticleSort.newest,
    page: PageParams,
) -> list[Article]:
    """One page of public articles matching the filters (and `q`), as ORM rows with every
    relation loaded, and no total: what the feeds render."""
    now = utcnow()
    _, stmt = _public_list(
        session, filters=filters, q=q, sort=sort, page=page, sees_embargoed=False, now=now
    )
    return list((await session.scalars(stmt.options(*load_options(now)))).unique())


async def list_public_summaries(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    q: SearchQuery | None = None,
    sort: PublicArticleSort = PublicArticleSort.newest,
    page: PageParams,
    sees_embargoed: bool = False,
) -> tuple[list[dict], int, bool]:
    """One page of public articles matching the filters (and `q`), as list items (the
    shape of `ArticleSummary`, built without ORM objects), how many match in all
    (embargoed ones too, for a reader who `sees_embargoed`), and whether that is all of
    them (a search counts at most `search.backends.WINDOW`): what the list endpoint serves."""
    now = utcnow()
    if q is not None:
        await plan_for_values(session)
    count, stmt = _public_list(
        session,
        filters=filters,
        q=q,
        sort=sort,
        page=page,
        sees_embargoed=sees_embargoed,
        now=now,
        columns=listing.COLUMNS,
    )
    total = await session.scalar(count) or 0
    rows = (await session.execute(stmt)).all()
    items = await listing.summaries(session, rows, now=now)
    if q is not None:
        return items, *capped(total)
    return items, total, True


async def get_public_article(
    session: AsyncSession, *, slug: str, sees_embargoed: bool = False
) -> Article:
    """The public article with this slug (or embargoed, for a reader who `sees_embargoed`),
    or ArticleNotFound."""
    now = utcnow()
    stmt = (
        select(Article)
        .where(Article.slug == slug, visible_to(Article, sees_embargoed=sees_embargoed, now=now))
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


class Facet(enum.StrEnum):
    topic = "topic"
    kind = "kind"
    program = "program"
    expert = "expert"
    year = "year"


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    label: str
    count: int


def _matching_ids(
    session: AsyncSession,
    filters: ArticleFilters,
    q: SearchQuery | None,
    now: datetime,
    *,
    sees_embargoed: bool,
) -> Select:
    visible = visible_to(Article, sees_embargoed=sees_embargoed, now=now)
    conditions = [visible, *filter_conditions(filters, now)]
    if q is not None:  # what the list shows: the newest matches
        top = window(search_backend(session), SOURCES[SearchType.article], q, conditions)
        return select(top.c.id)
    return select(Article.id).where(*conditions)


def _facet_query(facet: Facet, ids: Select, now: datetime) -> Select:
    article = func.count(func.distinct(Article.id))
    if facet is Facet.kind:
        kind = cast(Article.kind, String)
        return select(kind, kind, article).where(Article.id.in_(ids)).group_by(Article.kind)
    if facet is Facet.year:
        year = cast(cast(func.extract("year", Article.published_at), Integer), String)
        return select(year, year, article).where(Article.id.in_(ids)).group_by(year)
    if facet is Facet.topic:
        return (
            select(Topic.slug, Topic.name, func.count(func.distinct(ArticleTopic.article_id)))
            .join(ArticleTopic, ArticleTopic.topic_id == Topic.id)
            .where(ArticleTopic.article_id.in_(ids))
            .group_by(Topic.slug, Topic.name)
        )
    if facet is Facet.program:
        return (
            select(
                Program.slug, Program.name, func.count(func.distinct(article_program.c.article_id))
            )
            .join(article_program, article_program.c.program_id == Program.id)
            .where(article_program.c.article_id.in_(ids))
            .group_by(Program.slug, Program.name)
        )
    people = (
        select(ArticleAuthor.article_id, ArticleAuthor.expert_id)
        .union(select(ArticleFeaturedExpert.article_id, ArticleFeaturedExpert.expert_id))
        .subquery()
    )
    name = Expert.given_name + " " + Expert.family_name
    return (
        select(Expert.slug, name, func.count(func.distinct(people.c.article_id)))
        .join(people, people.c.expert_id == Expert.id)
        .where(people.c.article_id.in_(ids), public(Expert, now=now))
        .group_by(Expert.slug, Expert.given_name, Expert.family_name)
    )


def _label(facet: Facet, value: object, label: object) -> tuple[str, str]:
    if facet is Facet.kind:
        kind = ArticleKind(value)
        return kind.value, KIND_LABELS[kind]
    if facet is Facet.year:
        return str(int(value)), str(int(value))  # type: ignore[call-overload]
    return str(value), str(label)


async def count_facets(
    session: AsyncSession,
    *,
    filters: ArticleFilters,
    q: SearchQuery | None,
    facets: list[Facet],
    sees_embargoed: bool = False,
) -> dict[str, list[FacetCount]]:
    """How many public articles matching the filters fall under each value of each facet,
    most first, all in one statement."""
    now = utcnow()
    # One statement: the matching articles found once, every facet counted over them.
    matching = _matching_ids(session, filters, q, now, sees_embargoed=sees_embargoed).cte()
    ids = select(matching.c.id)
    counted = union_all(
        *(
            _facet_query(facet, ids, now).add_columns(literal(facet.value, String))
            for facet in facets
        )
    )
    found: dict[Facet, list[tuple[Any, Any, int]]] = {facet: [] for facet in facets}
    for value, label, count, name in await session.execute(counted):
        found[Facet(name)].append((value, label, count))
    return {facet.value: facet_counts(facet, rows) for facet, rows in found.items()}


def facet_counts(facet: Facet, rows: Iterable[tuple[Any, Any, int]]) -> list[FacetCount]:
    """One facet's (value, label, count) rows as the API shows them: labelled, years newest
    first, the rest most first."""
    counts = [FacetCount(*_label(facet, value, label), count) for value, label, count in rows]
    if facet is Facet.year:
        counts.sort(key=lambda c: c.value, reverse=True)
    else:
        counts.sort(key=lambda c: (-c.count, c.label.lower()))
    return counts
