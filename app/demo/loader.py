"""Loads the demo site from `app.demo.content`, creating only what is missing.

Rows are found by slug (the site row by its existence); a row that is already there is
left exactly as it is, links included, so a second run creates and changes nothing.
"""

from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import UTC, date, datetime, time
from html import escape
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article, ArticleKind
from app.demo import content
from app.events.models import Event, EventFormat
from app.experts.models import Expert
from app.pages.models import Page
from app.programs.models import Program
from app.site.models import Menu, MenuItem, Site
from app.topics.models import Topic
from app.workflow import Status

Row = TypeVar("Row", Topic, Program, Expert, Article, Event, Page, Menu)


async def load_demo(session: AsyncSession, *, tz: ZoneInfo) -> dict[str, int]:
    """Insert whatever part of the demo site is missing; return the rows created, by kind."""
    topics, new_topics = await _load_topics(session)
    programs, new_programs = await _load_programs(session)
    experts, new_experts = await _load_experts(session, programs=programs, tz=tz)
    _appoint_directors(new_programs, experts)
    await session.flush()
    new_articles = await _load_articles(session, topics=topics, experts=experts, tz=tz)
    new_events = await _load_events(session, topics=topics, tz=tz)
    new_pages = await _load_pages(session, tz=tz)
    new_menus = await _load_menus(session)
    new_site = await _load_site(session)
    return {
        "topics": len(new_topics),
        "programs": len(new_programs),
        "experts": len(new_experts),
        "articles": new_articles,
        "events": new_events,
        "pages": new_pages,
        "menus": new_menus,
        "site": new_site,
    }


def _at_nine(day: date, tz: ZoneInfo) -> datetime:
    """09:00 on `day` in the site time zone, as a UTC instant: what a date-only seed means."""
    return datetime.combine(day, time(9), tzinfo=tz).astimezone(UTC)


def _html(paragraphs: Iterable[str]) -> str:
    return "\n".join(f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)


async def _existing(
    session: AsyncSession, model: type[Row], slugs: Iterable[str]
) -> dict[str, Row]:
    rows = await session.scalars(select(model).where(model.slug.in_(list(slugs))))
    return {row.slug: row for row in rows}


async def _missing(
    session: AsyncSession, model: type[Row], specs: Sequence[dict[str, Any]], slug_of: Any
) -> tuple[dict[str, Row], list[tuple[str, dict[str, Any]]]]:
    """The rows already there by slug, and the (slug, spec) pairs still to create."""
    found = await _existing(session, model, (slug_of(spec) for spec in specs))
    return found, [(slug_of(spec), spec) for spec in specs if slug_of(spec) not in found]


def _by_name(spec: dict[str, Any]) -> str:
    return slugify(spec["name"])


def _by_title(spec: dict[str, Any]) -> str:
    return slugify(spec["title"])


def _by_person(spec: dict[str, Any]) -> str:
    return slugify(f"{spec['given_name']} {spec['family_name']}")


async def _load_topics(session: AsyncSession) -> tuple[dict[str, Topic], list[Topic]]:
    topics, missing = await _missing(session, Topic, content.TOPICS, _by_name)
    new = {
        slug: Topic(
            slug=slug,
            name=spec["name"],
            featured=spec.get("featured", False),
            position=spec.get("position", 0),
        )
        for slug, spec in missing
    }
    topics.update(new)
    for slug, spec in missing:
        if parent := spec.get("parent"):
            new[slug].parent = topics[slugify(parent)]
    session.add_all(new.values())
    return topics, list(new.values())


async def _load_programs(session: AsyncSession) -> tuple[dict[str, Program], list[Program]]:
    programs, missing = await _missing(session, Program, content.PROGRAMS, _by_name)
    new = [
        Program(slug=slug, name=spec["name"], position=spec["position"]) for slug, spec in missing
    ]
    programs.update((program.slug, program) for program in new)
    session.add_all(new)
    return programs, new


async def _load_experts(
    session: AsyncSession, *, programs: dict[str, Program], tz: ZoneInfo
) -> tuple[dict[str, Expert], list[Expert]]:
    experts, missing = await _missing(session, Expert, content.EXPERTS, _by_person)
    new = [
        Expert(
            slug=slug,
            given_name=spec["given_name"],
            family_name=spec["family_name"],
            title=spec.get("title"),
            organization=spec.get("organization"),
            programs=[programs[slugify(name)] for name in spec.get("programs", [])],
            status=Status.published,
            published_at=_at_nine(content.UNDATED, tz),
        )
        for slug, spec in missing
    ]
    experts.update((expert.slug, expert) for expert in new)
    session.add_all(new)
    return experts, new


