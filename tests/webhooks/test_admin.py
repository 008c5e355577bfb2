"""Registering, listing, changing and deleting webhook endpoints (admins only)."""

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import AuditEntry
from app.webhooks import signing
from app.webhooks.models import WebhookEndpoint
from tests.factories import make_user
from tests.webhooks.conftest import register

URL = "https://partner.example.org/hooks"


async def test_register_answers_201_with_location_and_a_generated_secret_shown_once(
    client, admin, session: AsyncSession, settings
):
    response = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": URL, "events": ["article.published", "article.updated"]},
        headers=admin,
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 40
    assert created["events"] == ["article.published", "article.updated"]
    assert created["is_active"] is True
    location = response.headers["Location"]
    assert location.endswith(f"/api/v1/admin/webhooks/{created['id']}")

    detail = await client.get(location, headers=admin)
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    assert "secret_encrypted" not in detail.json()
    listed = await client.get("/api/v1/admin/webhooks", headers=admin)
    assert listed.json()["meta"]["total"] == 1
    assert "secret" not in listed.json()["data"][0]

    stored = await session.get(WebhookEndpoint, created["id"])
    assert created["secret"] not in stored.secret_encrypted  # encrypted at rest
    assert (
        signing.decrypt(stored.secret_encrypted, secret_key=settings.secret_key)
        == (created["secret"])
    )
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.resource == "webhook"))
    assert (entry.action, entry.resource_id) == ("create", created["id"])


async def test_a_given_secret_is_kept(client, admin):
    created = await register(client, admin, URL, secret="my-own-secret-of-enough-length")
    assert created["secret"] == "my-own-secret-of-enough-length"


async def test_idempotency_key_replays_the_first_answer(client, admin):
    headers = {**admin, "Idempotency-Key": "hook-1"}
    body = {"url": URL, "events": ["event.published"]}
    first = await client.post("/api/v1/admin/webhooks", json=body, headers=headers)
    again = await client.post("/api/v1/admin/webhooks", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == {**first.json(), "secret": None}  # never stored
    listed = await client.get("/api/v1/admin/webhooks", headers=admin)
    assert listed.json()["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://partner.example.org/x", "events": ["article.published"]}, "url"),
        ({"url": "not a url", "events": ["article.published"]}, "url"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["article.deleted"]}, "events.0"),
        ({"url": URL}, "events"),
        ({"url": URL, "events": ["article.published"], "secret": "short"}, "secret"),
        ({"url": URL, "events": ["article.published"], "colour": "red"}, "colour"),
    ],
)
async def test_bad_registrations_answer_422_naming_the_field(client, admin, body, field):
    response = await client.post("/api/v1/admin/webhooks", json=body, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}
    listed = await client.get("/api/v1/admin/webhooks", headers=admin)
    assert listed.json()["meta"]["total"] == 0


async def test_the_known_event_names_are_published_in_the_openapi_document(client):
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    names = set(schema["WebhookEvent"]["enum"])
    assert {"article.published", "article.updated", "article.unpublished"} <= names
    assert "event.published" in names


async def test_patch_reenables_a_disabled_endpoint_and_forgets_its_failures(
    client, admin, session: AsyncSession
):
    created = await register(client, admin, URL)
    endpoint = await session.get(WebhookEndpoint, created["id"])
    endpoint.is_active, endpoint.consecutive_failures = False, 20
    endpoint.disabled_reason = "20 failed attempts in a row"
    await session.flush()
    session.expunge_all()

    response = await client.patch(
        f"/api/v1/admin/webhooks/{created['id']}",
        json={"is_active": True, "events": ["article.updated"]},
        headers=admin,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_active"] is True
    assert body["consecutive_failures"] == 0
    assert body["disabled_reason"] is None
    assert body["disabled_at"] is None
    assert body["events"] == ["article.updated"]


async def test_patch_refuses_null_and_bad_urls(client, admin):
    created = await register(client, admin, URL)
    path = f"/api/v1/admin/webhooks/{created['id']}"
    for body, field in (({"url": None}, "url"), ({"url": "gopher://x.org/"}, "url")):
        response = await client.patch(path, json=body, headers=admin)
        assert response.status_code == 422
        assert field in {e["field"] for e in response.json()["errors"]}
    assert (await client.get(path, headers=admin)).json()["url"] == URL


async def test_delete_removes_it(client, admin):
    created = await register(client, admin, URL)
    path = f"/api/v1/admin/webhooks/{created['id']}"
    assert (await client.delete(path, headers=admin)).status_code == 204
    assert (await client.get(path, headers=admin)).status_code == 404


async def test_editors_cannot_see_webhooks(client, session: AsyncSession, sign_in):
    editor = sign_in(await make_user(session, role="editor"))
    response = await client.get("/api/v1/admin/webhooks", headers=editor)
    assert response.status_code == 403
