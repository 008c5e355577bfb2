"""List totals come from a tally kept by database triggers: it must match a real count
after any write, and the totals the API shows must match the items it can page through."""

import random
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import tally
from app.articles.models import Article, ArticleKind, ArticleTally
from app.db import utcnow
from app.workflow import Status
from tests.changes.helpers import key_headers
from tests.conftest import _savepoint_sessions
from tests.factories import make_article, make_topic

KINDS = list(ArticleKind)


async def _tally(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(ArticleTally.kind, func.sum(ArticleTally.live)).group_by(ArticleTally.kind)
    )
    return {kind: n for kind, n in rows if n}


async def _counted(session: AsyncSession) -> dict[str, int]:
    live = Article.status.in_([Status.published, Status.scheduled])
    rows = await session.execute(
        select(Article.kind, func.count())
        .where(live, Article.published_at.is_not(None))
        .group_by(Article.kind)
    )
    return {kind.value: n for kind, n in rows}


async def test_the_tally_follows_every_kind_of_write(session: AsyncSession):
    rng = random.Random(7)
    now = utcnow()
    articles = []
    for n in range(40):
        status = rng.choice(list(Status))
        moment = now + timedelta(hours=rng.choice([-48, -1, 1, 48]))
        articles.append(
            await make_article(
                session,
                title=f"Tally {n}",
                kind=rng.choice(KINDS),
                status=status,
                published_at=None if status is Status.draft else moment,
            )
        )
    assert await _tally(session) == await _counted(session)

    for article in rng.sample(articles, 25):
        change = rng.choice(["status", "kind", "time", "unset", "delete"])
        if change == "status":
            article.status = rng.choice(list(Status))
        elif change == "kind":
            article.kind = rng.choice(KINDS)
        elif change == "time":
            article.published_at = now + timedelta(hours=rng.choice([-5, 5]))
        elif change == "unset":
            article.published_at = None
        else:
            await session.delete(article)
        await session.flush()
        assert await _tally(session) == await _counted(session), change

    # Writes that bypass the ORM count too.
    await session.execute(update(Article).values(status=Status.published, published_at=now))
    assert await _tally(session) == await _counted(session)
    await session.execute(delete(Article).where(Article.kind == ArticleKind.op_ed))
    await session.execute(text("UPDATE article SET kind = 'brief' WHERE kind = 'report'"))
    assert await _tally(session) == await _counted(session)


async def test_the_worker_folds_the_tally_into_a_row_a_kind(
    session: AsyncSession, connection, settings
):
    for n in range(tally.FOLD_AFTER):
        await make_article(session, title=f"Fold {n}", kind=KINDS[n % 2])
    before = await _tally(session)
    assert await session.scalar(select(func.count()).select_from(ArticleTally)) >= tally.FOLD_AFTER

    await tally.run_once(_savepoint_sessions(connection), settings)

    assert await _tally(session) == before == await _counted(session)
    rows = await session.scalar(select(func.count()).select_from(ArticleTally))
    assert rows == len(before)


async def test_list_totals_count_what_can_be_paged_through(
    client: AsyncClient, session: AsyncSession
):
    now = utcnow()
    china = await make_topic(session, name="China")
    await make_article(session, kind="op-ed", topics=[china])
    await make_article(session, kind="op-ed", published_at=now - timedelta(days=1))
    await make_article(session, kind="brief", published_at=now - timedelta(days=2))
    await make_article(session, kind="brief", status="draft")
    await make_article(session, kind="op-ed", status="archived", published_at=now)
    await make_article(session, kind="op-ed", status="scheduled", published_at=now + timedelta(1))
    await make_article(  # scheduled, and its time has come: public with no job
        session, kind="brief", status="scheduled", published_at=now - timedelta(minutes=1)
    )
    await make_article(
        session,
        kind="op-ed",
        status="scheduled",
        published_at=now + timedelta(hours=2),
        embargoed=True,
    )
    embargo = await key_headers(session, "content:read", "embargo:read")

    cases = [
        ("", {}, 4),
        ("?kind=op-ed", {}, 2),
        ("?kind=brief,op-ed", {}, 4),
        ("?kind=report", {}, 0),
        ("?topic=china", {}, 1),
        ("", embargo, 5),
        ("?kind=op-ed", embargo, 3),
    ]
    for query, headers, expected in cases:
        separator = "&" if query else "?"
        answer = await client.get(
            f"/api/v1/articles{query}{separator}per_page=100", headers=headers
        )
        body = answer.json()
        assert (body["meta"]["total"], len(body["data"])) == (expected, expected), query
