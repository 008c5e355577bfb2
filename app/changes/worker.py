"""The worker task that numbers changes as they come due (scheduled and embargoed items
entering the feed at their time), so webhooks fire without anyone reading the feed."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.changes import service
from app.config import Settings


async def run_once(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Number the due changes, a batch a transaction; how many."""
    total = 0
    while True:
        async with sessionmaker() as session:
            done = await service.sequence_due(session)
            await session.commit()
        total += done
        if done < service.BATCH:
            return total
