"""Feed routes, mounted at the root (not under /api/v1). Conditional GET, ETag and 304 come
from the cache middleware, which covers /feeds and /sitemap.xml (`app.cache.keys`).

They are in the OpenAPI document with their real media types (RSS, Atom, JSON Feed,
iCalendar, XML).
"""

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app import urls
from app.articles.dependencies import ArticleFiltersDep
from app.articles.models import KIND_LABELS, ArticleKind
from app.articles.service import ArticleFilters
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.errors import Moved, NotFound
from app.events.service import EventFilters
from app.experts import service as experts
from app.feeds import calendar, links, service, sitemap, syndication
from app.feeds.syndication import FeedInfo
from app.openapi import problem_responses
from app.programs import service as programs
from app.search.dependencies import OptionalSearchQueryDep
from app.search.query import SearchQuery
from app.topics import service as topics

router = APIRouter(tags=["Feeds"])

_TEXT = {"schema": {"type": "string"}}
_FEED = {
    200: {
        "description": "The feed: `.rss` (RSS 2.0), `.atom` (Atom 1.0) or `.json` (JSON Feed 1.1).",
        "content": {
            "application/rss+xml": _TEXT,
            "application/atom+xml": _TEXT,
            "application/feed+json": {"schema": {"type": "object"}},
        },
    },
    **problem_responses(404, 422),
}
_ICS = {
    200: {"description": "An iCalendar file.", "content": {"text/calendar": _TEXT}},
    **problem_responses(404),
}
_XML = {
    200: {"description": "A sitemap (or sitemap index).", "content": {"application/xml": _TEXT}},
    **problem_responses(404),
}

MAX_LIMIT = 100
LimitDep = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"How many items, newest first; at most {MAX_LIMIT}."),
]


class FeedNotFound(NotFound):
    code = "feed-not-found"
    title = "No such feed"


def _format(ext: str) -> str:
    if ext not in syndication.RENDERERS:
        raise FeedNotFound(f"No feed format {ext!r}: use rss, atom or json.")
    return ext


def _moved(request: Request, exc: Moved) -> RedirectResponse:
    path = request.scope["path"].replace(f"/{exc.old_slug}.", f"/{exc.new_slug}.", 1)
    return RedirectResponse(urls.this_url(request.scope, path=path), status_code=301)


@dataclass(slots=True)
class FeedRequest:
    """What every article feed is built from: the query's filters, `q`, `limit`."""

    request: Request
    session: AsyncSession
    settings: Settings
    filters: ArticleFilters
    q: SearchQuery | None
    limit: int

    async def answer(
        self, ext: str, *, key: str, title: str, home: str, **subject: list
    ) -> Response:
        """The feed in format `ext`, its filters narrowed to the path's subject."""
        render, media_type = syndication.RENDERERS[_format(ext)]
        filters = _narrowed(self.filters, **subject) if subject else self.filters
        rows = await service.feed_articles(
            self.session, filters=filters, q=self.q, limit=self.limit
        )
        items = [syndication.to_item(self.settings, row) for row in rows]
        site = self.settings.site_name
        info = FeedInfo(
            key=key,
            title=f"{site}: {title}",
            description=f"The latest from {site}: {title}.",
            home_url=home,
            self_url=urls.this_url(self.request.scope),
        )
        return Response(render(self.settings, info, items), media_type=media_type)


async def feed_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    filters: ArticleFiltersDep,
    q: OptionalSearchQueryDep,
    limit: LimitDep = 30,
) -> FeedRequest:
    return FeedRequest(request, session, settings, filters, q, limit)


FeedDep = Annotated[FeedRequest, Depends(feed_request)]


@router.get(
    "/feeds/events.ics",
    summary="Calendar of events",
    response_class=Response,
    responses=_ICS,
)
async def events_calendar(session: SessionDep, settings: SettingsDep) -> Response:
    """Every public event, past and upcoming, as iCalendar."""
    rows = await service.calendar_events(session, filters=EventFilters())
    body = calendar.calendar(settings, name=f"{settings.site_name} events", events=rows)
    return Response(body, media_type=calendar.MEDIA_TYPE)


