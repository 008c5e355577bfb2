"""Sending: a real receiver on loopback gets signed POSTs; failures back off and are logged;
an endpoint that keeps failing is disabled."""

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.webhooks import service
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import register, verify


async def _enqueue(session: AsyncSession, event: str = "article.published", **obj):
    deliveries = await service.enqueue(session, event=event, object=obj or {"slug": "a"})
    await session.flush()
    return deliveries


async def _delivery(session: AsyncSession, delivery_id: int) -> WebhookDelivery:
    session.expunge_all()
    return await session.get(WebhookDelivery, delivery_id)


async def test_ping_reaches_the_receiver_signed_with_the_exact_body(
    client, admin, receiver, run_worker, session
):
    created = await register(client, admin, receiver.url)
    queued = await client.post(f"/api/v1/admin/webhooks/{created['id']}/ping", headers=admin)
    assert queued.status_code == 202
    assert queued.json()["state"] == "pending"

    assert await run_worker() == 1
    [request] = receiver.requests
    assert request.method == "POST"
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Pressroom-Webhooks/1"
    assert request.headers["x-pressroom-event"] == "ping"
    assert request.headers["x-pressroom-delivery"] == queued.json()["payload_id"]
    assert verify(created["secret"], request.headers["x-pressroom-signature"], request.body)
    assert not verify(
        "another-secret-entirely", request.headers["x-pressroom-signature"], request.body
    )
    assert request.body.decode() == queued.json()["body"]
    payload = json.loads(request.body)
    assert payload["event"] == "ping"
    assert payload["id"] == queued.json()["payload_id"]
    assert payload["object"]["endpoint_id"] == created["id"]

    log = await client.get(f"/api/v1/admin/webhooks/{created['id']}/deliveries", headers=admin)
    [delivery] = log.json()["data"]
    assert delivery["state"] == "sent"
    assert delivery["response_status"] == 204
    assert [a["status_code"] for a in delivery["attempt_log"]] == [204]


async def test_only_subscribed_active_endpoints_get_a_delivery(client, admin, session, receiver):
    wants = await register(client, admin, receiver.url, events=["article.published"])
    await register(client, admin, receiver.url, events=["event.published"])
    off = await register(client, admin, receiver.url, events=["article.published"])
    await client.patch(
        f"/api/v1/admin/webhooks/{off['id']}", json={"is_active": False}, headers=admin
    )

    deliveries = await _enqueue(session)
    assert [d.endpoint_id for d in deliveries] == [wants["id"]]


async def test_a_dead_receiver_is_a_logged_failed_attempt_retried_later_with_the_same_bytes(
    client, admin, receiver, run_worker, session
):
    created = await register(client, admin, receiver.url)
    [queued] = await _enqueue(session, title="Hello")
    await receiver.stop()  # killed: connection refused

    before = utcnow()
    assert await run_worker() == 1
    failed = await _delivery(session, queued.id)
    assert failed.state == "pending"
    assert failed.attempts == 1
    assert failed.next_attempt_at >= before + timedelta(seconds=7)  # ~10 s backoff
    assert "ConnectError" in failed.last_error
    assert await run_worker() == 0  # not due yet

    await receiver.start()  # back on the same port
    assert await run_worker(now=failed.next_attempt_at + timedelta(seconds=1)) == 1
    sent = await _delivery(session, queued.id)
    assert sent.state == "sent"
    assert sent.attempts == 2
    [request] = receiver.requests
    assert request.body.decode() == queued.body
    assert verify(created["secret"], request.headers["x-pressroom-signature"], request.body)

    log = await client.get(f"/api/v1/admin/webhooks/{created['id']}/deliveries", headers=admin)
    attempts = log.json()["data"][0]["attempt_log"]
    assert [a["status_code"] for a in attempts] == [None, 204]
    assert "ConnectError" in attempts[0]["error"]


async def test_a_500_answer_is_a_failed_attempt(client, admin, receiver, run_worker, session):
    await register(client, admin, receiver.url)
    [queued] = await _enqueue(session)
    receiver.status = 500
    await run_worker()
    delivery = await _delivery(session, queued.id)
    assert delivery.state == "pending"
    assert delivery.response_status == 500
    assert delivery.last_error == "the receiver answered HTTP 500"
    assert len(receiver.requests) == 1


async def test_a_redirect_is_not_followed(client, admin, receiver, run_worker, session):
    await register(client, admin, receiver.url)
    [queued] = await _enqueue(session)
    receiver.status = 302
    await run_worker()
    assert (await _delivery(session, queued.id)).state == "pending"
    assert len(receiver.requests) == 1


