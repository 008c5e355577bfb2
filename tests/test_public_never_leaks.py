"""The never-leaks sweep: rich content, each unpublished item carrying a marker word of its
own, crawled as anonymous, with a `content:read` key and with an `embargo:read` key across
every public list, detail, search, feed, sitemap and the change feed. No marker of an
unpublished item shows anywhere, except an embargoed article to embargo keys on article
lists and details and the change feed. Once the publish time passes (the clock is moved,
no job runs), the scheduled items show up on those same paths: the sweep can see them."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import orjson
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import ArticleKind
from app.db import utcnow
from app.feeds import sitemap
from tests.changes.helpers import key_headers, read_feed
from tests.factories import (
    make_article,
    make_event,
    make_expert,
    make_page,
    make_program,
    make_topic,
)

COMMON = "kestrel"  # in every title, public or not: a search for it must find only the public
HIDDEN_STATES = ("draft", "archived", "scheduled", "embargoed")
KINDS = ("article", "expert", "event", "page")
FEED_FORMATS = ("rss", "atom", "json")


def marker(state: str, kind: str) -> str:
    """The one word that names an item; also its slug, so links to it carry it too."""
    return f"zqx{state}{kind}"


@dataclass
class World:
    """The slugs the crawl visits and the markers it looks for."""

    markers: dict[tuple[str, str], str]
    public: dict[str, list[str]] = field(default_factory=dict)
    topics: tuple[str, ...] = ("asia", "china")
    programs: tuple[str, ...] = ("asia-program", "gulf-program")

    @property
    def embargoed(self) -> str:
        return self.markers["embargoed", "article"]

    @property
    def scheduled(self) -> list[str]:
        return [m for (s, _), m in self.markers.items() if s in ("scheduled", "embargoed")]


async def _build(session: AsyncSession) -> World:
    """Public content that links to every hidden item, and hidden items in every state."""
    at = utcnow() + timedelta(hours=1)
    when = {
        "draft": {"status": "draft"},
        "archived": {"status": "archived", "published_at": utcnow() - timedelta(days=9)},
        "scheduled": {"status": "scheduled", "published_at": at},
        "embargoed": {"status": "scheduled", "published_at": at, "embargoed": True},
    }
    markers = {(s, k): marker(s, k) for s in HIDDEN_STATES[:3] for k in KINDS}
    markers["embargoed", "article"] = marker("embargoed", "article")  # only articles have one

    asia = await make_topic(session, name="Asia", slug="asia", featured=True)
    china = await make_topic(session, name="China", slug="china", parent=asia)
    director = await make_expert(session, given_name="Dana", family_name="Director")
    asia_program = await make_program(session, name="Asia Program", director=director)
    author = await make_expert(
        session, given_name="Ada", family_name="Author", programs=[asia_program], topics=[china]
    )
    speaker = await make_expert(session, given_name="Sam", family_name="Speaker")

    experts = {}
    for state in ("draft", "archived", "scheduled"):
        name = markers[state, "expert"]
        experts[state] = await make_expert(
            session,
            given_name=COMMON.title(),
            family_name=name,
            slug=name,
            short_bio=name,
            bio=f"<p>{name}</p>",
            programs=[asia_program],
            topics=[china],
            **{k: v for k, v in when[state].items() if k != "embargoed"},
        )
    hidden_experts = list(experts.values())
    # A public program directed by an unpublished expert.
    await make_program(session, name="Gulf Program", director=experts["draft"])

    await make_article(
        session,
        title=f"{COMMON.title()} visible",
        slug="visible",
        topics=[china, asia],
        primary_topic=china,
        authors=[author, *hidden_experts],
        featured_experts=[*hidden_experts, speaker],
        programs=[asia_program],
    )
    await make_article(session, title="Another one", slug="another", topics=[asia])
    await make_event(
        session,
        title=f"{COMMON.title()} public event",
        slug="public-event",
        topics=[china],
        programs=[asia_program],
        speakers=[speaker, *hidden_experts],
    )
    await make_page(session, title=f"{COMMON.title()} about", slug="about")

    for state in HIDDEN_STATES:
        name = markers[state, "article"]
        await make_article(
            session,
            title=f"{COMMON.title()} {name}",
            slug=name,
            summary=name,
            body=f"<p>{name}</p>",
            topics=[china, asia],
            authors=[author, experts["draft"]],
            programs=[asia_program],
            kind=ArticleKind.op_ed,
            **when[state],
        )
        if state == "embargoed":
            continue
        name = markers[state, "event"]
        past = state == "archived"
        await make_event(
            session,
            title=f"{COMMON.title()} {name}",
            slug=name,
            summary=name,
            body=f"<p>{name}</p>",
            topics=[china],
            programs=[asia_program],
            speakers=[speaker],
            starts_at=utcnow() + (timedelta(days=-3) if past else timedelta(days=5)),
            **when[state],
        )
        name = markers[state, "page"]
        await make_page(
            session,
            title=f"{COMMON.title()} {name}",
            slug=name,
            body=f"<p>{name}</p>",
            **when[state],
        )

    return World(
        markers=markers,
        public={
            "articles": ["visible", "another"],
            "experts": [director.slug, author.slug, speaker.slug],
            "events": ["public-event"],
            "pages": ["about"],
            "programs": ["asia-program", "gulf-program"],
            "topics": ["asia", "china"],
        },
    )


def _lists(world: World) -> list[str]:
    """Every list and search: each must answer 200."""
    every = "per_page=100"
    paths = [
        f"/api/v1/articles?{every}",
        f"/api/v1/articles?{every}&facets=topic,kind,program,expert,year",
        f"/api/v1/articles?{every}&sort=-published_at",
        f"/api/v1/articles?{every}&kind=op-ed",
        f"/api/v1/articles?{every}&program=asia-program",
        f"/api/v1/articles?{every}&expert=ada-author&facets=topic",
        f"/api/v1/articles?{every}&q={COMMON}",
        f"/api/v1/experts?{every}",
        f"/api/v1/events?{every}",
        f"/api/v1/events?{every}&when=upcoming",
        f"/api/v1/events?{every}&when=past",
        f"/api/v1/events?{every}&program=asia-program",
        f"/api/v1/pages?{every}",
        f"/api/v1/programs?{every}",
        f"/api/v1/topics?{every}",
        f"/api/v1/topics?{every}&parent=asia",
        f"/api/v1/topics?{every}&featured=true",
        f"/api/v1/search?q={COMMON}&{every}",
        "/api/v1/site",
    ]
    for topic in world.topics:
        paths += [
            f"/api/v1/articles?{every}&topic={topic}&facets=topic,kind,program,expert,year",
            f"/api/v1/experts?{every}&topic={topic}",
            f"/api/v1/events?{every}&topic={topic}",
        ]
    paths += [f"/api/v1/experts?{every}&program={p}" for p in world.programs]
    for word in world.markers.values():
        paths += [f"/api/v1/search?q={word}", f"/api/v1/articles?q={word}&facets=topic"]
    for slug in world.public["articles"]:
        paths.append(f"/api/v1/articles/{slug}/related?{every}")
    return paths


def _feeds(world: World) -> list[str]:
    subjects = ["/feeds/articles"]
    subjects += [f"/feeds/topics/{slug}" for slug in world.topics]
    subjects += [f"/feeds/programs/{slug}" for slug in world.programs]
    subjects += [f"/feeds/experts/{slug}" for slug in world.public["experts"]]
    subjects += [f"/feeds/kinds/{kind.value}" for kind in ArticleKind]
    paths = [f"{subject}.{ext}" for subject in subjects for ext in FEED_FORMATS]
    paths += ["/feeds/events.ics"]
    paths += [f"/feeds/topics/{slug}.ics" for slug in world.topics]
    paths += [f"/feeds/programs/{slug}.ics" for slug in world.programs]
    return paths


def _details(world: World) -> list[str]:
    return [f"/api/v1/{kind}/{slug}" for kind, slugs in world.public.items() for slug in slugs]


def _hidden_details(world: World) -> list[str]:
    """Where a hidden item would be, were it public: 404 (but for embargo keys)."""
    paths = []
    for (_, kind), slug in world.markers.items():
        paths.append(f"/api/v1/{kind}s/{slug}")
        if kind == "article":
            paths.append(f"/api/v1/articles/{slug}/related")
        if kind == "expert":
            paths += [f"/feeds/experts/{slug}.{ext}" for ext in FEED_FORMATS]
    return paths


async def _crawl(client: AsyncClient, world: World, headers: dict[str, str]) -> dict[str, str]:
    """What a reader sees on every public path, by path."""
    seen: dict[str, str] = {}
    for path in [*_lists(world), *_feeds(world), *_details(world)]:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        seen[path] = response.text
    for path in _hidden_details(world):
        response = await client.get(path, headers=headers)
        assert response.status_code in (200, 404), (path, response.status_code)
        # A 404 names the slug asked for; that is no leak.
        seen[path] = response.text if response.status_code == 200 else ""
    index = await client.get("/sitemap.xml", headers=headers)
    assert index.status_code == 200
    seen["/sitemap.xml"] = index.text
    children = re.findall(r"/(sitemap-\d+\.xml)</loc>", index.text)
    assert children, "the sweep lowers MAX_URLS so that the sitemap is an index"
    for child in children:
        response = await client.get(f"/{child}", headers=headers)
        assert response.status_code == 200, child
        seen[f"/{child}"] = response.text
    if headers:
        entries, _ = await read_feed(client, headers)
        seen["/api/v1/changes"] = orjson.dumps(entries).decode()
    else:
        assert (await client.get("/api/v1/changes")).status_code == 401
    return seen


def _embargo_may_show(path: str, world: World) -> bool:
    """Where an `embargo:read` key sees an embargoed article: article lists, its detail, and
    the change feed. Not related lists, feeds, search or the sitemap."""
    if path == "/api/v1/changes":
        return True
    if path == f"/api/v1/articles/{world.embargoed}":
        return True
    return path.startswith("/api/v1/articles?")


def _leaks(seen: dict[str, str], hidden: list[str], *, world: World, embargo: bool) -> list:
    return [
        (path, word)
        for path, text in seen.items()
        for word in hidden
        if word in text
        and not (embargo and word == world.embargoed and _embargo_may_show(path, world))
    ]


@pytest.fixture
def small_sitemaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few URLs per sitemap file, so that the index and its children are crawled."""
    monkeypatch.setattr(sitemap, "MAX_URLS", 3)


