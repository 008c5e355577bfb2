"""Article list items without ORM objects: the hot path of every public list.

A page of articles is two statements: the page's own columns, and one UNION ALL of every
relation the list shows (topics, programs, by-line, featured experts, the primary topic
and its parent), keyed by article id. Building ORM objects, identity maps and five eager
loads for twenty list items cost more than the queries themselves; these are plain rows
turned into the dicts `ArticleSummary` validates. `tests/articles/test_listing.py` holds
this shape equal to what the ORM path (details, feeds) shows.
"""

import functools
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, cast, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from app.articles.models import (
    Article,
    ArticleAuthor,
    ArticleFeaturedExpert,
    ArticleTopic,
    article_program,
)
from app.db import UTCDateTime
from app.experts.models import Expert
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import Status, public

COLUMNS = (
    Article.id,
    Article.slug,
    Article.kind,
    Article.title,
    Article.summary,
    Article.published_at,
    Article.updated_at,
    Article.external_url,
    Article.outlet,
    Article.press_contact,
    Article.image_url,
    Article.image_alt,
    Article.status,
    Article.embargoed,
)
_NONE = cast(null(), String)


IDS = bindparam("ids", expanding=True)
NOW = bindparam("now", type_=UTCDateTime())


def _tagged(kind: str, link: Any, ids: BindParameter) -> Select:
    return (
        select(
            link.article_id,
            literal(kind, String),
            cast(link.position, Integer),
            Topic.slug,
            Topic.name,
            _NONE,
            _NONE,
            _NONE,
        )
        .join(Topic, Topic.id == link.topic_id)
        .where(link.article_id.in_(ids))
    )


def _people(kind: str, link: Any, ids: BindParameter, now: BindParameter) -> Select:
    return (
        select(
            link.article_id,
            literal(kind, String),
            cast(link.position, Integer),
            Expert.slug,
            Expert.given_name,
            Expert.family_name,
            Expert.title,
            Expert.photo_url,
        )
        .join(Expert, Expert.id == link.expert_id)
        .where(link.article_id.in_(ids), public(Expert, now=now))
    )


@functools.cache
def _relations() -> Any:
    """Built once: SQLAlchemy then reuses its cache key (computing one for this statement
    cost ~3 ms a request) and its compiled form; `ids` and `now` come at execution."""
    ids, now = IDS, NOW
    parent = aliased(Topic)
    programs = (
        select(
            article_program.c.article_id,
            literal("program", String),
            cast(literal(0), Integer),
            Program.slug,
            Program.name,
            _NONE,
            _NONE,
            _NONE,
        )
        .join(Program, Program.id == article_program.c.program_id)
        .where(article_program.c.article_id.in_(ids))
    )
    primary = (
        select(
            Article.id,
            literal("primary", String),
            cast(literal(0), Integer),
            Topic.slug,
            Topic.name,
            _NONE,
            parent.slug,
            parent.name,
        )
        .join(Topic, Topic.id == Article.primary_topic_id)
        .outerjoin(parent, parent.id == Topic.parent_id)
        .where(Article.id.in_(ids))
    )
    return union_all(
        _tagged("topic", ArticleTopic, ids),
        _people("author", ArticleAuthor, ids, now),
        _people("featured", ArticleFeaturedExpert, ids, now),
        programs,
        primary,
    )


def _expert(given: str, family: str | None, title: str | None, photo: str | None) -> dict:
    return {
        "name": f"{given} {family}".strip(),
        "title": title,
        "photo_url": photo,
    }


def _embargoed_until(row: Any, now: datetime) -> datetime | None:
    if row.embargoed and row.status is Status.scheduled and row.published_at is not None:
        return row.published_at if row.published_at > now else None
    return None


async def summaries(session: AsyncSession, rows: Sequence[Any], *, now: datetime) -> list[dict]:
    """The list items for `rows` (selected with `COLUMNS`), in their order."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    linked: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for article_id, kind, position, slug, name, family, extra, more in await session.execute(
        _relations(), {"ids": ids, "now": now}
    ):
        linked[article_id, kind].append((position, slug, name, family, extra, more))
    out = []
    for row in rows:
        item = {name: getattr(row, name) for name in _FIELDS}
        item["embargoed_until"] = _embargoed_until(row, now)
        item["topics"] = [{"slug": s, "name": n} for _, s, n, *_ in sorted(linked[row.id, "topic"])]
        item["programs"] = sorted(
            ({"slug": s, "name": n} for _, s, n, *_ in linked[row.id, "program"]),
            key=lambda p: p["name"],
        )
        for field, kind in (("authors", "author"), ("featured_experts", "featured")):
            item[field] = [
                {"slug": s, **_expert(n, f, t, p)}
                for _, s, n, f, t, p in sorted(linked[row.id, kind])
            ]
        primary = linked[row.id, "primary"]
        item["primary_topic"] = None
        if primary:
            _, slug, name, _, parent_slug, parent_name = primary[0]
            parent = {"slug": parent_slug, "name": parent_name} if parent_slug else None
            item["primary_topic"] = {"slug": slug, "name": name, "parent": parent}
        out.append(item)
    return out


_FIELDS = tuple(column.key for column in COLUMNS if column.key not in ("status", "embargoed"))
