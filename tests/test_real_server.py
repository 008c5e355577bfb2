"""The demo as users reach it: `pressroom serve --migrate --with-worker --seed-demo` on a
real socket, on SQLite (or on PostgreSQL when TEST_DATABASE_URL names one).

Every GET of its /openapi.json is walked by an anonymous reader, a `content:read` key, an
`embargo:read` key and a signed-in admin, path parameters taken from the lists that
reader sees: no 5xx, no dropped connection, every status documented and every body valid
against the schema documented for it. Then an article is published, edited, archived and
deleted through the admin API, and after each step every reader sees what they should
(lists, detail, search, feeds, sitemap, change feed, signed webhook deliveries).

With PRESSROOM_BIN (and PRESSROOM_WORKDIR) set, `.ci/run` points this at the package
installed the way the Dockerfile installs it: not editable, no dev extras.
"""

import hashlib
import hmac
import itertools
import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlencode

import feedparser
import httpx
import icalendar
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests import dbutil
from tests.server import Server, free_port, pressroom

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
ADMIN = ("walker-admin@example.org", "a long walking passphrase")
DOC_URI = "urn:pressroom:openapi"
WEBHOOK_DEADLINE = 30.0  # seconds the worker may take to deliver one event
READERS = ("anonymous", "content", "embargo")
ARTICLE_EVENTS = ["article.published", "article.updated", "article.unpublished"]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Query strings walked besides the defaults: the article list's fast lane and its route.
EXTRA_QUERIES = {
    "/api/v1/articles": [
        "facets=topic,kind,program,expert,year",
        "topic=asia&facets=topic",
        "q=china&sort=relevance",
        "kind=op-ed,report&sort=title&per_page=5&page=2",
        "topic=china&topic=taiwan&topic_match=all&exclude_topic=nato",
    ],
    "/api/v1/events": ["when=upcoming", "when=past"],
    "/api/v1/search": ['q="north korea" -nuclear&type=article,expert', "q=restraint&page=2"],
}


# --- a webhook receiver ---------------------------------------------------------------


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """An HTTP server on a spare loopback port that keeps every POST it is sent."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        received = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(Delivery(dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool]) -> Delivery:
        """The first delivery whose payload is `wanted`, polling up to WEBHOOK_DEADLINE."""
        deadline = time.monotonic() + WEBHOOK_DEADLINE
        while time.monotonic() < deadline:
            for delivery in list(self.deliveries):
                if wanted(delivery.payload):
                    return delivery
            time.sleep(0.1)
        events = [(d.payload["event"], d.payload["object"]) for d in self.deliveries]
        pytest.fail(f"no such webhook within {WEBHOOK_DEADLINE} s; received: {events}")

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def signature_ok(secret: str, delivery: Delivery) -> bool:
    """The README's check: HMAC-SHA256 of `t.body`, with a `t` close to now."""
    header = delivery.headers["X-Pressroom-Signature"]
    parts = dict(item.split("=", 1) for item in header.split(","))
    if abs(time.time() - int(parts["t"])) > 300:
        return False
    signed = parts["t"].encode() + b"." + delivery.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# --- the running site -----------------------------------------------------------------


@dataclass
class Site:
    server: Server
    doc: dict[str, Any]
    clients: dict[str, httpx.Client]  # READERS and "admin"
    webhook_secret: str
    embargoed_slug: str
    preview_token: str
    preferences_token: str
    registry: Registry = field(init=False)

    def __post_init__(self) -> None:
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)