async def test_a_delivery_gives_up_after_max_attempts_and_can_be_retried_by_an_admin(
    client, admin, receiver, run_worker, session, settings
):
    created = await register(client, admin, receiver.url)
    [queued] = await _enqueue(session)
    receiver.status = 503
    few = settings.model_copy(update={"webhook_max_attempts": 3})
    now = utcnow()
    for _ in range(3):
        now += timedelta(hours=2)
        assert await run_worker(now=now, settings=few) == 1
    gave_up = await _delivery(session, queued.id)
    assert gave_up.state == "failed"
    assert gave_up.attempts == 3
    assert await run_worker(now=now + timedelta(days=1), settings=few) == 0

    receiver.status = 200
    path = f"/api/v1/admin/webhooks/{created['id']}/deliveries/{queued.id}/retry"
    retried = await client.post(path, headers=admin)
    assert retried.status_code == 202
    assert retried.json()["state"] == "pending"
    assert await run_worker(settings=few) == 1
    assert (await _delivery(session, queued.id)).state == "sent"
    assert len(receiver.requests) == 4
    assert len({r.body for r in receiver.requests}) == 1  # the same bytes every time


async def test_retry_of_another_endpoints_delivery_is_404(client, admin, session, receiver):
    mine = await register(client, admin, receiver.url)
    other = await register(client, admin, receiver.url)
    queued = await service.enqueue(
        session,
        event="ping",
        object={},
        endpoints=[await session.get(WebhookEndpoint, other["id"])],
    )
    path = f"/api/v1/admin/webhooks/{mine['id']}/deliveries/{queued[0].id}/retry"
    assert (await client.post(path, headers=admin)).status_code == 404


async def test_repeated_failures_disable_the_endpoint_and_hold_its_deliveries(
    client, admin, receiver, run_worker, session, settings
):
    created = await register(client, admin, receiver.url)
    for n in range(3):
        await _enqueue(session, n=n)
    receiver.status = 500
    strict = settings.model_copy(update={"webhook_disable_after": 3, "webhook_batch": 1})
    now = utcnow()
    for _ in range(3):
        await run_worker(now=now, settings=strict)
    session.expunge_all()
    endpoint = await session.get(WebhookEndpoint, created["id"])
    assert endpoint.is_active is False
    assert endpoint.disabled_reason == "3 failed attempts in a row"
    assert endpoint.disabled_at is not None

    receiver.status = 204
    later = now + timedelta(days=1)
    assert await run_worker(now=later, settings=strict) == 0  # held while disabled
    assert len(receiver.requests) == 3

    reenabled = await client.patch(
        f"/api/v1/admin/webhooks/{created['id']}", json={"is_active": True}, headers=admin
    )
    assert reenabled.json()["consecutive_failures"] == 0
    while await run_worker(now=later, settings=strict):
        pass
    pending = await session.scalars(select(WebhookDelivery).where(WebhookDelivery.state != "sent"))
    assert list(pending) == []
    assert len(receiver.requests) == 6


async def test_a_success_resets_the_failure_count(client, admin, receiver, run_worker, session):
    created = await register(client, admin, receiver.url)
    await _enqueue(session)
    receiver.status = 500
    await run_worker()
    await _enqueue(session)
    receiver.status = 200
    await run_worker(now=utcnow() + timedelta(minutes=5))
    session.expunge_all()
    endpoint = await session.get(WebhookEndpoint, created["id"])
    assert endpoint.consecutive_failures == 0
    assert endpoint.is_active


async def test_a_secret_that_cannot_be_decrypted_fails_without_sending(
    client, admin, receiver, run_worker, session, settings
):
    await register(client, admin, receiver.url)
    [queued] = await _enqueue(session)
    rotated = settings.model_copy(update={"secret_key": "x" * 40})
    await run_worker(settings=rotated)
    assert receiver.requests == []
    assert "cannot be decrypted" in (await _delivery(session, queued.id)).last_error


async def test_the_signature_time_is_the_send_time_and_is_signed(
    client, admin, receiver, run_worker, clock
):
    created = await register(client, admin, receiver.url)
    await client.post(f"/api/v1/admin/webhooks/{created['id']}/ping", headers=admin)
    clock.advance(days=2)  # sent long after it was queued: `t` says when it was sent
    sent_at = clock.now().timestamp()
    await run_worker()

    [request] = receiver.requests
    header = request.headers["x-pressroom-signature"]
    t = int(dict(item.split("=", 1) for item in header.split(","))["t"])
    assert sent_at - 1 <= t <= clock.now().timestamp()
    assert verify(created["secret"], header, request.body)
    tampered = header.replace(f"t={t}", f"t={t + 1}")
    assert not verify(created["secret"], tampered, request.body)  # `t` is under the HMAC
    clock.advance(seconds=301)
    assert not verify(created["secret"], header, request.body)  # too old: a replay
