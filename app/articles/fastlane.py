"""The anonymous public article list, answered before FastAPI's routing.

`GET /api/v1/articles` is the hottest path of the API, and a page of it used to cost ~10 ms
of Python: FastAPI resolving a dozen parameters, SQLAlchemy building and caching three
statements, Pydantic validating twenty items and their relations. This middleware answers
the common shapes of the list (`page`, `per_page`, `kind`, `topic`, `topic_match`,
`exclude_topic`, `sort`, and `facets` when a `topic` narrows the list) for anonymous
readers with one statement a request, written once per shape and dialect, run on the
driver's connection, and serialised with orjson.

Anything else goes on to the FastAPI route, which stays the documented one and the one
that answers errors: a search (`q`), facets over unfiltered lists (counting most of the
articles, where the route's plans do better), sparse fieldsets, other filters, an
`Authorization` or `X-API-Key` header, an unknown parameter, or a value that route would
answer with a 422. `tests/articles/test_fastlane.py` holds both answers byte-equal,
headers included, over every shape and the content the public must not see.

It sits inside the response cache and rate limiting, so its answers are cached,
conditional and limited like any other.
"""

import asyncio
import functools
import inspect
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app import urls
from app.articles.models import ArticleKind
from app.articles.service import Facet, PublicArticleSort, TopicMatch, facet_counts
from app.cache.middleware import DOCUMENT
from app.clock import utcnow
from app.db import pg_timeouts
from app.errors import database_unavailable, is_database_outage
from app.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, link_header
from app.workflow import LIVE_STATUSES

PATH = "/api/v1/articles"
MAX_PAGE = 1_000_000
KINDS = frozenset(kind.value for kind in ArticleKind)
SORTS = frozenset(
    sort.value for sort in PublicArticleSort if sort is not PublicArticleSort.relevance
)
MATCHES = frozenset(match.value for match in TopicMatch)
SCALARS = frozenset({"page", "per_page", "topic_match", "sort"})
LISTS = frozenset({"kind", "topic", "exclude_topic", "facets"})
FACETS = frozenset(facet.value for facet in Facet)
LIVE = ", ".join(f"'{status.value}'" for status in LIVE_STATUSES)


class _Decline(Exception):
    """This request is not one the fast lane answers: FastAPI will."""


class Shape(tuple):
    """What decides the statement: how many kinds, topics and excluded topics, the match,
    the sort, the page size (a literal, for the plan) and the facets asked for."""


def _split(values: list[str]) -> list[str]:
    # The same reading as app.params.split_values: repeatable and comma-separated.
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return list(dict.fromkeys(out))


def _int(value: str, high: int) -> int:
    if not (value.isascii() and value.isdigit()):
        raise _Decline
    number = int(value)
    if not 1 <= number <= high:
        raise _Decline
    return number


def parse(query_string: bytes) -> dict[str, Any]:
    """The request's list parameters, or _Decline when FastAPI should answer it."""
    scalars: dict[str, str] = {}
    lists: dict[str, list[str]] = {"kind": [], "topic": [], "exclude_topic": [], "facets": []}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name in LISTS:
            lists[name].append(value)
        elif name in SCALARS and name not in scalars:
            scalars[name] = value
        else:  # q, fields, other filters, unknown or repeated names
            raise _Decline
    split = {name: _split(values) for name, values in lists.items()}
    if any(values and not split[name] for name, values in lists.items()):
        raise _Decline
    kinds, topics, excluded, facets = (
        split[name] for name in ("kind", "topic", "exclude_topic", "facets")
    )
    if not KINDS.issuperset(kinds) or not FACETS.issuperset(facets):
        raise _Decline
    if facets and not topics:  # counting most of the articles: the route's plans do better
        raise _Decline
    match, sort = scalars.get("topic_match", "any"), scalars.get("sort", "-published_at")
    if match not in MATCHES or sort not in SORTS:
        raise _Decline
    return {
        "page": _int(scalars.get("page", "1"), MAX_PAGE),
        "per_page": _int(scalars.get("per_page", str(DEFAULT_PER_PAGE)), MAX_PER_PAGE),
        "kinds": kinds,
        "topics": topics,
        "match": match,
        "excluded": excluded,
        "sort": sort,
        "facets": tuple(facets),
    }


class _Dialect:
    """How one database spells what the statement needs."""

    name: str

    def __init__(self) -> None:
        self.args: list[str] = []

    def param(self, name: str) -> str:
        raise NotImplementedError

    def json_list(self, element: str) -> str:
        raise NotImplementedError

    def text(self, column: str) -> str:
        """A JSON column as its text."""
        return column

    def year(self, column: str) -> str:
        raise NotImplementedError


