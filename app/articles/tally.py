"""Folding the tally's +1/-1 rows into one row a kind (a worker task).

One `DELETE ... RETURNING` takes exactly the rows it removes, so a row committed meanwhile
is either folded or left for the next pass, never lost; the sums go back in the same
transaction."""

from collections import Counter

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.models import ArticleTally
from app.config import Settings

FOLD_AFTER = 50  # rows beyond one a kind before a fold is worth it


async def fold(session: AsyncSession) -> int:
    """Replace every tally row with one a kind; how many rows were folded."""
    gone = await session.execute(
        delete(ArticleTally).returning(ArticleTally.kind, ArticleTally.live)
    )
    sums: Counter[str] = Counter()
    rows = 0
    for kind, live in gone:
        sums[kind] += live
        rows += 1
    session.add_all(ArticleTally(kind=kind, live=n) for kind, n in sums.items() if n)
    await session.flush()
    return rows


async def run_once(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Fold when the tally has grown. Returns 0: folding never keeps the worker awake."""
    async with sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(ArticleTally))
    if not rows or rows < FOLD_AFTER:
        return 0
    # A transaction of its own that writes first: SQLite cannot turn a read into a write
    # once another connection has written.
    async with sessionmaker() as session:
        await fold(session)
        await session.commit()
    return 0
