"""The admin API for partner keys: create, list, get, revoke, rotate; the secret shown once."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.api_keys import hash_key
from app.auth.models import ApiKey
from app.db import utcnow
from app.editorial.models import AuditEntry
from tests.factories import make_article, make_user
from tests.partners.conftest import KEYS, make_key


async def _create(client: AsyncClient, headers: dict, **fields) -> dict:
    body = {"name": "Syndication partner", "scopes": ["content:read"], **fields}
    response = await client.post(KEYS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_answers_the_secret_once_and_stores_only_its_hash(
    client: AsyncClient, session: AsyncSession, admin, admin_user
):
    expires = (utcnow() + timedelta(days=30)).isoformat()
    response = await client.post(
        KEYS,
        json={
            "name": " The China Project ",
            "scopes": ["content:read", "embargo:read"],
            "rate_limit_per_minute": 1200,
            "expires_at": expires,
        },
        headers=admin,
    )

    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"].endswith(f"{KEYS}/{created['id']}")
    assert response.headers["cache-control"] == "no-store"
    assert created["key"].startswith(f"prk_{created['prefix']}_")
    assert created["name"] == "The China Project"
    assert created["scopes"] == ["content:read", "embargo:read"]
    assert created["rate_limit_per_minute"] == 1200
    assert created["state"] == "active"
    assert created["created_by_id"] == admin_user.id
    row = await session.scalar(select(ApiKey).where(ApiKey.id == created["id"]))
    assert row.key_hash == hash_key(created["key"])
    assert created["key"] not in str(row.__dict__)

    shown = await client.get(response.headers["location"], headers=admin)
    listed = await client.get(KEYS, headers=admin)
    assert shown.status_code == 200
    assert "key" not in shown.json()
    assert created["key"] not in shown.text
    assert created["key"] not in listed.text
    assert shown.json()["prefix"] == created["prefix"]


async def test_the_new_key_reads_the_public_api(client: AsyncClient, session: AsyncSession, admin):
    await make_article(session, slug="on-asia")
    created = await _create(client, admin)

    response = await client.get("/api/v1/articles/on-asia", headers={"X-API-Key": created["key"]})

    assert response.status_code == 200


async def test_list_is_paginated_newest_first_and_filters_by_state(
    client: AsyncClient, session: AsyncSession, admin
):
    await make_key(session, revoked_at=utcnow())
    await make_key(session, expires_at=utcnow() - timedelta(minutes=1))
    newest = await _create(client, admin, name="Newest")

    everything = await client.get(KEYS, params={"per_page": 2}, headers=admin)
    revoked = await client.get(KEYS, params={"state": "revoked"}, headers=admin)
    expired = await client.get(KEYS, params={"state": "expired"}, headers=admin)
    active = await client.get(KEYS, params={"state": "active"}, headers=admin)

    assert everything.json()["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}
    assert everything.json()["data"][0]["id"] == newest["id"]
    assert 'rel="next"' in everything.headers["link"]
    assert [k["state"] for k in revoked.json()["data"]] == ["revoked"]
    assert [k["state"] for k in expired.json()["data"]] == ["expired"]
    assert [k["id"] for k in active.json()["data"]] == [newest["id"]]


async def test_revoke_stops_the_key_at_once_and_is_audited(
    client: AsyncClient, session: AsyncSession, admin
):
    created = await _create(client, admin)
    partner = {"X-API-Key": created["key"]}
    assert (await client.get("/api/v1/articles", headers=partner)).status_code == 200

    response = await client.post(f"{KEYS}/{created['id']}/revoke", headers=admin)
    again = await client.post(f"{KEYS}/{created['id']}/revoke", headers=admin)

    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert again.json()["revoked_at"] == response.json()["revoked_at"]
    refused = await client.get("/api/v1/articles", headers=partner)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "api_key", AuditEntry.resource_id == created["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "revoke"]


async def test_rotate_answers_a_new_secret_and_the_old_one_stops_at_once(
    client: AsyncClient, session: AsyncSession, admin
):
    created = await _create(client, admin, rate_limit_per_minute=50)
    old = {"X-API-Key": created["key"]}
    assert (await client.get("/api/v1/articles", headers=old)).status_code == 200

    response = await client.post(f"{KEYS}/{created['id']}/rotate", headers=admin)

    assert response.status_code == 200
    rotated = response.json()
    assert rotated["id"] == created["id"]
    assert rotated["rate_limit_per_minute"] == 50
    assert rotated["key"] != created["key"]
    assert rotated["prefix"] != created["prefix"]
    assert (await client.get("/api/v1/articles", headers=old)).status_code == 401
    new = {"X-API-Key": rotated["key"]}
    assert (await client.get("/api/v1/articles", headers=new)).status_code == 200
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.resource == "api_key", AuditEntry.action == "rotate")
    )
    assert entry.detail == {"old_prefix": created["prefix"], "prefix": rotated["prefix"]}


async def test_a_revoked_key_cannot_be_rotated(client: AsyncClient, session: AsyncSession, admin):
    row, _ = await make_key(session, revoked_at=utcnow())

    response = await client.post(f"{KEYS}/{row.id}/rotate", headers=admin)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_unknown_key_is_404(client: AsyncClient, admin):
    for response in (
        await client.get(f"{KEYS}/999999", headers=admin),
        await client.post(f"{KEYS}/999999/revoke", headers=admin),
        await client.post(f"{KEYS}/999999/rotate", headers=admin),
    ):
        assert response.status_code == 404


async def test_an_idempotent_retry_creates_nothing_and_does_not_repeat_the_secret(
    client: AsyncClient, session: AsyncSession, admin
):
    headers = {**admin, "Idempotency-Key": "create-partner-1"}
    body = {"name": "Retry partner", "scopes": ["content:read"]}

    first = await client.post(KEYS, json=body, headers=headers)
    retry = await client.post(KEYS, json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["key"] is None
    assert first.json()["key"] not in retry.text
    rows = await session.scalars(select(ApiKey).where(ApiKey.name == "Retry partner"))
    assert len(list(rows)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["content:read"]}, "name"),
        ({"name": "x" * 201, "scopes": ["content:read"]}, "name"),
        ({"name": "P", "scopes": []}, "scopes"),
        ({"name": "P", "scopes": ["content:write"]}, "scopes.0"),
        ({"name": "P", "scopes": ["content:read", "content:read"]}, "scopes"),
        (
            {"name": "P", "scopes": ["content:read"], "rate_limit_per_minute": 0},
            "rate_limit_per_minute",
        ),
        (
            {"name": "P", "scopes": ["content:read"], "rate_limit_per_minute": 100_001},
            "rate_limit_per_minute",
        ),
        (
            {"name": "P", "scopes": ["content:read"], "expires_at": "2020-01-01T00:00:00+00:00"},
            "expires_at",
        ),
        (
            {"name": "P", "scopes": ["content:read"], "expires_at": "2099-01-01T00:00:00"},
            "expires_at",
        ),
        ({"name": "P", "scopes": ["content:read"], "key": "prk_mine"}, "key"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: AsyncClient, session: AsyncSession, admin, body: dict, field: str
):
    response = await client.post(KEYS, json=body, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await session.scalar(select(ApiKey.id)) is None


async def test_editors_cannot_see_keys(client: AsyncClient, session: AsyncSession, sign_in):
    editor = sign_in(await make_user(session, role="editor"))

    assert (await client.get(KEYS, headers=editor)).status_code == 403
    assert (await client.post(KEYS, json={}, headers=editor)).status_code == 403
