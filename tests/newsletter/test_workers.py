"""Workers side by side on real connections to a committed scratch database."""

import asyncio
import os

import pytest
from sqlalchemy import func, select

from app.db import make_engine, make_sessionmaker
from app.newsletter import worker
from app.newsletter.models import EmailMessage
from tests import dbutil
from tests.conftest import BACKEND, SERVER_URL
from tests.newsletter.conftest import SmtpServer, free_port

EMAILS = 40


@pytest.fixture
async def scratch_url(tmp_path, worker_id):
    name = f"pressroom_newsletter_{worker_id}_{os.getpid()}"
    if BACKEND == "postgresql":
        url = await asyncio.to_thread(dbutil.fresh_postgres_database, SERVER_URL, name)
    else:
        url = dbutil.fresh_sqlite_database(tmp_path, name)
    await asyncio.to_thread(dbutil.migrate, url)
    yield url
    if BACKEND == "postgresql":
        await asyncio.to_thread(dbutil.drop_postgres_database, SERVER_URL, name)


@pytest.fixture
def slow_smtp():
    server = SmtpServer(free_port(), delay=0.01)  # sends overlap: the workers really race
    server.start()
    yield server
    server.stop()


async def _drain(url: str, settings) -> int:
    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine)
        sent = 0
        while done := await worker.run_once(sessions, settings):
            sent += done
        return sent
    finally:
        await engine.dispose()


async def test_two_workers_never_send_one_email_twice(
    scratch_url, slow_smtp, settings, monkeypatch
):
    monkeypatch.setattr(worker, "BATCH", 3)
    settings = settings.model_copy(update={"smtp_port": slow_smtp.port})
    engine = make_engine(scratch_url)
    async with make_sessionmaker(engine)() as session:
        session.add_all(
            EmailMessage(
                purpose="confirm",
                to_address=f"r{n}@example.org",
                subject=f"Email {n}",
                text_body="hello",
                headers={},
            )
            for n in range(EMAILS)
        )
        await session.commit()

    tried = await asyncio.gather(*(_drain(scratch_url, settings) for _ in range(3)))

    assert sum(tried) == EMAILS
    assert sum(1 for n in tried if n) >= 2  # they did run side by side
    assert sorted(m["Subject"] for m in slow_smtp.messages) == sorted(
        f"Email {n}" for n in range(EMAILS)
    )
    async with make_sessionmaker(engine)() as session:
        unsent = await session.scalar(
            select(func.count()).select_from(EmailMessage).where(EmailMessage.sent_at.is_(None))
        )
    await engine.dispose()
    assert unsent == 0
