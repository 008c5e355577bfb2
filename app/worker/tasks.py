"""What `pressroom worker` runs, in order, on every pass.

Each task is `async def run_once(sessionmaker, settings) -> int`: it does what is due and
returns how much it did (0 lets the worker sleep until the next poll). It opens its own
sessions and commits its own work.
"""

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings

Task = Callable[[async_sessionmaker[AsyncSession], Settings], Awaitable[int]]


def tasks() -> list[tuple[str, Task]]:
    """The worker's tasks, by name. Imported here, late, so that each package stays optional
    to the others."""
    from app.articles import tally
    from app.changes import worker as changes
    from app.newsletter import worker as newsletter_worker
    from app.webhooks import worker as webhooks
    from app.worker import housekeeping

    return [
        ("housekeeping", housekeeping.run_once),
        ("article tally", tally.run_once),
        ("changes", changes.run_once),  # before webhooks: they read numbered changes
        ("webhooks", webhooks.run_once),
        ("newsletter", newsletter_worker.run_once),
    ]
