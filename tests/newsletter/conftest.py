"""A real SMTP server (aiosmtpd) on a free loopback port, and the worker's sessions."""

import asyncio
import email
import re
import socket
from collections.abc import Iterator
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from httpx import AsyncClient, Response
from pydantic import AnyHttpUrl
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import utcnow
from app.newsletter import worker
from app.newsletter.models import NewsletterSubscription, SubscriptionState
from tests.factories import make_user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """An SMTP server that keeps what it receives; it can be stopped and started again."""

    def __init__(self, port: int, *, delay: float = 0.0) -> None:
        self.port = port
        self.delay = delay
        self.messages: list[Message] = []
        self.refuse: set[str] = set()  # addresses answered `550` at RCPT
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    return Settings(
        database_url=database_url,
        site_url="https://www.example.org",
        public_api_url=AnyHttpUrl("http://testserver"),
        redis_url=None,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="Newsletter <newsletter@example.org>",
    )


@pytest.fixture
def worker_sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """The worker's own sessions, inside the test's rolled-back transaction."""
    return async_sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
def run_worker(worker_sessions, settings):
    """One pass of the newsletter task, as `pressroom worker` runs it."""

    async def run(custom: Settings | None = None) -> int:
        return await worker.run_once(worker_sessions, custom or settings)

    return run


async def sign_up(client: AsyncClient, address: str, **fields) -> Response:
    return await client.post("/api/v1/newsletter/subscriptions", json={"email": address, **fields})


def link_token(message: Message, pattern: str) -> str:
    """The token of the first link in the text part matching `pattern`."""
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    url = re.search(rf"{pattern}\S*", body).group()
    return parse_qs(urlsplit(url).query)["token"][0]


def unsubscribe_url(message: Message) -> str:
    return message["List-Unsubscribe"].strip("<>")


async def make_subscription(
    session: AsyncSession,
    *,
    address: str,
    state: SubscriptionState = SubscriptionState.confirmed,
    topics=(),
    programs=(),
    source: str | None = "footer",
) -> NewsletterSubscription:
    row = NewsletterSubscription(
        email=address,
        state=state,
        source=source,
        topics=list(topics),
        programs=list(programs),
        consent_at=utcnow(),
        consent_text_version="2026-11",
        confirmed_at=utcnow() if state is not SubscriptionState.pending else None,
    )
    session.add(row)
    await session.flush()
    return row


@pytest.fixture
async def admin_headers(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="admin"))