@router.get(
    "/feeds/topics/{slug}.ics",
    summary="Calendar of a topic's events",
    response_class=Response,
    responses=_ICS,
)
async def topic_calendar(
    slug: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The public events on one topic, as iCalendar."""
    try:
        topic = await topics.get_topic(session, slug=slug)
    except Moved as exc:
        return _moved(request, exc)
    rows = await service.calendar_events(session, filters=EventFilters(topic=[topic.slug]))
    name = f"{settings.site_name} events: {topic.name}"
    return Response(
        calendar.calendar(settings, name=name, events=rows), media_type=calendar.MEDIA_TYPE
    )


@router.get(
    "/feeds/programs/{slug}.ics",
    summary="Calendar of a program's events",
    response_class=Response,
    responses=_ICS,
)
async def program_calendar(
    slug: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The public events of one program, as iCalendar."""
    try:
        program = await programs.get_program(session, slug=slug)
    except Moved as exc:
        return _moved(request, exc)
    rows = await service.calendar_events(session, filters=EventFilters(program=[program.slug]))
    name = f"{settings.site_name} events: {program.name}"
    return Response(
        calendar.calendar(settings, name=name, events=rows), media_type=calendar.MEDIA_TYPE
    )


@router.get(
    "/feeds/articles.{ext}",
    summary="Feed of articles",
    response_class=Response,
    responses=_FEED,
)
async def articles_feed(ext: str, feed: FeedDep) -> Response:
    """The newest public articles; every filter of /api/v1/articles applies."""
    home = links.site_root(feed.settings) + "/"
    return await feed.answer(ext, key="articles", title="Latest", home=home)


@router.get(
    "/feeds/topics/{slug}.{ext}",
    summary="Feed of a topic",
    response_class=Response,
    responses=_FEED,
)
async def topic_feed(slug: str, ext: str, feed: FeedDep) -> Response:
    """The newest public articles on one topic."""
    _format(ext)
    try:
        topic = await topics.get_topic(feed.session, slug=slug)
    except Moved as exc:
        return _moved(feed.request, exc)
    home = links.topic_url(feed.settings, topic)
    return await feed.answer(
        ext, key=f"topic/{topic.id}", title=topic.name, home=home, topic=[topic.slug]
    )


@router.get(
    "/feeds/experts/{slug}.{ext}",
    summary="Feed of an expert",
    response_class=Response,
    responses=_FEED,
)
async def expert_feed(slug: str, ext: str, feed: FeedDep) -> Response:
    """The newest public articles by or featuring one expert."""
    _format(ext)
    try:
        expert = await experts.get_public_expert(feed.session, slug=slug)
    except Moved as exc:
        return _moved(feed.request, exc)
    home = links.expert_url(feed.settings, expert)
    return await feed.answer(
        ext, key=f"expert/{expert.id}", title=expert.name, home=home, expert=[expert.slug]
    )


@router.get(
    "/feeds/programs/{slug}.{ext}",
    summary="Feed of a program",
    response_class=Response,
    responses=_FEED,
)
async def program_feed(slug: str, ext: str, feed: FeedDep) -> Response:
    """The newest public articles of one program."""
    _format(ext)
    try:
        program = await programs.get_program(feed.session, slug=slug)
    except Moved as exc:
        return _moved(feed.request, exc)
    home = links.program_url(feed.settings, program)
    return await feed.answer(
        ext, key=f"program/{program.id}", title=program.name, home=home, program=[program.slug]
    )


@router.get(
    "/feeds/kinds/{kind_name}.{ext}",
    summary="Feed of one kind of article",
    response_class=Response,
    responses=_FEED,
)
async def kind_feed(kind_name: str, ext: str, feed: FeedDep) -> Response:
    """The newest public articles of one kind (op-ed, in-the-media, ...)."""
    _format(ext)
    try:
        kind = ArticleKind(kind_name)
    except ValueError:
        raise FeedNotFound(f"No article kind {kind_name!r}.") from None
    home = links.site_root(feed.settings) + "/"
    return await feed.answer(
        ext, key=f"kind/{kind.value}", title=KIND_LABELS[kind], home=home, kind=[kind]
    )


def _narrowed(filters: ArticleFilters, **path: list) -> ArticleFilters:
    """The query's filters with the path's subject; the path wins over the same parameter."""
    return replace(filters, **path)


@router.get(
    "/sitemap.xml",
    summary="Sitemap",
    response_class=Response,
    responses=_XML,
)
async def sitemap_xml(session: SessionDep, settings: SettingsDep) -> Response:
    """Every public URL of the website, or an index of child sitemaps past the limit."""
    urls = await service.sitemap_urls(session, settings=settings)
    if sitemap.pages(urls) == 1:
        return Response(sitemap.urlset(urls), media_type=sitemap.MEDIA_TYPE)
    base = settings.api_url
    return Response(sitemap.index(urls, base=base), media_type=sitemap.MEDIA_TYPE)


@router.get(
    "/sitemap-{number:int}.xml",
    summary="Child sitemap",
    response_class=Response,
    responses=_XML,
)
async def child_sitemap(number: int, session: SessionDep, settings: SettingsDep) -> Response:
    """One child sitemap of the index."""
    urls = await service.sitemap_urls(session, settings=settings)
    if not 1 <= number <= sitemap.pages(urls):
        raise FeedNotFound(f"No sitemap number {number}.")
    return Response(sitemap.urlset(sitemap.chunk(urls, number)), media_type=sitemap.MEDIA_TYPE)
