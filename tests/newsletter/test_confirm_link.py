"""The confirmation link as the subscriber gets it (from the email in the outbox): it
confirms once, and only within NEWSLETTER_CONFIRM_HOURS."""

import re
from urllib.parse import parse_qs, urlsplit

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.newsletter.models import EmailMessage, NewsletterSubscription
from tests.newsletter.conftest import sign_up

CONFIRM = "/api/v1/newsletter/confirm"


async def emailed_confirm_token(session: AsyncSession, address: str) -> str:
    """The token of the confirmation link in the latest email to `address`, as queued."""
    body = await session.scalar(
        select(EmailMessage.text_body)
        .where(EmailMessage.to_address == address, EmailMessage.purpose == "confirm")
        .order_by(EmailMessage.id.desc())
        .limit(1)
    )
    url = re.search(r"https://www\.example\.org/newsletter/confirm\?\S+", body).group()
    return parse_qs(urlsplit(url).query)["token"][0]


async def _state(session: AsyncSession, address: str) -> str:
    state = await session.scalar(
        select(NewsletterSubscription.state).where(NewsletterSubscription.email == address)
    )
    return state.value


async def test_the_emailed_link_confirms_once(client: AsyncClient, session: AsyncSession):
    await sign_up(client, "once@example.org")
    token = await emailed_confirm_token(session, "once@example.org")
    first = await client.post(CONFIRM, json={"token": token})
    assert (first.status_code, first.json()["state"]) == (200, "confirmed")
    again = await client.post(CONFIRM, json={"token": token})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


async def test_the_emailed_link_works_until_its_lifetime_ends(
    client: AsyncClient, session: AsyncSession, settings, clock
):
    await sign_up(client, "slow@example.org")
    token = await emailed_confirm_token(session, "slow@example.org")
    clock.advance(hours=settings.newsletter_confirm_hours, minutes=-1)
    response = await client.post(CONFIRM, json={"token": token})
    assert response.status_code == 200


async def test_the_emailed_link_stops_working_after_newsletter_confirm_hours(
    client: AsyncClient, session: AsyncSession, settings, clock
):
    await sign_up(client, "late@example.org")
    token = await emailed_confirm_token(session, "late@example.org")
    clock.advance(hours=settings.newsletter_confirm_hours, seconds=1)
    response = await client.post(CONFIRM, json={"token": token})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "token"
    assert await _state(session, "late@example.org") == "pending"


async def test_an_old_link_does_not_confirm_a_later_signup(
    client: AsyncClient, session: AsyncSession, settings, clock
):
    await sign_up(client, "back@example.org")
    old = await emailed_confirm_token(session, "back@example.org")
    assert (await client.post(CONFIRM, json={"token": old})).status_code == 200
    headers = await session.scalar(
        select(EmailMessage.headers).where(EmailMessage.to_address == "back@example.org")
    )
    one_click = headers["List-Unsubscribe"].strip("<>")
    gone = await client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert gone.json()["state"] == "unsubscribed"
    clock.advance(minutes=settings.newsletter_resend_minutes + 1)
    await sign_up(client, "back@example.org")
    new = await emailed_confirm_token(session, "back@example.org")
    assert new != old

    assert (await client.post(CONFIRM, json={"token": old})).status_code == 409
    assert await _state(session, "back@example.org") == "pending"
    assert (await client.post(CONFIRM, json={"token": new})).status_code == 200
