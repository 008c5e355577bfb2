"""Two `pressroom serve` and two `pressroom worker` processes on one PostgreSQL database and
one Redis, as a deployment runs them: a write through one process is never served stale by
the other, the rate limit is one count, every webhook delivery and every email goes out
exactly once, and a change feed read while both take writes skips nothing.

PostgreSQL only (TEST_DATABASE_URL); needs a Redis (TEST_REDIS_URL or REDIS_URL, default
redis://127.0.0.1:6379/15; keys under a prefix of this run's own): skipped without one,
failed under REQUIRE_REDIS."""

import asyncio
import json
import os
import secrets
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.db import make_engine, make_sessionmaker
from tests import dbutil
from tests.conftest import BACKEND, SERVER_URL
from tests.factories import make_user
from tests.newsletter.conftest import SmtpServer
from tests.server import PRESSROOM, ROOT, Server, free_port, pressroom_env

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="two processes share one database on PostgreSQL only"
)

REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/15"
)
ANONYMOUS_PER_MINUTE = 10
WORKER_POLL = 0.2  # seconds a worker sleeps after a pass that found nothing to do
DEADLINE = 30.0
PASSWORD = "two-processes-password"
ARTICLES = "/api/v1/articles"
ADMIN_ARTICLES = "/api/v1/admin/articles"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but no Redis answered at {REDIS_URL} ({exc})")
        pytest.skip(f"no Redis answered at {REDIS_URL} ({exc}); set TEST_REDIS_URL to run it")


def _forget_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)
    client.close()