def _appoint_directors(new_programs: list[Program], experts: dict[str, Expert]) -> None:
    directors = {_by_name(spec): spec.get("director") for spec in content.PROGRAMS}
    for program in new_programs:
        if director := directors[program.slug]:
            program.director = experts[slugify(director)]


async def _load_articles(
    session: AsyncSession, *, topics: dict[str, Topic], experts: dict[str, Expert], tz: ZoneInfo
) -> int:
    _, missing = await _missing(session, Article, content.ARTICLES, _by_title)
    # Oldest first, so that same-day pieces (newest first, then highest id) list as on the page.
    for slug, spec in reversed(missing):
        session.add(_article(slug, spec, topics=topics, experts=experts, tz=tz))
    await session.flush()
    return len(missing)


def _article(
    slug: str,
    spec: dict[str, Any],
    *,
    topics: dict[str, Topic],
    experts: dict[str, Expert],
    tz: ZoneInfo,
) -> Article:
    published_at = _at_nine(spec["date"], tz)
    its_topics = [topics[slugify(name)] for name in spec["topics"]]
    article = Article(
        slug=slug,
        kind=ArticleKind(spec["kind"]),
        title=spec["title"],
        summary=None,
        body=_html(spec.get("paragraphs", [])),
        external_url=spec.get("external_url"),
        outlet=spec.get("outlet"),
        press_contact=deepcopy(spec.get("press_contact")),
        primary_topic=its_topics[0],
        status=Status.published,
        published_at=published_at,
        updated_at=published_at,
    )
    article.topics = its_topics
    article.authors = [experts[slugify(name)] for name in spec.get("authors", [])]
    article.featured_experts = [experts[slugify(n)] for n in spec.get("featured_experts", [])]
    return article


async def _load_events(session: AsyncSession, *, topics: dict[str, Topic], tz: ZoneInfo) -> int:
    _, missing = await _missing(session, Event, content.EVENTS, _by_title)
    # Oldest first, as for articles.
    session.add_all(_event(slug, spec, topics=topics, tz=tz) for slug, spec in reversed(missing))
    await session.flush()
    return len(missing)


def _event(slug: str, spec: dict[str, Any], *, topics: dict[str, Topic], tz: ZoneInfo) -> Event:
    starts_at = _at_nine(spec["date"], tz)
    event = Event(
        slug=slug,
        title=spec["title"],
        starts_at=starts_at,
        ends_at=None,
        timezone=tz.key,
        format=EventFormat(spec["format"]),
        status=Status.published,
        published_at=starts_at,
        updated_at=starts_at,
    )
    event.topics = [topics[slugify(name)] for name in spec["topics"]]
    return event


async def _load_pages(session: AsyncSession, *, tz: ZoneInfo) -> int:
    _, missing = await _missing(session, Page, content.PAGES, lambda spec: spec["slug"])
    session.add_all(
        Page(
            slug=slug,
            title=spec["title"],
            body=_html(spec["paragraphs"]),
            status=Status.published,
            published_at=_at_nine(content.UNDATED, tz),
        )
        for slug, spec in missing
    )
    await session.flush()
    return len(missing)


async def _load_menus(session: AsyncSession) -> int:
    _, missing = await _missing(session, Menu, content.MENUS, lambda spec: spec["slug"])
    for slug, spec in missing:
        menu = Menu(slug=slug, name=spec["name"], position=content.MENUS.index(spec))
        session.add(menu)
        await _add_menu_items(session, menu, spec["items"])
    return len(missing)


async def _add_menu_items(
    session: AsyncSession, menu: Menu, items: list[tuple[str, str | None, list[tuple[str, str]]]]
) -> None:
    parents = [
        MenuItem(menu=menu, label=label, url=url, position=i)
        for i, (label, url, _) in enumerate(items)
    ]
    session.add_all(parents)
    await session.flush()
    session.add_all(
        MenuItem(menu=menu, parent_id=parent.id, label=label, url=url, position=i)
        for parent, (_, _, children) in zip(parents, items, strict=True)
        for i, (label, url) in enumerate(children)
    )
    await session.flush()


async def _load_site(session: AsyncSession) -> int:
    if await session.scalar(select(func.count()).select_from(Site)):
        return 0
    session.add(Site(**deepcopy(content.SITE)))
    await session.flush()
    return 1
