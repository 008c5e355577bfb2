"""A real HTTP receiver on loopback, and a worker bound to the test's transaction."""

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app import clock as app_clock
from app.config import Settings
from app.webhooks import worker
from tests.conftest import _savepoint_sessions
from tests.factories import make_user


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A tiny HTTP/1.1 server: records each request, answers `status`; can be killed and
    started again on the same port."""

    status: int = 204
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path, _ = (await reader.readline()).decode().split(" ", 2)
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(method, path, headers, body))
            head = f"HTTP/1.1 {self.status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            writer.write(head.encode())
            await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


TOLERANCE = 300  # seconds, as the README's verifier


def verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE) -> bool:
    """What a partner does (the README's verifier): refuse a `t` further than `tolerance`
    from now (the app's clock: a replay), recompute v1 from t and the raw body, compare in
    constant time."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    if abs(app_clock.timestamp() - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


@pytest.fixture
def worker_sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """What the worker opens its sessions with: the test's connection, rolled back after."""
    return _savepoint_sessions(connection)


@pytest.fixture
def run_worker(worker_sessions, settings: Settings):
    """One webhook worker pass (`now` moves time forward for due rows)."""

    async def run(*, now=None, settings: Settings = settings) -> int:
        return await worker.run_once(worker_sessions, settings, now=now, worker="test")

    return run


@pytest.fixture
async def admin(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="admin"))


async def register(client: AsyncClient, headers: dict[str, str], url: str, **body) -> dict:
    """Register an endpoint through the admin API; its JSON (with the secret)."""
    body.setdefault("events", ["article.published"])
    response = await client.post(
        "/api/v1/admin/webhooks", json={"url": url, **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()
