"""GET /api/v1/admin/outbox and POST .../{id}/retry: an admin sees the emails and webhook
deliveries that wait or were given up, and sends one again."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.newsletter.models import EmailMessage
from app.webhooks import service as webhooks
from app.webhooks import signing
from app.webhooks.models import WebhookEndpoint
from app.worker.queue import QueueState
from tests.factories import make_user
from tests.newsletter.conftest import make_subscription, sign_up

OUTBOX = "/api/v1/admin/outbox"


async def _email_id(session: AsyncSession, address: str) -> str:
    row_id = await session.scalar(select(EmailMessage.id).where(EmailMessage.to_address == address))
    return f"email-{row_id}"


async def _failed_delivery(session: AsyncSession, settings) -> str:
    endpoint = WebhookEndpoint(
        url="https://partner.example.org/hooks",
        events=["article.published"],
        secret_encrypted=signing.encrypt("s" * 20, secret_key=settings.secret_key),
    )
    session.add(endpoint)
    await session.flush()
    [delivery] = await webhooks.enqueue(
        session, event="article.published", object={"id": 1}, endpoints=[endpoint]
    )
    delivery.state, delivery.attempts = QueueState.failed, 12
    delivery.last_error = "the receiver answered HTTP 500"
    await session.flush()
    return f"webhook-{delivery.id}"


async def _ids(client: AsyncClient, headers, **params) -> list[str]:
    response = await client.get(OUTBOX, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


async def test_an_admin_sees_what_waits_or_was_given_up_and_sends_it_again(
    client: AsyncClient, session: AsyncSession, smtp, settings, run_worker, admin_headers
):
    await sign_up(client, "fine@example.org")
    smtp.refuse.add("typo@example.org")  # say the server refused it by mistake
    await sign_up(client, "typo@example.org")
    assert await run_worker() == 2
    smtp.stop()
    await sign_up(client, "waiting@example.org")
    assert await run_worker() == 1
    hook = await _failed_delivery(session, settings)
    fine, typo, waiting = [
        await _email_id(session, f"{name}@example.org") for name in ("fine", "typo", "waiting")
    ]

    listed = await client.get(OUTBOX, headers=admin_headers)
    assert listed.status_code == 200
    items = {item["id"]: item for item in listed.json()["data"]}
    assert set(items) == {typo, waiting, hook}  # not what was sent
    assert listed.json()["meta"]["total"] == 3
    assert (items[typo]["state"], items[typo]["kind"], items[typo]["target"]) == (
        "failed",
        "email",
        "typo@example.org",
    )
    assert "550" in items[typo]["last_error"]
    assert items[waiting]["state"] == "pending"
    assert items[waiting]["attempts"] == 1
    assert (items[hook]["summary"], items[hook]["target"]) == (
        "article.published",
        "https://partner.example.org/hooks",
    )
    assert await _ids(client, admin_headers, kind="webhook") == [hook]
    assert set(await _ids(client, admin_headers, state="failed")) == {typo, hook}
    assert await _ids(client, admin_headers, state="sent") == [fine]
    paged = await client.get(OUTBOX, params={"per_page": 1, "page": 2}, headers=admin_headers)
    assert paged.json()["meta"]["pages"] == 3
    assert 'rel="next"' in paged.headers["link"]

    smtp.refuse.clear()
    smtp.start()
    retried = await client.post(f"{OUTBOX}/{typo}/retry", headers=admin_headers)
    assert retried.status_code == 202
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    await run_worker()
    assert "typo@example.org" in [m["To"] for m in smtp.messages]
    assert typo in await _ids(client, admin_headers, state="sent")

    again = await client.post(f"{OUTBOX}/{hook}/retry", headers=admin_headers)
    assert again.status_code == 202
    assert (again.json()["state"], again.json()["attempts"]) == ("pending", 0)


async def test_an_email_to_someone_who_unsubscribed_is_never_sent_again(
    client: AsyncClient, session: AsyncSession, admin_headers
):
    row = await make_subscription(session, address="gone@example.org", state="unsubscribed")
    message = EmailMessage(
        subscription_id=row.id,
        purpose="confirm",
        to_address=row.email,
        subject="Confirm",
        text_body="...",
        state=QueueState.failed,
        last_error="cancelled: unsubscribed",
    )
    session.add(message)
    await session.flush()
    refused = await client.post(f"{OUTBOX}/email-{message.id}/retry", headers=admin_headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"


async def test_unknown_items_are_404(client: AsyncClient, admin_headers):
    for item_id in ("email-999999", "webhook-999999", "fax-1", "email-x", "12"):
        response = await client.post(f"{OUTBOX}/{item_id}/retry", headers=admin_headers)
        assert response.status_code == 404, item_id


async def test_bad_filters_are_422_naming_them(client: AsyncClient, admin_headers):
    response = await client.get(OUTBOX, params={"kind": "fax"}, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


async def test_only_admins_see_the_outbox(client: AsyncClient, session: AsyncSession, sign_in):
    editor = sign_in(await make_user(session, role="editor"))
    assert (await client.get(OUTBOX, headers=editor)).status_code == 403
    assert (await client.post(f"{OUTBOX}/email-1/retry", headers=editor)).status_code == 403
    assert (await client.get(OUTBOX)).status_code == 401
