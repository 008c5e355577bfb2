"""Outages, on real processes: `pressroom serve` on a PostgreSQL cluster and a redis-server
of the test's own, which the tests stop, freeze and start again while it answers.

What a reader sees: a cached answer while it is fresh, else a 503 problem with
`Retry-After`, never a 500 and never a wait past DATABASE_CONNECT_TIMEOUT or
DATABASE_STATEMENT_TIMEOUT; `/readyz` fails while `/healthz` passes; everything answers
again once the database is back. Redis down costs nothing but sharing.

The third outage of the issue, an SMTP server down for a day (on the test clock), is
`tests/newsletter/test_delivery.py::test_a_day_long_smtp_outage_loses_nothing`.

Runs once, in the PostgreSQL pass (it brings its own cluster). Without the PostgreSQL
binaries or redis-server it skips, unless REQUIRE_POSTGRES / REQUIRE_REDIS is set.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND
from tests.server import Server, free_port

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="runs in the PostgreSQL pass (it brings its own cluster)"
)

CONNECT_TIMEOUT = 2.0
STATEMENT_TIMEOUT = 3.0
SLACK = 1.5  # a busy two-core machine: scheduling, not waiting on the database
WAIT_SECONDS = 30
PUBLIC = ["/api/v1/topics", "/api/v1/experts", "/api/v1/events", "/api/v1/site"]
FAST_LANE = "/api/v1/articles"


def _missing(what: str, variable: str) -> None:
    if os.environ.get(variable):
        pytest.fail(f"{variable} is set but {what}")
    pytest.skip(f"{what}; set {variable} to make this a failure")


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


class Postgres:
    """A throwaway cluster on a spare port, trust authentication, socket in its folder."""

    def __init__(self, folder: Path) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        pg_ctl = found[-1] if found else shutil.which("pg_ctl")
        if pg_ctl is None:
            _missing("no PostgreSQL binaries (pg_ctl, initdb) were found", "REQUIRE_POSTGRES")
        self.bin = Path(pg_ctl).parent
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = _as_postgres(str(self.bin / tool), *args)
        done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT_SECONDS)
        if done.returncode != 0:
            pytest.fail(f"{tool} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and every backend it forked."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def signal(self, number: int) -> None:
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)

    def close(self) -> None:
        self.signal(signal.SIGCONT)
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A redis-server of the test's own, without persistence."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            _missing("redis-server was not found", "REQUIRE_REDIS")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=log)
        _until(lambda: _answers_ping(self.port), "redis-server to answer")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=WAIT_SECONDS)
        self.process = None

    def close(self) -> None:
        if self.process is not None:
            self.stop()


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _until(condition, what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    # Not under pytest's temporary folder: that one is private to root.
    cluster = Postgres(Path(tempfile.mkdtemp(prefix="pressroom-outage-")))
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    server = Redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def server(
    postgres: Postgres, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    running = Server(
        tmp_path_factory.mktemp("serve"),
        "--migrate",
        "--seed-demo",
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        SECRET_KEY="outage-" * 8,
        CACHE_ENABLED="true",
        DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        DATABASE_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT),
        RATE_LIMIT_ANONYMOUS_PER_MINUTE="100000",
    )
    yield running
    running.stop()


def _get(server: Server, path: str) -> tuple[httpx.Response, float]:
    """One GET, and how long it took to answer."""
    started = time.monotonic()
    response = httpx.get(f"{server.url}{path}", timeout=WAIT_SECONDS)
    return response, time.monotonic() - started


def _get_all(server: Server, paths: list[str]) -> list[tuple[httpx.Response, float]]:
    """The GETs side by side: a hung database costs one timeout, not one each."""
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(lambda path: _get(server, path), paths))


def _warm(server: Server, paths: list[str]) -> None:
    for path in paths:
        assert _get(server, path)[0].status_code == 200, path
        again = _get(server, path)[0]
        assert (again.status_code, again.headers["x-cache"]) == (200, "HIT"), path


def _unavailable(response: httpx.Response, path: str) -> None:
    """A 503 problem a client can act on, not a 500 and not a cached error."""
    assert response.status_code == 503, (path, response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json", path
    problem = response.json()
    assert problem["type"].endswith("/database-unavailable"), path
    assert problem["status"] == 503
    assert int(response.headers["retry-after"]) > 0, path
    if path.startswith("/api/"):
        assert response.headers["cache-control"] == "no-store", path


def _recovered(server: Server, paths: list[str]) -> None:
    """Every path answers 200 at the first try, and the server is ready again."""
    for path in paths:
        response, _ = _get(server, path)
        assert response.status_code == 200, (path, response.text)
    assert _get(server, "/readyz")[0].status_code == 200


# Answers warmed into the cache, and others asked only during the outage: through the
# FastAPI routes and through the article list's fast lane, which has a pool of its own.
CACHED = [*PUBLIC, FAST_LANE]
UNCACHED = ["/api/v1/topics?per_page=3", "/api/v1/experts?page=2", f"{FAST_LANE}?per_page=3"]


def test_a_stopped_database_answers_from_the_cache_or_503_and_recovers(
    server: Server, postgres: Postgres
):
    _warm(server, CACHED)
    postgres.stop()
    try:
        cached = [_get(server, path) for path in CACHED]
        uncached = [_get(server, path) for path in UNCACHED]
        ready, _ = _get(server, "/readyz")
        live, _ = _get(server, "/healthz")
    finally:
        postgres.start()

    for path, (response, seconds) in zip(CACHED, cached, strict=True):
        assert (response.status_code, response.headers["x-cache"]) == (200, "HIT"), path
        assert seconds < SLACK, path
    for path, (response, seconds) in zip(UNCACHED, uncached, strict=True):
        _unavailable(response, path)
        assert seconds < SLACK, path  # a refused connection is answered at once
    _unavailable(ready, "/readyz")
    assert live.status_code == 200
    _recovered(server, UNCACHED)


def test_a_hung_database_answers_503_within_the_timeouts_and_recovers(
    server: Server, postgres: Postgres
):
    # Pooled connections first, so that both timeouts are met: a statement on a connection
    # the frozen server never answers, and a connection the frozen server never accepts.
    _recovered(server, ["/api/v1/programs", f"{FAST_LANE}?per_page=2"])
    paths = [  # not cached yet
        "/api/v1/experts?per_page=7",
        f"{FAST_LANE}?per_page=7",
        *(f"/api/v1/topics?per_page={n}" for n in range(11, 17)),
    ]
    postgres.signal(signal.SIGSTOP)
    try:
        answers = _get_all(server, [*paths, "/readyz"])
        live, live_seconds = _get(server, "/healthz")
    finally:
        postgres.signal(signal.SIGCONT)

    for path, (response, seconds) in zip([*paths, "/readyz"], answers, strict=True):
        _unavailable(response, path)
        assert seconds < CONNECT_TIMEOUT + STATEMENT_TIMEOUT + SLACK, (path, seconds)
    assert live.status_code == 200
    assert live_seconds < SLACK
    _recovered(server, paths)


def test_a_database_restart_between_requests_costs_no_request(server: Server, postgres: Postgres):
    paths = ["/api/v1/programs", "/api/v1/events?per_page=5", f"{FAST_LANE}?per_page=5"]
    _recovered(server, paths)  # connections in both pools
    postgres.stop()
    postgres.start()
    # DATABASE_PRE_PING is off: a connection the server closed is replaced all the same.
    _recovered(server, [f"{path}&page=1" if "?" in path else f"{path}?page=1" for path in paths])


def test_a_redis_outage_answers_every_request_and_keeps_limits(server: Server, redis: Redis):
    _warm(server, CACHED)
    redis.stop()
    try:
        answers = [_get(server, path) for path in [*CACHED, *CACHED]]
    finally:
        redis.start()

    for response, seconds in answers:
        assert response.status_code == 200, response.text
        assert seconds < SLACK
    # First from the database, then from the few seconds' cache the process keeps itself.
    caches = [response.headers["x-cache"] for response, _ in answers]
    assert caches == ["MISS"] * len(CACHED) + ["HIT"] * len(CACHED)
    for response, _ in answers:
        # Counted in this process while the shared counts are out of reach.
        assert int(response.headers["ratelimit-remaining"]) < 100000
    remaining = [int(response.headers["ratelimit-remaining"]) for response, _ in answers]
    assert remaining == sorted(remaining, reverse=True)
    assert len(set(remaining)) == len(remaining)
    # Back: the cache is filled and read again.
    _get(server, "/api/v1/site")
    _until(lambda: _get(server, "/api/v1/site")[0].headers["x-cache"] == "HIT", "a cache hit")