class Receiver:
    """A webhook receiver on a spare port that keeps every POST it gets and answers 204."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    received.append({"delivery": self.headers["X-Pressroom-Delivery"], **body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Cluster:
    servers: list[Server]
    workers: list[subprocess.Popen]
    logs: list[Path]
    receiver: Receiver
    smtp: SmtpServer
    admin: dict[str, str] = field(default_factory=dict)
    key: str = ""
    database: str = ""

    def settled(self) -> bool:
        """Nothing is left for a worker to do: every change due is numbered and read by the
        webhook worker, and no email or delivery waits in the outbox. From then on no
        worker pass can send anything, so what the receivers counted is final."""
        waiting = httpx.get(
            self.url(0) + "/api/v1/admin/outbox", params={"state": "pending"}, headers=self.admin
        )
        assert waiting.status_code == 200, waiting.text
        return waiting.json()["meta"]["total"] == 0 and asyncio.run(_changes_read(self.database))

    def url(self, n: int) -> str:
        """Process A for even `n`, B for odd: requests alternate between the two."""
        return self.servers[n % 2].url

    def publish(self, n: int, slug: str) -> dict[str, Any]:
        body = {"kind": "brief", "title": slug.replace("-", " ").title(), "slug": slug}
        answer = httpx.post(
            self.url(n) + ADMIN_ARTICLES,
            json={**body, "status": "published"},
            headers=self.admin,
            timeout=20,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    def assert_quiet(self) -> None:
        """No process logged an unhandled error (a 500, a failed worker task)."""
        for log in self.logs:
            text = log.read_text(errors="replace") if log.exists() else ""
            assert "Traceback" not in text, f"{log.name}:\n{text[-4000:]}"


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [PRESSROOM, "worker", "--poll", str(WORKER_POLL)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _make_admin(url: str) -> None:
    # In this process: a `pressroom users create` would cost seconds of interpreter start.
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        await make_user(session, role="admin", email="admin@example.org", password=PASSWORD)
        await session.commit()
    await engine.dispose()


async def _changes_read(url: str) -> bool:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            unnumbered = await connection.scalar(
                text("SELECT count(*) FROM change WHERE seq IS NULL AND visible_at <= now()")
            )
            behind = await connection.scalar(
                text(
                    "SELECT coalesce((SELECT max(seq) FROM change), 0)"
                    " > coalesce((SELECT max(last_seq) FROM webhook_cursor), 0)"
                )
            )
    finally:
        await engine.dispose()
    return unnumbered == 0 and not behind


def _sign_in(cluster: Cluster) -> None:
    token = httpx.post(
        cluster.url(0) + "/api/v1/admin/auth/token",
        data={"username": "admin@example.org", "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    cluster.admin = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # Made on B with A's token: one secret signs for both.
    key = httpx.post(
        cluster.url(1) + "/api/v1/admin/api-keys",
        json={"name": "Mirror", "scopes": ["content:read"]},
        headers=cluster.admin,
    )
    assert key.status_code == 201, key.text
    cluster.key = key.json()["key"]
    hook = httpx.post(
        cluster.url(0) + "/api/v1/admin/webhooks",
        json={"url": cluster.receiver.url, "events": ["article.published", "article.updated"]},
        headers=cluster.admin,
    )
    assert hook.status_code == 201, hook.text


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _redis_or_skip()
    here = tmp_path_factory.mktemp("two-processes")
    name = f"pressroom_two_processes_{os.getpid()}"
    url = dbutil.fresh_postgres_database(SERVER_URL, name)
    prefix = f"pressroom-test:{uuid.uuid4().hex}:"
    smtp, receiver = SmtpServer(free_port()), Receiver()
    smtp.start()
    cluster = Cluster([], [], [], receiver, smtp)
    try:
        cluster.database = url
        dbutil.migrate(url)  # once: the two `serve --migrate` below then find nothing to do
        asyncio.run(_make_admin(url))
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(48),  # one secret: a token works on both
            "CACHE_PREFIX": prefix + "cache:",
            "RATE_LIMIT_PREFIX": prefix + "ratelimit",
            "RATE_LIMIT_ANONYMOUS_PER_MINUTE": str(ANONYMOUS_PER_MINUTE),
            "RATE_LIMIT_STRATEGY": "moving-window",  # exact counts, whenever in the minute
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_TIMEOUT": "5",
        }
        for n in range(2):
            cluster.logs.append(here / f"worker-{n}.log")
            cluster.workers.append(_start_worker(pressroom_env(here, **env), cluster.logs[-1]))
        with ThreadPoolExecutor(2) as pool:  # the four processes start side by side
            starting = [pool.submit(Server, here / n, "--migrate", **env) for n in ("a", "b")]
        cluster.servers += [f.result() for f in starting if f.exception() is None]
        cluster.logs += [server.log for server in cluster.servers]
        for future in starting:
            future.result()  # a server that did not start fails the tests, saying why
        _sign_in(cluster)
        yield cluster
    finally:
        for process in [*cluster.workers, *(server.process for server in cluster.servers)]:
            process.terminate()  # all at once; each is then waited for
        for process in cluster.workers:
            _stop(process)
        for server in cluster.servers:
            server.stop()
        smtp.stop()
        receiver.stop()
        _forget_redis_keys(prefix)
        dbutil.drop_postgres_database(SERVER_URL, name)


def _wait_for(what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not done():
        assert time.monotonic() < deadline, f"still waiting after {DEADLINE} s for {what}"
        time.sleep(0.1)


def test_a_write_through_one_process_is_never_served_stale_by_the_other(cluster: Cluster):
    article = cluster.publish(0, "stale-or-not")
    a, b = cluster.servers
    reader = {"X-Forwarded-For": "203.0.113.10"}  # anonymous: the answer is cached
    httpx.get(f"{a.url}{ARTICLES}/stale-or-not", headers=reader)
    cached = httpx.get(f"{a.url}{ARTICLES}/stale-or-not", headers=reader)
    assert (cached.status_code, cached.headers.get("x-cache")) == (200, "HIT")

    etag = httpx.get(f"{b.url}{ADMIN_ARTICLES}/{article['id']}", headers=cluster.admin)
    edit = httpx.patch(
        f"{b.url}{ADMIN_ARTICLES}/{article['id']}",
        json={"title": "Edited through B"},
        headers={**cluster.admin, "If-Match": etag.headers["etag"]},
    )
    assert edit.status_code == 200, edit.text
    after = httpx.get(f"{a.url}{ARTICLES}/stale-or-not", headers=reader)

    assert after.status_code == 200
    assert after.json()["title"] == "Edited through B"
    cluster.assert_quiet()


def test_the_anonymous_rate_limit_is_one_count_across_processes(cluster: Cluster):
    client = {"X-Forwarded-For": "203.0.113.20"}  # a reader of its own: a fresh count

    answers = [
        httpx.get(cluster.url(n) + ARTICLES, headers=client) for n in range(ANONYMOUS_PER_MINUTE)
    ]
    over = [httpx.get(cluster.url(n) + ARTICLES, headers=client) for n in range(2)]

    assert [a.status_code for a in answers] == [200] * ANONYMOUS_PER_MINUTE
    assert [int(a.headers["ratelimit-remaining"]) for a in answers] == list(
        range(ANONYMOUS_PER_MINUTE - 1, -1, -1)
    )
    assert [a.status_code for a in over] == [429, 429]  # on A and on B
    assert all(a.headers["content-type"] == "application/problem+json" for a in over)
    assert all(int(a.headers["retry-after"]) > 0 for a in over)
    cluster.assert_quiet()


def test_each_webhook_delivery_goes_out_once(cluster: Cluster):
    slugs = [f"hooked-{n}" for n in range(8)]
    with ThreadPoolExecutor(4) as pool:
        ids = {a["id"] for a in pool.map(cluster.publish, range(len(slugs)), slugs)}

    def published() -> set[int]:
        received = list(cluster.receiver.received)
        return {d["object"]["id"] for d in received if d["event"] == "article.published"}

    _wait_for("a delivery of each article.published", lambda: ids <= published())
    _wait_for("the workers to have nothing left to send", cluster.settled)

    received = list(cluster.receiver.received)
    deliveries = Counter(d["delivery"] for d in received)
    assert [d for d, n in deliveries.items() if n > 1] == []
    events = Counter((d["event"], d["object"]["id"]) for d in received)
    assert [e for e, n in events.items() if n > 1] == []
    cluster.assert_quiet()


def test_each_confirmation_email_goes_out_once(cluster: Cluster):
    addresses = [f"reader{n}@example.org" for n in range(6)]

    def sign_up(n: int) -> int:
        return httpx.post(
            cluster.url(n) + "/api/v1/newsletter/subscriptions",
            json={"email": addresses[n]},
            headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            timeout=20,
        ).status_code

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(sign_up, range(len(addresses)))) == [202] * len(addresses)

    def recipients() -> Counter[str]:
        return Counter(m["To"] for m in list(cluster.smtp.messages))

    _wait_for("a confirmation email to each reader", lambda: set(addresses) <= set(recipients()))
    _wait_for("the workers to have nothing left to send", cluster.settled)

    assert recipients() == Counter(addresses)
    cluster.assert_quiet()


def test_the_change_feed_skips_nothing_while_both_processes_take_writes(cluster: Cluster):
    slugs = [f"fed-{n}" for n in range(16)]
    feed: list[dict[str, Any]] = []
    writing = threading.Event()
    writing.set()

    def read_feed() -> None:
        since, n, deadline = "0", 0, time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            still_writing = writing.is_set()
            page = httpx.get(
                cluster.url(n) + "/api/v1/changes",
                params={"since": since, "limit": 5},
                headers={"X-API-Key": cluster.key},
                timeout=20,
            )
            assert page.status_code == 200, page.text
            feed.extend(page.json()["data"])
            since, n = page.json()["meta"]["next_cursor"], n + 1
            if not still_writing and not page.json()["meta"]["has_more"]:
                return
        raise AssertionError(f"the feed did not end within {DEADLINE} s")

    with ThreadPoolExecutor(5) as pool:
        reading = pool.submit(read_feed)
        written = list(pool.map(cluster.publish, range(len(slugs)), slugs))
        writing.clear()
        reading.result()

    seqs = [entry["seq"] for entry in feed]
    assert seqs == sorted(set(seqs))  # strictly increasing, across pages and processes
    seen = {entry["id"] for entry in feed if entry["resource"] == "article"}
    assert {a["id"] for a in written} <= seen
    cluster.assert_quiet()