class _PostgreSQL(_Dialect):
    name = "postgresql"

    def param(self, name: str) -> str:
        if name not in self.args:
            self.args.append(name)
        return f"${self.args.index(name) + 1}"

    def json_list(self, element: str) -> str:
        # As text: the JSON codec SQLAlchemy gives asyncpg decodes with the slower stdlib.
        return f"json_agg(json_build_array({element}))::text"

    def text(self, column: str) -> str:
        return f"{column}::text"

    def year(self, column: str) -> str:
        return f"extract(year FROM {column})"


class _SQLite(_Dialect):
    name = "sqlite"

    def param(self, name: str) -> str:
        if name not in self.args:
            self.args.append(name)
        return f":{name}"

    def json_list(self, element: str) -> str:
        return f"json_group_array(json_array({element}))"

    def year(self, column: str) -> str:
        return f"CAST(strftime('%Y', {column}) AS INTEGER)"


def _live(alias: str, now: str) -> str:
    """`app.workflow.public()`, spelled out."""
    return (
        f"{alias}.status IN ({LIVE}) AND {alias}.published_at IS NOT NULL "
        f"AND {alias}.published_at <= {now}"
    )


def _in(d: _Dialect, column: str, name: str, count: int) -> str:
    return f"{column} IN ({', '.join(d.param(f'{name}_{i}') for i in range(count))})"


def _tagged(d: _Dialect, name: str, count: int) -> str:
    """`app.articles.service._tagged`: the article carries one of these topics."""
    return (
        "EXISTS (SELECT 1 FROM article_topic tl WHERE tl.article_id = a.id AND tl.topic_id IN "
        f"(SELECT topic.id FROM topic WHERE {_in(d, 'topic.slug', name, count)}))"
    )


ORDER = {
    "-published_at": "{p}published_at DESC, {p}id DESC",
    "published_at": "{p}published_at ASC, {p}id ASC",
    "title": "lower({p}title) ASC, {p}id ASC",
}


@functools.lru_cache(maxsize=512)
def statement(dialect: str, shape: Shape) -> tuple[str, tuple[str, ...]]:
    """The SQL for one shape of request, and the names of its parameters in order."""
    kinds, topics, match, excluded, sort, per_page, facets = shape
    d: _Dialect = _PostgreSQL() if dialect == "postgresql" else _SQLite()
    now = d.param("now")
    where = [_live("a", now)]
    if kinds:
        where.append(_in(d, "a.kind", "kind", kinds))
    if topics and match == "all":
        where.extend(_tagged(d, f"topic{i}", 1) for i in range(topics))
    elif topics:
        where.append(_tagged(d, "topic", topics))
    if excluded:
        where.append(f"NOT {_tagged(d, 'excluded', excluded)}")
    conditions = " AND ".join(where)
    offset = d.param("offset")
    if topics:  # the articles of a topic are few: find them once, count and page them
        head = f"""m AS (
  SELECT a.id, a.published_at, a.title, a.kind FROM article a WHERE {conditions}
),
ids AS (
  SELECT m.id FROM m ORDER BY {ORDER[sort].format(p="m.")} LIMIT {per_page} OFFSET {offset}
)"""
        total = "(SELECT count(*) FROM m)"
    else:  # the newest of most articles: walk the index, stop at the page
        head = f"""ids AS (
  SELECT a.id FROM article a
  WHERE {conditions}
  ORDER BY {ORDER[sort].format(p="a.")}
  LIMIT {per_page} OFFSET {offset}
)"""
        total = _count(d, conditions, kinds, now, tallied=not excluded)
    live_expert = _live("x", now)
    counted = "".join(f", {_facet(d, facet, now)}" for facet in facets)
    sql = f"""
WITH {head},
p AS (
  SELECT a.id, a.slug, a.kind, a.title, a.summary, a.published_at, a.updated_at,
         a.external_url, a.outlet, a.press_contact, a.image_url, a.image_alt,
         a.primary_topic_id
  FROM article a WHERE a.id IN (SELECT id FROM ids)
),
r AS (
  SELECT l.article_id AS id, 't' AS k, l.position AS n, t.slug AS s, t.name AS a,
         NULL AS b, NULL AS c, NULL AS e
  FROM article_topic l JOIN topic t ON t.id = l.topic_id
  WHERE l.article_id IN (SELECT id FROM p)
  UNION ALL
  SELECT l.article_id, 'g', 0, g.slug, g.name, NULL, NULL, NULL
  FROM article_program l JOIN program g ON g.id = l.program_id
  WHERE l.article_id IN (SELECT id FROM p)
  UNION ALL
  SELECT l.article_id, 'a', l.position, x.slug, x.given_name, x.family_name, x.title,
         x.photo_url
  FROM article_author l JOIN expert x ON x.id = l.expert_id
  WHERE l.article_id IN (SELECT id FROM p) AND {live_expert}
  UNION ALL
  SELECT l.article_id, 'f', l.position, x.slug, x.given_name, x.family_name, x.title,
         x.photo_url
  FROM article_featured_expert l JOIN expert x ON x.id = l.expert_id
  WHERE l.article_id IN (SELECT id FROM p) AND {live_expert}
),
rs AS (
  SELECT r.id, {d.json_list("r.k, r.n, r.s, r.a, r.b, r.c, r.e")} AS links FROM r GROUP BY r.id
)
SELECT {total} AS total,
  p.id, p.slug, p.kind, p.title, p.summary, p.published_at, p.updated_at,
  p.external_url, p.outlet, {d.text("p.press_contact")}, p.image_url, p.image_alt,
  pt.slug, pt.name, pp.slug, pp.name, rs.links{counted}
FROM (SELECT 1 AS one) o
LEFT JOIN p ON 1 = 1
LEFT JOIN rs ON rs.id = p.id
LEFT JOIN topic pt ON pt.id = p.primary_topic_id
LEFT JOIN topic pp ON pp.id = pt.parent_id
ORDER BY {ORDER[sort].format(p="p.")}
"""
    return sql, tuple(d.args)


