"""The worker loop: run every task, sleep when there is nothing to do, stop on a signal."""

import asyncio
import contextlib
import logging
import os
import signal
import socket

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.worker.tasks import Task, tasks

log = logging.getLogger("app.worker")


def worker_name() -> str:
    """Who holds a lease: host and process, for the logs and the `locked_by` column."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_pass(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    only: list[tuple[str, Task]] | None = None,
) -> int:
    """Run each task once; how much they did in all. A failing task is logged, not fatal."""
    done = 0
    for name, task in only if only is not None else tasks():
        try:
            done += await task(sessionmaker, settings)
        except Exception:
            log.exception("worker task %s failed; it runs again on the next pass", name)
    return done


async def run_until_idle(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, *, max_passes: int = 100
) -> int:
    """Pass after pass until nothing is due (what `pressroom worker --once` does)."""
    total = 0
    for _ in range(max_passes):
        done = await run_pass(sessionmaker, settings)
        total += done
        if not done:
            break
    return total


async def run_forever(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    poll: float,
    parent_pid: int | None = None,
) -> None:
    """Work until SIGTERM or SIGINT, or until the process `parent_pid` is gone; sleep `poll`
    seconds after a pass that did nothing."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    names = ", ".join(name for name, _ in tasks()) or "none"
    log.info("worker %s started (tasks: %s)", worker_name(), names)
    while not stop.is_set():
        if parent_pid is not None and os.getppid() != parent_pid:
            log.info("the API process %s is gone", parent_pid)
            break
        if await run_pass(sessionmaker, settings):
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll)
    log.info("worker %s stopped", worker_name())
