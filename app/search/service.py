"""Search across the public types: matching, ranking and snippets in two statements."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from app.db import plan_for_values, utcnow
from app.pagination import PageParams
from app.search.backends import SearchBackend, backend_for, capped, window
from app.search.query import SearchQuery
from app.search.sources import SOURCES, SearchType, Source
from app.search.text import safe_snippet
from app.workflow import public


@dataclass(frozen=True, slots=True)
class SearchHit:
    type: SearchType
    slug: str
    title: str
    snippet: str
    published_at: datetime | None


def _conditions(source: Source, now: datetime) -> list[ColumnElement[bool]]:
    return [public(source.model, now=now)]  # type: ignore[arg-type]


def _matches(backend: SearchBackend, source: Source, query: SearchQuery, now: datetime) -> Select:
    """The ranked rows of `source` among its newest matches (see `window`)."""
    model: Any = source.model
    top = window(backend, source, query, _conditions(source, now))
    stmt, rank = backend.rank(
        select(model.id.label("id")).join(top, top.c.id == model.id), source, query
    )
    return stmt.add_columns(
        literal(source.type.value).label("type"),
        model.slug.label("slug"),
        source.title.label("title"),
        model.published_at.label("published_at"),
        rank.label("rank"),
    )


def _best_first(rows: Subquery) -> tuple[ColumnElement, ...]:
    return (rows.c.rank.desc(), rows.c.published_at.desc(), rows.c.type, rows.c.id)


def _page_statement(
    backend: SearchBackend,
    sources: list[Source],
    query: SearchQuery,
    now: datetime,
    page: PageParams,
) -> Select:
    ranked = union_all(*(_matches(backend, s, query, now) for s in sources)).subquery()
    hits = select(ranked).order_by(*_best_first(ranked)).limit(page.per_page).offset(page.offset)
    hits = hits.subquery()
    # Snippets are cut for this page's rows only, each from its own type's index.
    snippet = case(
        *((hits.c.type == s.type.value, backend.snippet(s, query, hits.c.id)) for s in sources)
    )
    return select(
        hits.c.type, hits.c.slug, hits.c.title, hits.c.published_at, snippet.label("snippet")
    ).order_by(*_best_first(hits))


async def search(
    session: AsyncSession, *, query: SearchQuery, types: list[SearchType], page: PageParams
) -> tuple[list[SearchHit], int, bool]:
    """One page of public articles, experts, events and pages matching `query`, best
    first; how many there are; and whether that is all of them (at most `WINDOW` of each
    type, the newest, are ranked and counted)."""
    backend, now = backend_for(session), utcnow()
    sources = [SOURCES[t] for t in types or SearchType]
    await plan_for_values(session)
    found = (
        await session.execute(
            select(
                *(
                    select(func.count())
                    .select_from(window(backend, s, query, _conditions(s, now), counting=True))
                    .scalar_subquery()
                    for s in sources
                )
            )
        )
    ).one()
    per_type = [capped(n) for n in found]
    total, exact = sum(n for n, _ in per_type), all(exact for _, exact in per_type)
    rows = await session.execute(_page_statement(backend, sources, query, now, page))
    hits = [
        SearchHit(
            type=SearchType(row.type),
            slug=row.slug,
            title=row.title,
            snippet=safe_snippet(row.snippet),
            published_at=row.published_at,
        )
        for row in rows
    ]
    return hits, total, exact