def _count(d: _Dialect, conditions: str, kinds: int, now: str, *, tallied: bool) -> str:
    """The total: counted, or as `app.articles.service._count_from_tally` when only kinds
    narrow the list."""
    if not tallied:
        return f"(SELECT count(*) FROM article a WHERE {conditions})"
    tally = "SELECT coalesce(sum(t.live), 0) FROM article_tally t"
    early = f"SELECT count(*) FROM article e WHERE e.status IN ({LIVE}) AND e.published_at > {now}"
    if kinds:
        tally += f" WHERE {_in(d, 't.kind', 'kind', kinds)}"
        early += f" AND {_in(d, 'e.kind', 'kind', kinds)}"
    return f"(({tally}) - ({early}))"


def _facet(d: _Dialect, facet: str, now: str) -> str:
    """`app.articles.service._facet_query` over the matching articles `m`: one JSON list
    of [value, label, count] (or [value, count]) a facet."""
    if facet == "kind":
        counted = "SELECT m.kind AS v, count(*) AS n FROM m GROUP BY m.kind"
        return f"(SELECT {d.json_list('f.v, f.n')} FROM ({counted}) f)"
    if facet == "year":
        year = d.year("m.published_at")
        counted = f"SELECT {year} AS v, count(*) AS n FROM m GROUP BY {year}"
        return f"(SELECT {d.json_list('f.v, f.n')} FROM ({counted}) f)"
    if facet in ("topic", "program"):
        link = f"article_{facet}"
        counted = (
            f"SELECT l.{facet}_id AS i, count(*) AS n FROM {link} l "
            f"WHERE l.article_id IN (SELECT id FROM m) GROUP BY l.{facet}_id"
        )
        return (
            f"(SELECT {d.json_list('r.slug, r.name, f.n')} FROM ({counted}) f "
            f"JOIN {facet} r ON r.id = f.i)"
        )
    people = (
        "SELECT article_id, expert_id FROM article_author "
        "UNION SELECT article_id, expert_id FROM article_featured_expert"
    )
    counted = (
        f"SELECT u.expert_id AS i, count(DISTINCT u.article_id) AS n FROM ({people}) u "
        "WHERE u.article_id IN (SELECT id FROM m) GROUP BY u.expert_id"
    )
    name = "x.given_name || ' ' || x.family_name"
    return (
        f"(SELECT {d.json_list(f'x.slug, {name}, f.n')} FROM ({counted}) f "
        f"JOIN expert x ON x.id = f.i WHERE {_live('x', now)})"
    )


def _facets(facets: tuple[str, ...], row: Any) -> dict[str, list[dict[str, Any]]]:
    """The `meta.facets` of the answer, from the facet columns that end `row`."""
    out = {}
    for name, value in zip(facets, row[len(row) - len(facets) :], strict=True):
        facet = Facet(name)
        found = _json(value) or []
        if facet in (Facet.kind, Facet.year):
            found = [(v, v, n) for v, n in found]
        out[name] = [
            {"value": c.value, "label": c.label, "count": c.count}
            for c in facet_counts(facet, found)
        ]
    return out