def _client(base_url: str, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


def _partner_key(admin: httpx.Client, name: str, scopes: list[str]) -> str:
    body = {"name": name, "scopes": scopes, "rate_limit_per_minute": 100000}
    return _created(admin.post("/api/v1/admin/api-keys", json=body))["key"]


def _preferences_token(server: Server, admin: httpx.Client) -> str:
    """Sign up, and take the preferences link from the email (logged: no SMTP_HOST)."""
    signup = {"email": "walker@example.org", "interests": ["asia"], "source": "walk"}
    signed_up = httpx.post(f"{server.url}/api/v1/newsletter/subscriptions", json=signup)
    assert signed_up.status_code == 202, signed_up.text
    emails = admin.get("/api/v1/admin/newsletter/outbox").json()["data"]
    body = next(e["text_body"] for e in emails if e["to_address"] == "walker@example.org")
    match = re.search(r"preferences\?token=([^\s&\"<]+)", body)
    assert match, body
    return match.group(1)


def _prepare(server: Server, receiver: Receiver) -> Site:
    """What a real admin does first: an account, partner keys, a webhook receiver, an
    embargoed article, a draft with a preview link, a newsletter signup."""
    email, password = ADMIN
    pressroom(server.env, "users", "create", "--email", email, "--password", password,
              "--role", "admin")  # fmt: skip
    signed_in = httpx.post(
        f"{server.url}/api/v1/admin/auth/token", data={"username": email, "password": password}
    )
    assert signed_in.status_code == 200, signed_in.text
    admin = _client(server.url, Authorization=f"Bearer {signed_in.json()['access_token']}")
    content_key = _partner_key(admin, "Walk", ["content:read"])
    embargo_key = _partner_key(admin, "Wire", ["content:read", "embargo:read"])
    clients = {
        "anonymous": _client(server.url),
        "content": _client(server.url, **{"X-API-Key": content_key}),
        "embargo": _client(server.url, **{"X-API-Key": embargo_key}),
        "admin": admin,
    }
    hook = {"url": receiver.url, "events": ARTICLE_EVENTS, "description": "the walk"}
    secret = _created(admin.post("/api/v1/admin/webhooks", json=hook))["secret"]
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    embargo = {"kind": "report", "title": "Embargoed: the basing review", "topics": ["asia"],
               "status": "published", "published_at": future, "embargoed": True}  # fmt: skip
    embargoed = _created(admin.post("/api/v1/admin/articles", json=embargo))
    draft = _created(admin.post("/api/v1/admin/articles", json={"kind": "brief", "title": "Draft"}))
    preview = admin.post(f"/api/v1/admin/articles/{draft['id']}/preview")
    assert preview.status_code == 200, preview.text
    return Site(
        server=server,
        doc=clients["anonymous"].get("/openapi.json").json(),
        clients=clients,
        webhook_secret=secret,
        embargoed_slug=embargoed["slug"],
        preview_token=preview.json()["token"],
        preferences_token=_preferences_token(server, admin),
    )


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[Site]:
    env = {"RATE_LIMIT_ANONYMOUS_PER_MINUTE": "100000"}  # the walk is one busy client
    database = f"pressroom_real_server_{os.getpid()}"
    if SERVER_URL.startswith("postgresql"):
        env["DATABASE_URL"] = dbutil.fresh_postgres_database(SERVER_URL, database)
    tmp = tmp_path_factory.mktemp("real-server")
    server = Server(tmp / "data", "--migrate", "--with-worker", "--seed-demo", **env)
    try:
        prepared = _prepare(server, receiver)
        yield prepared
        for client in prepared.clients.values():
            client.close()
    finally:
        log = server.stop()
        if SERVER_URL.startswith("postgresql"):
            dbutil.drop_postgres_database(SERVER_URL, database)
    assert "Traceback" not in log, log[-5000:]


# --- the walk ---------------------------------------------------------------------------


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _listed(client: httpx.Client, path: str, key: str) -> list[str]:
    """`key` of every item of the list at `path`, every page of it."""
    values: list[str] = []
    for page in range(1, 50):
        answer = client.get(path, params={"page": page, "per_page": 100})
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
        values += [str(item[key]) for item in answer.json()["data"]]
        if page >= answer.json()["meta"]["pages"]:
            return values
    raise AssertionError(f"{path}: more than 49 pages")


def _sitemap_numbers(client: httpx.Client) -> list[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    children = root.findall("sm:sitemap/sm:loc", SITEMAP_NS)
    return [re.search(r"sitemap-(\d+)\.xml", c.text).group(1) for c in children] or ["1"]


def _param_values(site: Site, reader: str, path: str, name: str) -> list[str]:
    """Values of path parameter `name`, as `reader` finds them (the lists they see)."""
    client = site.clients[reader]
    if name == "ext":
        return ["rss", "atom", "json"]
    if name == "kind_name":
        return site.doc["components"]["schemas"]["ArticleKind"]["enum"]
    if name == "number":
        return _sitemap_numbers(client)
    if name == "token":
        return [site.preview_token]
    if path.startswith("/api/v1/admin/site/menus/"):
        return list(site.clients["anonymous"].get("/api/v1/site").json()["menus"])
    if path.startswith("/feeds/"):
        return _listed(client, f"/api/v1/{path.split('/')[2]}", "slug")
    listed = path.split("/{" + name + "}")[0]
    return _listed(client, listed, "slug" if name == "slug" else "id")


def _urls(site: Site, reader: str, path: str, operation: dict[str, Any]) -> list[str]:
    """Concrete URLs of one GET: each combination of listed path values, with its
    required query parameters, and the extra queries of EXTRA_QUERIES."""
    lister = "admin" if path.startswith("/api/v1/admin/") else reader
    names = re.findall(r"\{(\w+)\}", path)
    choices = [_param_values(site, lister, path, n) for n in names]
    if reader in ("content", "embargo"):
        # The anonymous walk takes every value; keys take a few, and what only they see.
        choices = [
            c if name == "ext" else [v for v in c if v in c[:2] or v == site.embargoed_slug]
            for name, c in zip(names, choices, strict=True)
        ]
    urls = []
    for values in itertools.product(*choices):
        url = path
        for name, value in zip(names, values, strict=True):
            url = url.replace("{" + name + "}", quote(value, safe=""))
        urls.append(url)
    required = {
        p["name"]: {"q": "china", "token": site.preferences_token}[p["name"]]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    if required:
        urls = [f"{url}?{urlencode(required)}" for url in urls]
    return urls + [f"{path}?{query}" for query in EXTRA_QUERIES.get(path, [])]


def _check_body(site: Site, path: str, status: str, response: httpx.Response) -> str | None:
    """What is wrong with this answer's body against its documented content, if anything."""
    documented = site.doc["paths"][path]["get"]["responses"][status].get("content")
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if not documented:
        return None if not response.content else f"a body where none is documented ({media})"
    if media not in documented:
        return f"content-type {media!r}, documented {sorted(documented)}"
    if media.endswith("json"):
        where = _pointer("paths", path, "get", "responses", status, "content", media, "schema")
        validator = Draft202012Validator({"$ref": DOC_URI + where}, registry=site.registry)
        errors = sorted(validator.iter_errors(response.json()), key=lambda e: e.json_path)
        return "; ".join(f"{e.json_path}: {e.message[:200]}" for e in errors[:3]) or None
    if media in ("application/rss+xml", "application/atom+xml"):
        parsed = feedparser.parse(response.content)
        return f"not a well-formed feed: {parsed.bozo_exception}" if parsed.bozo else None
    if media == "application/xml":
        ET.fromstring(response.content)
    elif media == "text/calendar":
        icalendar.Calendar.from_ical(response.content)
    elif media == "text/csv":
        assert response.text.splitlines()[0], "a CSV without a header row"
    return None


def _walk(site: Site, reader: str, paths: list[str]) -> tuple[list[str], set[str]]:
    """GET every URL of `paths` as `reader`: the problems found, and the paths answered 200."""
    client, problems, answered = site.clients[reader], [], set()
    for path in paths:
        operation = site.doc["paths"][path]["get"]
        for url in _urls(site, reader, path, operation):
            try:
                response = client.get(url)
            except httpx.TransportError as exc:
                problems.append(f"GET {url}: the connection failed ({exc!r})")
                continue
            status = str(response.status_code)
            if response.status_code >= 500 or status not in operation["responses"]:
                documented = sorted(operation["responses"])
                problems.append(f"GET {url}: {status} (documented: {documented})")
                continue
            try:
                wrong = _check_body(site, path, status, response)
            except Exception as exc:
                wrong = f"unreadable: {exc!r}"
            if wrong:
                problems.append(f"GET {url}: {status}: {wrong}")
            elif status == "200":
                answered.add(path)
    return problems, answered


def _get_paths(doc: dict[str, Any], *, admin: bool) -> list[str]:
    return [
        path
        for path, item in doc["paths"].items()
        if "get" in item and path.startswith("/api/v1/admin/") == admin
    ]


@pytest.mark.parametrize("reader", READERS)
def test_every_get_answers_as_documented_for_each_reader(site: Site, reader: str):
    public = _get_paths(site.doc, admin=False)
    admin = _get_paths(site.doc, admin=True)
    problems, answered = _walk(site, reader, public + admin)

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    # Every public GET was seen working (the change feed needs a key); admin ones answer 401.
    assert set(public) - answered == ({"/api/v1/changes"} if reader == "anonymous" else set())
    assert not answered & set(admin)


def test_every_admin_get_answers_as_documented(site: Site):
    admin = _get_paths(site.doc, admin=True)
    problems, answered = _walk(site, "admin", admin)

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert answered == set(admin)


def test_only_the_embargo_key_lists_the_embargoed_article(site: Site):
    seen = {r: _listed(site.clients[r], "/api/v1/articles", "slug") for r in READERS}

    assert site.embargoed_slug in seen["embargo"]
    assert site.embargoed_slug not in seen["anonymous"] + seen["content"]
    assert set(seen["embargo"]) - set(seen["anonymous"]) == {site.embargoed_slug}
    assert seen["anonymous"] == seen["content"]


# --- an article's life, as every reader sees it ---------------------------------------


@dataclass(frozen=True)
class Seen:
    """Where one article shows for one reader: its title there, or None/False/empty."""

    listed: str | None  # /api/v1/articles, first page
    by_topic: str | None  # /api/v1/articles?topic=<its primary topic>
    by_author: str | None  # /api/v1/articles?expert=<its first author>
    detail: str | None  # /api/v1/articles/{slug}; None: a 404
    found_by: frozenset[str]  # the words /api/v1/search?q= finds it by
    rss: str | None  # /feeds/articles.rss
    topic_rss: str | None  # /feeds/topics/<its primary topic>.rss
    in_sitemap: bool


GONE = Seen(None, None, None, None, frozenset(), None, None, False)


def _visible(title: str, *found_by: str) -> Seen:
    return Seen(title, title, title, title, frozenset(found_by), title, title, True)


def _title_in(client: httpx.Client, url: str, slug: str, **params: str) -> str | None:
    answer = client.get(url, params={"per_page": 100, **params})
    assert answer.status_code == 200, f"{url}: {answer.status_code} {answer.text[:300]}"
    return next((a["title"] for a in answer.json()["data"] if a["slug"] == slug), None)


def _feed_title(client: httpx.Client, url: str, slug: str) -> str | None:
    answer = client.get(url)
    assert answer.status_code == 200, f"{url}: {answer.status_code}"
    entries = feedparser.parse(answer.content).entries
    return next((e.title for e in entries if f"/{slug}/" in e.link), None)


def _seen(client: httpx.Client, slug: str, *, topic: str, author: str, words: list[str]) -> Seen:
    detail = client.get(f"/api/v1/articles/{slug}")
    assert detail.status_code in (200, 404), detail.text
    search = {
        word: client.get("/api/v1/search", params={"q": word, "type": "article"}) for word in words
    }
    assert all(r.status_code == 200 for r in search.values()), search
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    return Seen(
        listed=_title_in(client, "/api/v1/articles", slug),
        by_topic=_title_in(client, "/api/v1/articles", slug, topic=topic),
        by_author=_title_in(client, "/api/v1/articles", slug, expert=author),
        detail=detail.json()["title"] if detail.status_code == 200 else None,
        found_by=frozenset(
            w for w, r in search.items() if any(hit["slug"] == slug for hit in r.json()["data"])
        ),
        rss=_feed_title(client, "/feeds/articles.rss", slug),
        topic_rss=_feed_title(client, f"/feeds/topics/{topic}.rss", slug),
        in_sitemap=any(
            f"/{slug}/" in loc.text for loc in sitemap.findall("sm:url/sm:loc", SITEMAP_NS)
        ),
    )


class ChangeFeed:
    """A partner reading /api/v1/changes with its key, from where it last stopped."""

    def __init__(self, client: httpx.Client) -> None:
        self.client, self.cursor = client, "0"
        self.read()

    def read(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for _ in range(100):
            answer = self.client.get("/api/v1/changes", params={"since": self.cursor})
            assert answer.status_code == 200, answer.text
            entries += answer.json()["data"]
            self.cursor = answer.json()["meta"]["next_cursor"]
            if not answer.json()["meta"]["has_more"]:
                return entries
        raise AssertionError("the change feed never ended")


def _of(entries: list[dict[str, Any]], article_id: int) -> list[dict[str, Any]]:
    return [e for e in entries if e["resource"] == "article" and e["id"] == article_id]


def _write(admin: httpx.Client, method: str, article_id: int, **body: Any) -> httpx.Response:
    """PATCH or DELETE with the If-Match of what the editor just read."""
    url = f"/api/v1/admin/articles/{article_id}"
    etag = admin.get(url).headers["ETag"]
    answer = admin.request(method, url, json=body or None, headers={"If-Match": etag})
    assert answer.status_code in (200, 204), answer.text
    return answer


def test_an_article_published_edited_archived_deleted_reaches_every_reader(
    site: Site, receiver: Receiver
):
    admin, readers = site.clients["admin"], {r: site.clients[r] for r in READERS}
    authors = list(reversed(_listed(readers["anonymous"], "/api/v1/experts", "slug")[:2]))
    program = _listed(readers["anonymous"], "/api/v1/programs", "slug")[0]
    where = {"topic": "china", "author": authors[0], "words": ["quokka", "wombat"]}
    feed = ChangeFeed(readers["content"])

    def everyone_sees(slug: str, expected: Seen) -> None:
        seen = {name: _seen(client, slug, **where) for name, client in readers.items()}
        assert seen == dict.fromkeys(READERS, expected)

    def delivered(event: str, **obj: Any) -> dict[str, Any]:
        delivery = receiver.wait_for(
            lambda p: p["event"] == event and obj.items() <= p["object"].items()
        )
        assert signature_ok(site.webhook_secret, delivery)
        assert delivery.headers["X-Pressroom-Event"] == event
        assert delivery.headers["X-Pressroom-Delivery"] == delivery.payload["id"]
        return delivery.payload["object"]

    # Published: a breadcrumb topic with a parent, two by-lines in their order, a program.
    everyone_sees("quokka-tariffs", GONE)  # and the anonymous answers are now cached
    new = {"kind": "op-ed", "title": "Quokka tariffs and the alliance", "slug": "quokka-tariffs",
           "summary": "Trade and basing.", "body": "<p>Why the levy matters.</p>",
           "topics": ["nato", "china"], "primary_topic": "china", "authors": authors,
           "programs": [program], "status": "published"}  # fmt: skip
    article = _created(admin.post("/api/v1/admin/articles", json=new))
    everyone_sees("quokka-tariffs", _visible("Quokka tariffs and the alliance", "quokka"))
    detail = readers["anonymous"].get("/api/v1/articles/quokka-tariffs").json()
    assert detail["primary_topic"] == {
        "slug": "china", "name": "China", "parent": {"slug": "asia", "name": "Asia"}
    }  # fmt: skip
    assert [a["slug"] for a in detail["authors"]] == authors
    assert [p["slug"] for p in detail["programs"]] == [program]
    [change] = _of(feed.read(), article["id"])
    assert (change["action"], change["object"]) == ("upsert", detail)
    assert delivered("article.published", slug="quokka-tariffs") == detail

    # Edited: the new title everywhere, the old one nowhere.
    _write(admin, "PATCH", article["id"], title="Wombat levies and the alliance")
    everyone_sees("quokka-tariffs", _visible("Wombat levies and the alliance", "wombat"))
    [change] = _of(feed.read(), article["id"])
    assert change["action"] == "upsert"
    assert change["object"]["title"] == "Wombat levies and the alliance"
    updated = delivered("article.updated", title="Wombat levies and the alliance")
    assert updated["id"] == article["id"]

    # Archived: gone from every public view; partners are told.
    _write(admin, "PATCH", article["id"], status="archived")
    everyone_sees("quokka-tariffs", GONE)
    [change] = _of(feed.read(), article["id"])
    assert (change["action"], change["object"]) == ("delete", None)
    gone = {"type": "article", "id": article["id"]}
    assert delivered("article.unpublished", id=article["id"]) == gone

    # Deleted, the archived one and a published one.
    brief = {"kind": "brief", "title": "Quokka brief", "slug": "quokka-brief",
             "topics": ["china"], "authors": authors, "status": "published"}  # fmt: skip
    live = _created(admin.post("/api/v1/admin/articles", json=brief))
    everyone_sees("quokka-brief", _visible("Quokka brief", "quokka"))
    delivered("article.published", slug="quokka-brief")
    feed.read()
    _write(admin, "DELETE", article["id"])
    _write(admin, "DELETE", live["id"])
    assert admin.get(f"/api/v1/admin/articles/{article['id']}").status_code == 404
    everyone_sees("quokka-tariffs", GONE)
    everyone_sees("quokka-brief", GONE)
    entries = feed.read()
    assert _of(entries, article["id"]) == []  # it had left the public view already
    assert [(e["action"], e["object"]) for e in _of(entries, live["id"])] == [("delete", None)]
    assert delivered("article.unpublished", id=live["id"]) == {"type": "article", "id": live["id"]}
    sent = [d.payload for d in receiver.deliveries]
    assert [p["event"] for p in sent if p["object"].get("id") == article["id"]] == [
        "article.published", "article.updated", "article.unpublished"
    ]  # fmt: skip
    assert all(signature_ok(site.webhook_secret, d) for d in receiver.deliveries)
