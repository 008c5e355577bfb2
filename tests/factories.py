"""Small async builders for test data. Keyword-only, with defaults that make public content."""

import functools
import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slugify import slugify
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article, ArticleKind
from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.db import utcnow
from app.events.models import Event, EventFormat, EventSpeaker
from app.experts.models import Expert
from app.pages.models import Page
from app.programs.models import Program
from app.site.models import Menu, MenuItem, Site
from app.topics.models import Topic
from app.workflow import Status

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def _published_at(status: Status | str, published_at: datetime | None) -> datetime | None:
    if published_at is not None:
        return published_at
    if Status(status) in (Status.published, Status.archived):
        return utcnow() - timedelta(days=1, seconds=_n())
    if Status(status) is Status.scheduled:
        return utcnow() + timedelta(days=1)
    return None


async def _save(session: AsyncSession, obj: Any) -> Any:
    session.add(obj)
    await session.flush()
    return obj


async def make_topic(
    session: AsyncSession,
    *,
    name: str | None = None,
    slug: str | None = None,
    parent: Topic | None = None,
    featured: bool = False,
    description: str | None = None,
) -> Topic:
    name = name or f"Topic {_n()}"
    topic = Topic(
        name=name,
        slug=slug or slugify(name),
        parent=parent,
        featured=featured,
        description=description,
    )
    return await _save(session, topic)


async def make_program(
    session: AsyncSession,
    *,
    name: str | None = None,
    slug: str | None = None,
    director: Expert | None = None,
    description: str | None = None,
) -> Program:
    name = name or f"Program {_n()}"
    program = Program(
        name=name, slug=slug or slugify(name), director=director, description=description
    )
    return await _save(session, program)


async def make_expert(
    session: AsyncSession,
    *,
    given_name: str = "Ada",
    family_name: str | None = None,
    slug: str | None = None,
    status: Status | str = Status.published,
    published_at: datetime | None = None,
    programs: Sequence[Program] = (),
    topics: Sequence[Topic] = (),
    **fields: Any,
) -> Expert:
    family_name = family_name or f"Expert{_n()}"
    expert = Expert(
        given_name=given_name,
        family_name=family_name,
        slug=slug or slugify(f"{given_name} {family_name}"),
        status=Status(status),
        published_at=_published_at(status, published_at),
        programs=list(programs),
        topics=list(topics),
        **fields,
    )
    return await _save(session, expert)


async def make_article(
    session: AsyncSession,
    *,
    title: str | None = None,
    slug: str | None = None,
    kind: ArticleKind | str = ArticleKind.op_ed,
    status: Status | str = Status.published,
    published_at: datetime | None = None,
    topics: Sequence[Topic] = (),
    primary_topic: Topic | None = None,
    authors: Sequence[Expert] = (),
    featured_experts: Sequence[Expert] = (),
    programs: Sequence[Program] = (),
    body: str = "<p>Body text.</p>",
    **fields: Any,
) -> Article:
    title = title or f"Article {_n()}"
    article = Article(
        title=title,
        slug=slug or slugify(title),
        kind=ArticleKind(kind),
        status=Status(status),
        published_at=_published_at(status, published_at),
        primary_topic=primary_topic or (topics[0] if topics else None),
        programs=list(programs),
        body=body,
        **fields,
    )
    article.topics = list(topics)
    article.authors = list(authors)
    article.featured_experts = list(featured_experts)
    return await _save(session, article)


async def make_event(
    session: AsyncSession,
    *,
    title: str | None = None,
    slug: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    timezone: str = "America/New_York",
    format: EventFormat | str = EventFormat.virtual,
    status: Status | str = Status.published,
    published_at: datetime | None = None,
    topics: Sequence[Topic] = (),
    programs: Sequence[Program] = (),
    speakers: Sequence[Expert | dict[str, Any]] = (),
    **fields: Any,
) -> Event:
    title = title or f"Event {_n()}"
    starts_at = starts_at or utcnow() + timedelta(days=7)
    event = Event(
        title=title,
        slug=slug or slugify(title),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        format=EventFormat(format),
        status=Status(status),
        published_at=_published_at(status, published_at),
        programs=list(programs),
        speakers=[
            EventSpeaker(expert=s) if isinstance(s, Expert) else EventSpeaker(**s) for s in speakers
        ],
        **fields,
    )
    event.topics = list(topics)
    return await _save(session, event)


async def make_page(
    session: AsyncSession,
    *,
    title: str | None = None,
    slug: str | None = None,
    status: Status | str = Status.published,
    published_at: datetime | None = None,
    body: str = "<p>Page body.</p>",
    **fields: Any,
) -> Page:
    title = title or f"Page {_n()}"
    page = Page(
        title=title,
        slug=slug or slugify(title),
        status=Status(status),
        published_at=_published_at(status, published_at),
        body=body,
        **fields,
    )
    return await _save(session, page)


async def make_site(
    session: AsyncSession,
    *,
    name: str = "Example Institute",
    menus: dict[str, list[tuple[str, str | None, list[tuple[str, str | None]]]]] | None = None,
    **fields: Any,
) -> Site:
    """A site row and its menus: {"main": [(label, url, [(child label, child url), ...])]}."""
    site = await _save(session, Site(name=name, **fields))
    for position, (slug, entries) in enumerate((menus or {}).items()):
        menu = await _save(session, Menu(slug=slug, name=slug.title(), position=position))
        for index, (label, url, children) in enumerate(entries):
            item = await _save(session, MenuItem(menu=menu, label=label, url=url, position=index))
            for child_index, (child_label, child_url) in enumerate(children):
                session.add(
                    MenuItem(
                        menu=menu,
                        parent_id=item.id,
                        label=child_label,
                        url=child_url,
                        position=child_index,
                    )
                )
        await session.flush()
    return site


DEFAULT_PASSWORD = "correct horse battery staple"


@functools.cache
def _default_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


async def make_user(
    session: AsyncSession,
    *,
    role: Role | str = Role.editor,
    email: str | None = None,
    password: str | None = None,
    is_active: bool = True,
    expert: Expert | None = None,
) -> User:
    """An account; the password is DEFAULT_PASSWORD unless given."""
    role = Role(role)
    user = User(
        email=email or f"{role.value}{_n()}@example.org",
        display_name=f"{role.value.title()} {_n()}",
        role=role,
        password_hash=hash_password(password) if password else _default_hash(),
        is_active=is_active,
        expert_id=expert.id if expert else None,
    )
    return await _save(session, user)