def arguments(names: tuple[str, ...], params: dict[str, Any], now: Any) -> list[Any]:
    """The statement's arguments, in the order `statement()` named them."""
    values: dict[str, Any] = {
        "now": now,
        "offset": (params["page"] - 1) * params["per_page"],
    }
    for name, key in (("kind", "kinds"), ("topic", "topics"), ("excluded", "excluded")):
        values.update({f"{name}_{i}": value for i, value in enumerate(params[key])})
    values.update({f"topic{i}_0": value for i, value in enumerate(params["topics"])})
    return [values[name] for name in names]


# PostgreSQL connections of the fast lane's own: planned generically (the plan of this
# statement does not depend on its values, and planning it afresh costs more than running
# it) and without JIT (compiling costs far more than the statement takes). Set once per
# connection, they cost no round trip per request.
POOL_SIZE = 10
GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan", "jit": "off"}
GENERIC_PLAN = "; ".join(f"SET LOCAL {name} = {value}" for name, value in GENERIC_PLANS.items())


async def _create_pool(engine: AsyncEngine, settings: Any) -> asyncpg.Pool:
    _, params = engine.dialect.create_connect_args(engine.url)
    accepted = inspect.signature(asyncpg.connect).parameters
    params = {name: value for name, value in params.items() if name in accepted}
    params.update(pg_timeouts(settings))
    params["server_settings"] = {**params.get("server_settings", {}), **GENERIC_PLANS}
    return await asyncpg.create_pool(min_size=0, max_size=POOL_SIZE, **params)


async def _pool(state: Any, engine: AsyncEngine) -> asyncpg.Pool:
    """The pool, made on first use (once, however many requests ask at the same time)."""
    task: asyncio.Task[asyncpg.Pool] | None = getattr(state, "fast_lane_pool", None)
    if task is None or (task.done() and task.exception() is not None):
        task = state.fast_lane_pool = asyncio.ensure_future(_create_pool(engine, state.settings))
    return await task


async def close_pool(state: Any) -> None:
    """Close the pool, if one was made (the app's lifespan calls this at shutdown)."""
    task: asyncio.Task[asyncpg.Pool] | None = getattr(state, "fast_lane_pool", None)
    state.fast_lane_pool = None
    if task is not None and task.done() and task.exception() is None:
        await task.result().close()


@asynccontextmanager
async def _driver(scope: Scope) -> AsyncIterator[tuple[str, Any, bool]]:
    """The database's name, a driver connection, and whether it plans generically."""
    state = scope["app"].state
    bind = state.sessionmaker.kw["bind"]
    if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql":
        async with (await _pool(state, bind)).acquire() as raw:
            yield "postgresql", raw, True
    elif isinstance(bind, AsyncEngine):
        async with bind.connect() as connection:
            yield (
                bind.dialect.name,
                (await connection.get_raw_connection()).driver_connection,
                False,
            )
    else:  # already a connection: the tests' own, inside their transaction
        yield bind.dialect.name, (await bind.get_raw_connection()).driver_connection, False


async def _fetch(
    dialect: str, raw: Any, generic: bool, sql: str, names: tuple[str, ...], args: list[Any]
) -> list[Any]:
    """Run `sql` on the driver's own connection: no statement compilation, no result
    processing on the way."""
    if dialect == "postgresql" and generic:
        return await raw.fetch(sql, *args)
    if dialect == "postgresql":  # a shared connection: the same settings, for this statement
        async with raw.transaction():  # a savepoint inside the tests' transaction
            await raw.execute(GENERIC_PLAN)
            return await raw.fetch(sql, *args)
    cursor = await raw.execute(sql, dict(zip(names, args, strict=True)))
    try:
        return list(await cursor.fetchall())
    finally:
        await cursor.close()


def _timestamp(value: Any) -> str | None:
    """As `app.schemas.Timestamp` writes it; SQLite hands back naive UTC text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).isoformat()


def _json(value: Any) -> Any:
    """A JSON value from the driver: text from aiosqlite, maybe decoded by asyncpg."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _person(link: list[Any]) -> dict[str, Any]:
    _, _, slug, given, family, title, photo = link
    return {"slug": slug, "name": f"{given} {family}".strip(), "title": title, "photo_url": photo}


