"""The public signup box and the links it mails: no enumeration, abuse limits, tokens."""

from datetime import timedelta

import jwt
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.newsletter import tokens
from app.newsletter.models import EmailMessage, NewsletterSubscription, SubscriptionState
from tests.factories import make_program, make_topic
from tests.newsletter.conftest import make_subscription, sign_up

SUBSCRIPTIONS = "/api/v1/newsletter/subscriptions"


async def _count(session: AsyncSession, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def _row(session: AsyncSession, address: str) -> NewsletterSubscription:
    row = await session.scalar(
        select(NewsletterSubscription).where(NewsletterSubscription.email == address)
    )
    await session.refresh(row)
    return row


async def test_every_address_state_gets_the_same_answer(client: AsyncClient, session: AsyncSession):
    await make_subscription(session, address="confirmed@example.org")
    await make_subscription(
        session, address="gone@example.org", state=SubscriptionState.unsubscribed
    )
    await sign_up(client, "pending@example.org")
    answers = [
        await sign_up(client, address)
        for address in (
            "new@example.org",
            "pending@example.org",
            "confirmed@example.org",
            "gone@example.org",
        )
    ]
    assert {r.status_code for r in answers} == {202}
    assert len({r.content for r in answers}) == 1
    assert len({r.headers["content-type"] for r in answers}) == 1
    assert len({r.headers["content-length"] for r in answers}) == 1
    assert (await _row(session, "confirmed@example.org")).state is SubscriptionState.confirmed
    assert (await _row(session, "gone@example.org")).state is SubscriptionState.pending


async def test_the_same_address_in_another_case_is_the_same_person(
    client: AsyncClient, session: AsyncSession
):
    await sign_up(client, "Reader@Example.ORG")
    await sign_up(client, "reader@example.org")
    await sign_up(client, "  READER@example.org ")
    assert await _count(session, NewsletterSubscription) == 1
    assert (await _row(session, "reader@example.org")).state is SubscriptionState.pending


async def test_a_pending_address_is_sent_at_most_one_email_per_interval(
    client: AsyncClient, session: AsyncSession
):
    await sign_up(client, "again@example.org")
    await sign_up(client, "again@example.org")
    assert await _count(session, EmailMessage) == 1
    await session.execute(
        update(NewsletterSubscription).values(confirmation_sent_at=utcnow() - timedelta(minutes=16))
    )
    await sign_up(client, "again@example.org")
    assert await _count(session, EmailMessage) == 2


async def test_a_confirmed_address_gets_no_email(client: AsyncClient, session: AsyncSession):
    await make_subscription(session, address="happy@example.org")
    await sign_up(client, "happy@example.org")
    assert await _count(session, EmailMessage) == 0


async def test_the_honeypot_answers_like_a_success_and_does_nothing(
    client: AsyncClient, session: AsyncSession
):
    real = await sign_up(client, "human@example.org")
    bot = await sign_up(client, "bot@example.org", website="http://spam.example")
    assert (bot.status_code, bot.content) == (real.status_code, real.content)
    assert await _row_count_for(session, "bot@example.org") == 0
    assert await _count(session, EmailMessage) == 1


async def _row_count_for(session: AsyncSession, address: str) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(NewsletterSubscription)
        .where(NewsletterSubscription.email == address)
    )


async def test_a_bad_address_is_a_422_naming_email(client: AsyncClient, session: AsyncSession):
    response = await sign_up(client, "not-an-address")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
    assert await _count(session, NewsletterSubscription) == 0


async def test_an_unknown_interest_is_a_422_naming_interests(
    client: AsyncClient, session: AsyncSession
):
    await make_topic(session, slug="asia", name="Asia")
    response = await sign_up(client, "x@example.org", interests=["asia", "atlantis"])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["interests"]
    assert "atlantis" in response.json()["detail"]
    assert await _count(session, NewsletterSubscription) == 0


async def test_interests_take_topic_and_program_slugs(client: AsyncClient, session: AsyncSession):
    await make_topic(session, slug="asia", name="Asia")
    await make_program(session, slug="grand-strategy", name="Grand Strategy")
    await sign_up(client, "both@example.org", interests=["grand-strategy", "asia"])
    row = await session.scalar(
        select(NewsletterSubscription).where(NewsletterSubscription.email == "both@example.org")
    )
    await session.refresh(row, ["topics", "programs"])
    assert row.interests == ["asia", "grand-strategy"]


async def test_signups_are_limited_per_email_address(client: AsyncClient, session: AsyncSession):
    for _ in range(3):
        assert (await sign_up(client, "flood@example.org")).status_code == 202
    response = await sign_up(client, "FLOOD@example.org")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 0 < int(response.headers["retry-after"]) <= 3600


