"""Answers that hold a secret (webhook and API key secrets, sign-in tokens) are never kept:
`Cache-Control: no-store`, and an Idempotency-Key replay does not store or repeat the secret."""

from sqlalchemy import select

from app.editorial.models import IdempotencyRecord
from app.webhooks import signing
from app.webhooks.models import WebhookEndpoint
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.webhooks.conftest import register

URL = "https://partner.example.org/hooks"
WEBHOOKS = "/api/v1/admin/webhooks"
KEYS = "/api/v1/admin/api-keys"


async def test_a_webhook_create_is_not_cached_and_its_replay_holds_no_secret(
    client, admin, session
):
    headers = {**admin, "Idempotency-Key": "hook-secret-1"}
    body = {"url": URL, "events": ["article.published"]}
    first = await client.post(WEBHOOKS, json=body, headers=headers)
    again = await client.post(WEBHOOKS, json=body, headers=headers)

    assert first.status_code == 201
    assert first.headers["cache-control"] == "no-store"
    secret = first.json()["secret"]
    assert secret.startswith("whsec_")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == {**first.json(), "secret": None}
    stored = await session.scalars(select(IdempotencyRecord.body))
    assert all(secret not in text for text in stored)


async def test_a_given_webhook_secret_is_not_stored_for_a_replay_either(client, admin, session):
    secret = "partner-chosen-secret-0123456789"
    headers = {**admin, "Idempotency-Key": "hook-secret-2"}
    body = {"url": URL, "events": ["article.published"], "secret": secret}
    first = await client.post(WEBHOOKS, json=body, headers=headers)
    assert first.json()["secret"] == secret
    again = await client.post(WEBHOOKS, json=body, headers=headers)
    assert again.json()["secret"] is None
    stored = await session.scalars(select(IdempotencyRecord.body))
    assert all(secret not in text for text in stored)


async def test_rotating_a_webhook_secret_answers_a_new_one_not_cached(
    client, admin, session, settings
):
    created = await register(client, admin, URL)
    rotated = await client.post(f"{WEBHOOKS}/{created['id']}/rotate", headers=admin)

    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    assert rotated.json()["secret"] not in (None, created["secret"])
    session.expunge_all()
    row = await session.get(WebhookEndpoint, created["id"])
    assert (
        signing.decrypt(row.secret_encrypted, secret_key=settings.secret_key)
        == (rotated.json()["secret"])
    )


async def test_rotating_an_unknown_webhook_is_404(client, admin):
    assert (await client.post(f"{WEBHOOKS}/999999/rotate", headers=admin)).status_code == 404


async def test_api_key_create_and_rotate_are_not_cached(client, admin):
    body = {"name": "Partner", "scopes": ["content:read"]}
    created = await client.post(KEYS, json=body, headers=admin)
    rotated = await client.post(f"{KEYS}/{created.json()['id']}/rotate", headers=admin)
    assert created.headers["cache-control"] == rotated.headers["cache-control"] == "no-store"


async def test_sign_in_and_refresh_answers_are_not_cached(client, session):
    await make_user(session, email="ed@example.org")
    signed_in = await client.post(
        "/api/v1/admin/auth/token",
        data={"username": "ed@example.org", "password": DEFAULT_PASSWORD},
    )
    assert signed_in.status_code == 200
    assert signed_in.headers["cache-control"] == "no-store"
    refreshed = await client.post(
        "/api/v1/admin/auth/refresh", json={"refresh_token": signed_in.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.headers["cache-control"] == "no-store"
