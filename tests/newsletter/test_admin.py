"""The admin side: the subscriber list and its filters, CSV export, erasure."""

import csv
import io
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.editorial.models import AuditEntry
from app.newsletter import tokens
from app.newsletter.models import EmailMessage, NewsletterSubscription, SubscriptionState
from tests.factories import make_program, make_topic
from tests.newsletter.conftest import make_subscription, sign_up

LIST = "/api/v1/admin/newsletter/subscriptions"


async def _emails(client: AsyncClient, headers, **params) -> list[str]:
    response = await client.get(LIST, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["email"] for item in response.json()["data"]]


async def test_the_list_carries_state_interests_and_consent(
    client: AsyncClient, session: AsyncSession, admin_headers
):
    asia = await make_topic(session, slug="asia", name="Asia")
    await make_subscription(session, address="a@example.org", topics=[asia], source="footer")
    response = await client.get(LIST, headers=admin_headers)
    [item] = response.json()["data"]
    assert item["email"] == "a@example.org"
    assert item["state"] == "confirmed"
    assert item["interests"] == ["asia"]
    assert item["source"] == "footer"
    assert item["confirmed_at"] is not None
    assert item["consent_text_version"] == "2026-11"
    assert response.json()["meta"]["total"] == 1


async def test_the_list_filters_by_email_state_interest_and_dates(
    client: AsyncClient, session: AsyncSession, admin_headers
):
    asia = await make_topic(session, slug="asia", name="Asia")
    strategy = await make_program(session, slug="strategy", name="Strategy")
    await make_subscription(session, address="ann@example.org", topics=[asia])
    await make_subscription(session, address="bob@example.org", programs=[strategy])
    await make_subscription(
        session, address="cy@other.org", state=SubscriptionState.pending, topics=[asia]
    )
    h = admin_headers
    assert await _emails(client, h, email="EXAMPLE") == ["bob@example.org", "ann@example.org"]
    assert await _emails(client, h, state="pending") == ["cy@other.org"]
    assert sorted(await _emails(client, h, interest="asia")) == ["ann@example.org", "cy@other.org"]
    assert await _emails(client, h, interest="strategy") == ["bob@example.org"]
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert await _emails(client, h, created_after=later) == []
    assert len(await _emails(client, h, created_before=later)) == 3
    bad = await client.get(LIST, params={"state": "sleeping"}, headers=h)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "state"


async def test_the_list_costs_the_same_statements_for_one_row_or_many(
    client: AsyncClient, session: AsyncSession, admin_headers, count_statements
):
    topic = await make_topic(session)
    await make_subscription(session, address="first@example.org", topics=[topic])
    with count_statements() as one:
        await client.get(LIST, headers=admin_headers)
    for n in range(5):
        await make_subscription(session, address=f"more{n}@example.org", topics=[topic])
    with count_statements() as many:
        await client.get(LIST, headers=admin_headers)
    assert len(many) == len(one)


async def test_the_csv_export_holds_confirmed_subscribers_only(
    client: AsyncClient, session: AsyncSession, admin_headers
):
    asia = await make_topic(session, slug="asia", name="Asia")
    await make_subscription(session, address="yes@example.org", topics=[asia])
    await make_subscription(session, address="no@example.org", state=SubscriptionState.pending)
    await make_subscription(
        session, address="gone@example.org", state=SubscriptionState.unsubscribed
    )
    row = await make_subscription(session, address="formula@example.org")
    row.name = "=HYPERLINK(1)"
    await session.flush()
    response = await client.get(f"{LIST}/export.csv", headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["email"] for r in rows) == ["formula@example.org", "yes@example.org"]
    by_email = {r["email"]: r for r in rows}
    assert by_email["yes@example.org"]["interests"] == "asia"
    assert by_email["formula@example.org"]["name"] == "'=HYPERLINK(1)"


async def test_erasure_leaves_only_an_anonymised_audit_record(
    client: AsyncClient, session: AsyncSession, admin_headers, settings
):
    await sign_up(client, "forget@example.org")
    row = await session.scalar(select(NewsletterSubscription))
    unsubscribe = tokens.issue(settings, row, purpose=tokens.UNSUBSCRIBE)
    response = await client.delete(f"{LIST}/{row.id}", headers=admin_headers)
    assert response.status_code == 204
    assert await _emails(client, admin_headers) == []
    assert await session.scalar(select(func.count()).select_from(EmailMessage)) == 0
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
    assert entry.detail["email_hash"] == tokens.keyed_hash(settings, "forget@example.org")
    assert "forget@example.org" not in str(entry.detail)
    again = await client.delete(f"{LIST}/{row.id}", headers=admin_headers)
    assert again.status_code == 404
    # A link from an old email now leads nowhere.
    stale = await client.post("/api/v1/newsletter/unsubscribe", json={"token": unsubscribe})
    assert stale.status_code == 400
