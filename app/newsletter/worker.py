"""The worker task that empties the email outbox through SMTP (or the log, in the demo)."""

import logging
import re
import time
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import utcnow
from app.mail import smtp
from app.newsletter.models import EmailMessage, SignupAttempt
from app.worker import queue
from app.worker.runner import worker_name

log = logging.getLogger("app.newsletter")

BATCH = 20
PRUNE_INTERVAL = 600.0  # seconds between two prunes of old signup attempts by one worker
_last_prune = float("-inf")
_LINK = re.compile(r"https?://\S+")


async def run_once(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Send the emails that are due; how many were tried."""
    async with sessionmaker() as session:
        ids = await queue.claim(session, EmailMessage, worker=worker_name(), limit=BATCH)
        await session.commit()
    for message_id in ids:
        await _deliver(sessionmaker, settings, message_id)
    await _forget_old_attempts(sessionmaker, settings)
    return len(ids)


async def _deliver(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, message_id: int
) -> None:
    async with sessionmaker() as session:
        row = await session.get(EmailMessage, message_id)
        if row is None:
            return  # erased while leased
        await session.commit()  # no transaction stays open while talking to the server
        error = await _send(row, settings)
        if error is None:
            queue.succeeded(row)
        else:
            _failed(row, error, settings)
        session.add(row)
        await session.commit()


def _failed(row: EmailMessage, error: smtp.MailError, settings: Settings) -> None:
    """Due again after a backoff, however long the server is down (nothing is lost); given
    up only when the server refuses the address for good. Logged as an error once, when it
    has failed NEWSLETTER_MAX_ATTEMPTS times; a warning on the other attempts."""
    if queue.failed(row, error=str(error), max_attempts=None, permanent=error.permanent):
        log.error("email %s refused for good, not retried: %s", row.id, error)
    elif row.attempts == settings.newsletter_max_attempts:
        log.error("email %s still not sent after %s attempts: %s", row.id, row.attempts, error)
    else:
        log.warning("email %s to SMTP failed (attempt %s): %s", row.id, row.attempts, error)


async def _send(row: EmailMessage, settings: Settings) -> smtp.MailError | None:
    """Hand the email over; the error, or None once it is gone."""
    if not settings.smtp_host:
        # The demo: no server to send to, so show what would have gone out.
        links = " ".join([*_LINK.findall(row.text_body), *row.headers.values()])
        log.info("email %s (no SMTP_HOST) to %s: %r %s", row.id, row.to_address, row.subject, links)
        row.transport = "log"
        return None
    message = smtp.build(
        settings=settings,
        to=row.to_address,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        headers=row.headers,
        message_id=f"<email-{row.id}.{int(row.created_at.timestamp())}@pressroom>",
    )
    try:
        await smtp.send(message, settings)
    except smtp.MailError as exc:
        return exc
    row.transport = "smtp"
    return None


async def _forget_old_attempts(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Signup attempts only matter for the rate-limit window."""
    global _last_prune
    if time.monotonic() - _last_prune < PRUNE_INTERVAL:
        return
    _last_prune = time.monotonic()
    cutoff = utcnow() - 2 * timedelta(minutes=settings.newsletter_signup_window_minutes)
    async with sessionmaker() as session:
        await session.execute(delete(SignupAttempt).where(SignupAttempt.created_at < cutoff))
        await session.commit()
