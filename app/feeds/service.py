"""What the feeds show, read through the same public queries as the JSON API."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import service as articles
from app.articles.models import Article
from app.articles.service import ArticleFilters
from app.config import Settings
from app.db import utcnow
from app.events import service as events
from app.events.models import Event
from app.events.service import EventFilters, EventSort
from app.experts.models import Expert
from app.feeds import links
from app.pages.models import Page
from app.pagination import PageParams
from app.programs.models import Program
from app.search.query import SearchQuery
from app.topics.models import Topic
from app.workflow import public

CHUNK = 500
T = TypeVar("T")


async def feed_articles(
    session: AsyncSession, *, filters: ArticleFilters, q: SearchQuery | None, limit: int
) -> list[Article]:
    """The newest public articles matching the filters, as the public list finds them."""
    return await articles.public_articles(
        session, filters=filters, q=q, page=PageParams(page=1, per_page=limit)
    )


async def _all_pages(fetch: Callable[[PageParams], Awaitable[tuple[list[T], int]]]) -> list[T]:
    out: list[T] = []
    page = 1
    while True:
        rows, total = await fetch(PageParams(page=page, per_page=CHUNK))
        out.extend(rows)
        if not rows or len(out) >= total:
            return out
        page += 1


async def calendar_events(session: AsyncSession, *, filters: EventFilters) -> list[Event]:
    """Every public event matching the filters, past and upcoming, oldest first."""
    return await _all_pages(
        lambda page: events.list_public_events(
            session, filters=filters, sort=EventSort.soonest, page=page
        )
    )


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    loc: str
    lastmod: datetime | None


async def sitemap_urls(session: AsyncSession, *, settings: Settings) -> list[SitemapUrl]:
    """Every public, indexable URL of the website with its last change: only the columns
    a sitemap needs, under the same `public()` rule as every public query."""
    now, root = utcnow(), links.site_root(settings)
    urls = [SitemapUrl(root + "/", None)]
    rows = await session.execute(
        select(Article.id, Article.slug, Article.kind, Article.updated_at)
        .where(public(Article, now=now), Article.noindex.is_(False))
        .order_by(Article.id)
    )
    pattern = settings.article_url_pattern
    urls += [
        SitemapUrl(root + pattern.format(kind=kind.value, slug=slug, id=id_), updated)
        for id_, slug, kind, updated in rows
    ]
    sources: list[tuple[type, str, list]] = [
        (Event, settings.event_url_pattern, [public(Event, now=now), Event.noindex.is_(False)]),
        (Page, settings.page_url_pattern, [public(Page, now=now), Page.noindex.is_(False)]),
        (Expert, settings.expert_url_pattern, [public(Expert, now=now)]),
        (Topic, settings.topic_url_pattern, []),
        (Program, settings.program_url_pattern, []),
    ]
    for model, pattern, where in sources:
        rows = await session.execute(
            select(model.id, model.slug, model.updated_at).where(*where).order_by(model.id)
        )
        urls += [
            SitemapUrl(root + pattern.format(kind="", slug=slug, id=id_), updated)
            for id_, slug, updated in rows
        ]
    return urls
