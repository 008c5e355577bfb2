"""Signup to inbox through a real SMTP server: confirm, one-click unsubscribe, outages."""

import logging
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.newsletter.models import EmailMessage, NewsletterSubscription
from tests.factories import make_topic
from tests.newsletter.conftest import link_token, sign_up, unsubscribe_url


async def _state(session: AsyncSession, address: str) -> str:
    row = await session.scalar(
        select(NewsletterSubscription.state).where(NewsletterSubscription.email == address)
    )
    return row.value


async def test_signup_confirm_and_one_click_unsubscribe_end_to_end(
    client: AsyncClient, session: AsyncSession, smtp, run_worker
):
    await make_topic(session, name="Asia", slug="asia")
    response = await sign_up(client, "Ada@Example.org", interests=["asia"], source="footer")
    assert response.status_code == 202
    assert smtp.messages == []  # nothing leaves before the worker runs

    assert await run_worker() == 1
    [message] = smtp.messages
    assert message["To"] == "ada@example.org"
    assert message["From"] == "Newsletter <newsletter@example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = unsubscribe_url(message)
    assert one_click.startswith("http://testserver/api/v1/newsletter/unsubscribe/one-click?token=")

    token = link_token(message, "https://www.example.org/newsletter/confirm")
    confirmed = await client.post("/api/v1/newsletter/confirm", json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["interests"] == ["asia"]
    assert await _state(session, "ada@example.org") == "confirmed"

    # Mail scanners follow links: a GET of the unsubscribe URL changes nothing.
    assert (await client.get(one_click)).status_code == 405
    assert await _state(session, "ada@example.org") == "confirmed"

    gone = await client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200
    assert gone.json()["state"] == "unsubscribed"
    assert await _state(session, "ada@example.org") == "unsubscribed"


async def test_signups_succeed_while_smtp_is_down_and_mail_goes_out_when_it_is_back(
    client: AsyncClient, session: AsyncSession, smtp, run_worker
):
    smtp.stop()
    assert (await sign_up(client, "outage@example.org")).status_code == 202
    assert await run_worker() == 1
    row = await session.scalar(select(EmailMessage))
    await session.refresh(row)
    assert (row.state.value, row.attempts) == ("pending", 1)
    assert "Connect" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at > utcnow()  # backing off

    smtp.start()
    assert await run_worker() == 0  # not due yet
    # The backoff has passed.
    await session.execute(update(EmailMessage).values(next_attempt_at=utcnow()))
    assert await run_worker() == 1
    [message] = smtp.messages
    assert message["To"] == "outage@example.org"
    await session.refresh(row)
    assert (row.state.value, row.attempts, row.transport) == ("sent", 2, "smtp")


async def test_a_day_long_smtp_outage_loses_nothing(
    client: AsyncClient, session: AsyncSession, smtp, settings, run_worker, clock, caplog
):
    smtp.stop()
    await sign_up(client, "patient@example.org")
    limited = settings.model_copy(update={"newsletter_max_attempts": 3})
    with caplog.at_level(logging.WARNING, logger="app.newsletter"):
        for _ in range(30):  # far past NEWSLETTER_MAX_ATTEMPTS, a day and more
            assert await run_worker(limited) == 1
            row = await session.scalar(select(EmailMessage))
            await session.refresh(row)
            assert row.state.value == "pending"
            wait = row.next_attempt_at - clock.now()
            assert wait <= timedelta(hours=1.2)  # the backoff is capped
            clock.advance(seconds=wait.total_seconds() + 1)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # reported once, at the third attempt; retried all the same
    assert "3 attempts" in errors[0].getMessage()

    smtp.start()
    assert await run_worker() == 1
    [message] = smtp.messages
    assert message["To"] == "patient@example.org"
    await session.refresh(row)
    assert (row.state.value, row.attempts) == ("sent", 31)


async def test_an_address_the_server_refuses_for_good_is_failed_at_once(
    client: AsyncClient, session: AsyncSession, smtp, run_worker
):
    smtp.refuse.add("nobody-here@example.org")
    await sign_up(client, "nobody-here@example.org")
    assert await run_worker() == 1
    row = await session.scalar(select(EmailMessage))
    await session.refresh(row)
    assert (row.state.value, row.attempts) == ("failed", 1)
    assert "550" in row.last_error


async def test_without_smtp_emails_are_logged_and_kept_for_admins(
    client: AsyncClient, settings, smtp, run_worker, admin_headers, caplog
):
    demo = settings.model_copy(update={"smtp_host": None})
    await sign_up(client, "demo@example.org")
    with caplog.at_level(logging.INFO, logger="app.newsletter"):
        assert await run_worker(demo) == 1
    assert smtp.messages == []
    assert "demo@example.org" in caplog.text
    assert "https://www.example.org/newsletter/confirm?token=" in caplog.text

    outbox = await client.get("/api/v1/admin/newsletter/outbox", headers=admin_headers)
    assert outbox.status_code == 200
    [item] = outbox.json()["data"]
    assert (item["to_address"], item["state"], item["transport"]) == (
        "demo@example.org",
        "sent",
        "log",
    )
    assert "newsletter/confirm?token=" in item["text_body"]


async def test_unsubscribing_cancels_emails_still_waiting(
    client: AsyncClient, session: AsyncSession, smtp, run_worker
):
    await sign_up(client, "quick@example.org")
    row = await session.scalar(select(EmailMessage))
    url = row.headers["List-Unsubscribe"].strip("<>")
    assert (await client.post(url)).status_code == 200
    assert await run_worker() == 0
    assert smtp.messages == []
