"""Content changes made through the admin API reach a subscribed receiver after a worker pass
(the change feed numbers them; the webhook task turns them into deliveries and sends)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.changes import worker as changes_worker
from app.db import utcnow
from app.webhooks import worker as webhooks_worker
from app.webhooks.models import WebhookDelivery
from app.worker.runner import run_pass
from tests.webhooks.conftest import register, verify

EVENTS = ["article.published", "article.updated", "article.unpublished"]
ONLY = [("changes", changes_worker.run_once), ("webhooks", webhooks_worker.run_once)]


@pytest.fixture
def worker_pass(worker_sessions, settings):
    async def run() -> int:
        return await run_pass(worker_sessions, settings, only=ONLY)

    return run


def _events(receiver) -> list[str]:
    return [json.loads(r.body)["event"] for r in receiver.requests]


async def _create(client, admin, **fields):
    body = {"kind": "op-ed", "title": "Deterrence in the Pacific", "body": "<p>Text.</p>"}
    response = await client.post("/api/v1/admin/articles", json={**body, **fields}, headers=admin)
    assert response.status_code == 201, response.text
    return response


async def _patch(client, admin, created, **fields):
    path = f"/api/v1/admin/articles/{created.json()['id']}"
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    response = await client.patch(path, json=fields, headers={**admin, "If-Match": etag})
    assert response.status_code == 200, response.text


async def test_publish_edit_unpublish_fire_their_events(
    client, admin, receiver, worker_pass, session
):
    hook = await register(client, admin, receiver.url, events=EVENTS)
    created = await _create(client, admin, status="published")
    await worker_pass()
    assert _events(receiver) == ["article.published"]
    [request] = receiver.requests
    assert verify(hook["secret"], request.headers["x-pressroom-signature"], request.body)
    payload = json.loads(request.body)
    assert payload["object"]["slug"] == created.json()["slug"]
    assert payload["object"]["title"] == "Deterrence in the Pacific"
    assert "status" not in payload["object"]  # the public object, not the admin one

    await _patch(client, admin, created, title="Deterrence in the Pacific, revisited")
    await worker_pass()
    assert _events(receiver)[-1] == "article.updated"
    assert json.loads(receiver.requests[-1].body)["object"]["title"].endswith("revisited")

    await _patch(client, admin, created, status="archived")
    await worker_pass()
    assert _events(receiver) == EVENTS
    assert json.loads(receiver.requests[-1].body)["object"] == {
        "type": "article",
        "id": created.json()["id"],
    }

    await worker_pass()  # nothing new: nothing sent twice
    assert len(receiver.requests) == 3


async def test_drafts_fire_nothing_and_unsubscribed_events_are_not_sent(
    client, admin, receiver, worker_pass, session
):
    await register(client, admin, receiver.url, events=["article.unpublished"])
    await _create(client, admin, status="draft")
    await _create(client, admin, title="Published, unsubscribed", status="published")
    await worker_pass()
    assert receiver.requests == []
    assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


async def test_a_scheduled_article_fires_at_its_time(
    client, admin, receiver, worker_pass, session, clock
):
    await register(client, admin, receiver.url, events=EVENTS)
    at = utcnow() + timedelta(hours=2)
    await _create(client, admin, status="scheduled", published_at=at.isoformat())
    await worker_pass()
    clock.advance(hours=1, minutes=59)
    await worker_pass()
    assert receiver.requests == []

    clock.advance(minutes=2)
    await worker_pass()
    assert _events(receiver) == ["article.published"]
    assert json.loads(receiver.requests[0].body)["object"]["title"] == "Deterrence in the Pacific"


async def test_an_endpoint_gets_no_back_catalogue(client, admin, receiver, worker_pass):
    await _create(client, admin, status="published")
    await register(client, admin, receiver.url, events=EVENTS)
    await worker_pass()
    assert receiver.requests == []