@pytest.fixture
async def readers(session: AsyncSession) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "content key": await key_headers(session, "content:read"),
        "embargo key": await key_headers(session, "content:read", "embargo:read"),
    }


@pytest.mark.parametrize("reader", ["anonymous", "content key", "embargo key"])
async def test_no_reader_sees_unpublished_content_on_any_public_path(
    client: AsyncClient, session: AsyncSession, readers, small_sitemaps, reader: str
):
    world = await _build(session)

    seen = await _crawl(client, world, readers[reader])

    hidden = list(world.markers.values())
    assert _leaks(seen, hidden, world=world, embargo=reader == "embargo key") == []
    common = orjson.loads(seen[f"/api/v1/search?q={COMMON}&per_page=100"])["data"]
    assert {hit["slug"] for hit in common} >= {"visible", "public-event", "about"}
    if reader == "embargo key":
        assert world.embargoed in seen[f"/api/v1/articles/{world.embargoed}"]
        assert world.embargoed in seen["/api/v1/changes"]
        assert world.embargoed in seen["/api/v1/articles?per_page=100"]


async def test_scheduled_content_appears_everywhere_once_its_time_passes(
    client: AsyncClient, session: AsyncSession, readers, small_sitemaps, clock
):
    world = await _build(session)
    clock.advance(hours=1, seconds=1)

    # Anonymous lists take the fast lane; the change feed needs a key.
    seen = await _crawl(client, world, readers["anonymous"])
    keyed = await _crawl(client, world, readers["content key"])
    seen["/api/v1/changes"] = keyed["/api/v1/changes"]

    still_hidden = [m for m in world.markers.values() if m not in world.scheduled]
    assert _leaks(seen, still_hidden, world=world, embargo=False) == []
    assert _leaks(keyed, still_hidden, world=world, embargo=False) == []
    sitemaps = "".join(text for path, text in seen.items() if path.startswith("/sitemap"))
    for kind in KINDS:
        word = world.markers["scheduled", kind]
        where = [f"/api/v1/{kind}s?per_page=100", f"/api/v1/{kind}s/{word}"]
        assert [path for path in where if word not in seen[path]] == [], word
    for word in (world.markers["scheduled", "article"], world.embargoed):
        where = [
            "/api/v1/articles?per_page=100&topic=china&facets=topic,kind,program,expert,year",
            "/api/v1/articles/another/related?per_page=100",
            f"/api/v1/search?q={word}",
            f"/api/v1/articles?q={word}&facets=topic",
            "/feeds/articles.rss",
            "/feeds/topics/china.atom",
            "/feeds/programs/asia-program.json",
            "/feeds/experts/ada-author.rss",
            "/feeds/kinds/op-ed.atom",
            "/api/v1/changes",
        ]
        assert [path for path in where if word not in seen[path]] == [], word
        assert word in sitemaps
    expert = world.markers["scheduled", "expert"]
    for path in (
        "/api/v1/articles/visible",
        "/api/v1/programs/asia-program",
        "/api/v1/events/public-event",
    ):
        assert expert in seen[path], path
    assert world.markers["scheduled", "event"] in seen["/feeds/events.ics"]