async def test_plus_tags_and_case_do_not_get_round_the_limit_for_one_inbox(
    client: AsyncClient, session: AsyncSession
):
    for address in ("victim+1@example.org", "Victim+2@Example.org", "VICTIM@example.org"):
        assert (await sign_up(client, address)).status_code == 202
    flood = await sign_up(client, "victim+4@example.org")
    assert flood.status_code == 429
    assert await _count(session, EmailMessage) == 3
    # Another inbox on the same domain, and a dotted name (kept: not Gmail-folded), pass.
    assert (await sign_up(client, "victim2+1@example.org")).status_code == 202
    assert (await sign_up(client, "vic.tim@example.org")).status_code == 202


def test_the_mailbox_key_folds_case_and_drops_the_plus_tag():
    assert tokens.mailbox("Ada.Lovelace+News+2@Example.ORG") == "ada.lovelace@example.org"
    assert tokens.mailbox("ada@example.org") == "ada@example.org"


async def test_signups_are_limited_per_client_address(client: AsyncClient):
    for n in range(10):
        assert (await sign_up(client, f"list{n}@example.org")).status_code == 202
    response = await sign_up(client, "list-last@example.org")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


async def test_the_consent_record_keeps_a_keyed_hash_never_the_address(
    client: AsyncClient, session: AsyncSession, settings
):
    await client.post(
        SUBSCRIPTIONS,
        json={"email": "consent@example.org", "source": "footer"},
        headers={"User-Agent": "TestBrowser/1.0"},
    )
    row = await _row(session, "consent@example.org")
    assert row.consent_at is not None
    assert row.source == "footer"
    assert row.consent_text_version == settings.newsletter_consent_version
    assert row.consent_user_agent == "TestBrowser/1.0"
    assert row.consent_client_hash == tokens.keyed_hash(settings, "127.0.0.1")
    assert "127.0.0.1" not in str(vars(row))


async def test_a_forged_token_is_refused(client: AsyncClient, session: AsyncSession, settings):
    await sign_up(client, "forged@example.org")
    row = await _row(session, "forged@example.org")
    forged = jwt.encode(
        {"typ": tokens.CONFIRM, "sub": str(row.id), "v": 0, "exp": utcnow() + timedelta(hours=1)},
        "not-the-secret-key-of-this-server-at-all",
        algorithm="HS256",
    )
    response = await client.post("/api/v1/newsletter/confirm", json={"token": forged})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "token"
    assert (await _row(session, "forged@example.org")).state is SubscriptionState.pending


# The emailed link's single use and lifetime: tests/newsletter/test_confirm_link.py


async def test_a_token_for_another_purpose_is_refused(
    client: AsyncClient, session: AsyncSession, settings
):
    await sign_up(client, "purpose@example.org")
    row = await _row(session, "purpose@example.org")
    unsubscribe = tokens.issue(settings, row, purpose=tokens.UNSUBSCRIBE)
    response = await client.post("/api/v1/newsletter/confirm", json={"token": unsubscribe})
    assert response.status_code == 400


async def test_unsubscribe_with_a_token_and_again(
    client: AsyncClient, session: AsyncSession, settings
):
    row = await make_subscription(session, address="bye@example.org")
    token = tokens.issue(settings, row, purpose=tokens.UNSUBSCRIBE)
    for _ in range(2):
        response = await client.post("/api/v1/newsletter/unsubscribe", json={"token": token})
        assert response.status_code == 200
        assert response.json()["state"] == "unsubscribed"
    garbage = await client.post("/api/v1/newsletter/unsubscribe", json={"token": "x.y.z"})
    assert garbage.status_code == 400


async def test_interests_change_with_a_preferences_link(
    client: AsyncClient, session: AsyncSession, settings
):
    asia = await make_topic(session, slug="asia", name="Asia")
    await make_topic(session, slug="europe", name="Europe")
    row = await make_subscription(session, address="prefs@example.org", topics=[asia])
    token = tokens.issue(settings, row, purpose=tokens.PREFERENCES)
    url = "/api/v1/newsletter/preferences"
    read = await client.get(url, params={"token": token})
    assert (read.status_code, read.json()["interests"]) == (200, ["asia"])
    changed = await client.put(url, json={"token": token, "interests": ["europe"]})
    assert (changed.status_code, changed.json()["interests"]) == (200, ["europe"])
    assert (await client.get(url, params={"token": token})).json()["interests"] == ["europe"]
    bad = await client.put(url, json={"token": token, "interests": ["atlantis"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "interests"
    confirm = tokens.issue(settings, row, purpose=tokens.CONFIRM)
    assert (await client.get(url, params={"token": confirm})).status_code == 400
