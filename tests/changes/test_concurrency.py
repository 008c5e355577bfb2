"""On PostgreSQL, with real connections on a committed scratch database: a writer that is
slow to commit is numbered after what readers have already read, never skipped."""

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.models import Article, ArticleKind
from app.auth.api_keys import Reader
from app.changes import service
from app.db import make_engine, make_sessionmaker, utcnow
from app.workflow import Status
from tests import dbutil
from tests.conftest import BACKEND, SERVER_URL

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="needs PostgreSQL")
PARTNER = Reader(key_id=1, scopes=frozenset({"content:read"}))


@pytest.fixture
def scratch_url(worker_id: str):
    name = f"pressroom_changes_scratch_{worker_id}_{os.getpid()}"
    url = dbutil.fresh_postgres_database(SERVER_URL, name)
    dbutil.migrate(url)
    yield url
    dbutil.drop_postgres_database(SERVER_URL, name)


@pytest.fixture
async def sessions(scratch_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(scratch_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


def _article(slug: str) -> Article:
    return Article(
        slug=slug, title=slug, kind=ArticleKind.brief, status=Status.published,
        published_at=utcnow(),
    )  # fmt: skip


async def _read(sessions: async_sessionmaker[AsyncSession], since: int) -> list[int]:
    async with sessions() as session:
        await service.sequence_due(session)
        rows, _ = await service.feed_page(session, reader=PARTNER, since=since, limit=100)
        await session.commit()
        return [row.seq for row in rows]


async def test_a_slow_writer_is_numbered_after_what_was_read(sessions):
    async with sessions() as slow, sessions() as fast:
        slow.add(_article("slow"))
        await slow.flush()  # its change row is written, not committed
        fast.add(_article("fast"))
        await fast.commit()

        first = await _read(sessions, 0)
        await slow.commit()
        later = await _read(sessions, max(first))

    assert len(first) == 1
    assert len(later) == 1
    assert later[0] > first[0]


async def test_a_writer_numbering_holds_back_the_next_until_it_commits(sessions):
    async with sessions() as first, sessions() as second:
        first.add(_article("first"))
        await first.flush()
        await service.sequence_due(first)  # numbered under the lock, not committed yet
        second.add(_article("second"))
        committing = asyncio.create_task(second.commit())
        await asyncio.sleep(0.3)
        assert not committing.done()  # waits for the lock: it cannot commit a higher seq

        assert await _read(sessions, 0) == []
        await first.commit()
        await committing

    assert await _read(sessions, 0) == [1, 2]