def _contact(value: Any) -> dict[str, Any] | None:
    contact = _json(value)
    if contact is None:
        return None
    return {
        "name": contact.get("name"),
        "email": contact.get("email"),
        "phone": contact.get("phone"),
    }


def item(row: Any) -> dict[str, Any]:
    """One list item from one row: the shape of `ArticleSummary`, in its field order."""
    (
        _,
        id_,
        slug,
        kind,
        title,
        summary,
        published_at,
        updated_at,
        external_url,
        outlet,
        press_contact,
        image_url,
        image_alt,
        topic_slug,
        topic_name,
        parent_slug,
        parent_name,
        links,
    ) = row[:18]
    primary = None
    if topic_slug is not None:
        parent = {"slug": parent_slug, "name": parent_name} if parent_slug is not None else None
        primary = {"slug": topic_slug, "name": topic_name, "parent": parent}
    linked: dict[str, list[list[Any]]] = {"t": [], "g": [], "a": [], "f": []}
    for link in _json(links) or ():
        linked[link[0]].append(link)
    for kind_links in linked.values():
        kind_links.sort(key=_position)
    return {
        "id": id_,
        "slug": slug,
        "kind": kind,
        "title": title,
        "summary": summary,
        "published_at": _timestamp(published_at),
        "updated_at": _timestamp(updated_at),
        "primary_topic": primary,
        "topics": [{"slug": link[2], "name": link[3]} for link in linked["t"]],
        "programs": sorted(({"slug": link[2], "name": link[3]} for link in linked["g"]), key=_name),
        "authors": [_person(link) for link in linked["a"]],
        "featured_experts": [_person(link) for link in linked["f"]],
        "external_url": external_url,
        "outlet": outlet,
        "press_contact": _contact(press_contact),
        "image_url": image_url,
        "image_alt": image_alt,
        "embargoed_until": None,
    }


def _position(link: list[Any]) -> Any:
    return link[1]


def _name(program: dict[str, Any]) -> Any:
    return program["name"]


def _link(scope: Scope, page: int, pages: int) -> bytes:
    """`app.pagination.set_link_header` for this request."""
    url = urls.absolute(scope["app"].state.settings, scope["path"])
    return link_header(url, scope["query_string"], page=page, pages=pages).encode("latin-1")


async def _rows(scope: Scope, shape: Shape, params: dict[str, Any]) -> list[Any]:
    """The statement's rows for this request, within the database timeouts: asyncpg's pool
    would otherwise wait, unbounded, for a timed-out statement's cancellation to go through
    before it takes the connection back."""
    settings = scope["app"].state.settings
    deadline = None
    if not settings.is_sqlite:
        deadline = settings.database_connect_timeout + settings.database_statement_timeout
    async with asyncio.timeout(deadline), _driver(scope) as (dialect, raw, generic):
        sql, names = statement(dialect, shape)
        now = utcnow()
        bound = now if dialect == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
        return await _fetch(dialect, raw, generic, sql, names, arguments(names, params, bound))


class FastArticleList:
    """Answer anonymous `GET /api/v1/articles` in the shapes above; pass everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        for name, _ in scope["headers"]:
            if name == b"authorization" or name == b"x-api-key":
                return await self.app(scope, receive, send)
        try:
            params = parse(scope["query_string"])
        except _Decline:
            return await self.app(scope, receive, send)
        shape = Shape(
            (
                len(params["kinds"]),
                len(params["topics"]),
                params["match"],
                len(params["excluded"]),
                params["sort"],
                params["per_page"],
                params["facets"],
            )
        )
        try:
            rows = await _rows(scope, shape, params)
        except Exception as exc:
            # Outside FastAPI's handlers: answer the route's 503 here, not a 500.
            if not is_database_outage(exc):
                raise
            return await database_unavailable(Request(scope), exc)(scope, receive, send)
        total = int(rows[0][0]) if rows else 0
        data = [item(row) for row in rows if row[1] is not None]
        per_page, page = params["per_page"], params["page"]
        pages = math.ceil(total / per_page) if total else 0
        meta: dict[str, Any] = {"total": total, "page": page, "per_page": per_page, "pages": pages}
        if params["facets"]:
            meta["facets"] = _facets(params["facets"], rows[0])
        document = {"data": data, "meta": meta}
        body = orjson.dumps(document)
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
            (b"link", _link(scope, page, pages)),
        ]
        start = {"type": "http.response.start", "status": 200, "headers": headers}
        await send({**start, DOCUMENT: document})
        await send({"type": "http.response.body", "body": body})
