"""X-API-Key on every public read: a key that does not work is a 401 problem everywhere;
no key reads as before."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_article
from tests.partners.conftest import KEYS, make_key

PATHS = ("/api/v1/articles", "/api/v1/articles/on-asia", "/feeds/articles.rss", "/sitemap.xml")


async def _bad_keys(client: AsyncClient, session: AsyncSession, admin: dict) -> dict[str, str]:
    _, revoked = await make_key(session, revoked_at=utcnow())
    _, expired = await make_key(session, expires_at=utcnow() - timedelta(seconds=1))
    row, rotated_away = await make_key(session)
    assert (await client.post(f"{KEYS}/{row.id}/rotate", headers=admin)).status_code == 200
    _, real = await make_key(session)
    return {
        "wrong": real[:-4] + "abcd",
        "not ours": "sk_live_1234",
        "revoked": revoked,
        "expired": expired,
        "rotated away": rotated_away,
    }


@pytest.mark.parametrize("path", PATHS)
async def test_a_key_that_does_not_work_is_401_on_lists_details_and_feeds(
    client: AsyncClient, session: AsyncSession, admin, path: str
):
    await make_article(session, slug="on-asia")
    bad = await _bad_keys(client, session, admin)

    for why, key in bad.items():
        response = await client.get(path, headers={"X-API-Key": key})
        assert response.status_code == 401, (why, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "ApiKey"
        assert response.json()["type"].endswith("/invalid-api-key")


@pytest.mark.parametrize("path", PATHS)
async def test_anonymous_and_a_working_key_still_read(
    client: AsyncClient, session: AsyncSession, path: str
):
    await make_article(session, slug="on-asia")
    _, key = await make_key(session)

    assert (await client.get(path)).status_code == 200
    assert (await client.get(path, headers={"X-API-Key": key})).status_code == 200


async def test_a_cached_answer_is_not_served_to_a_bad_key(
    client: AsyncClient, session: AsyncSession
):
    await make_article(session, slug="on-asia")
    assert (await client.get("/api/v1/articles")).status_code == 200
    assert (await client.get("/api/v1/articles")).headers.get("x-cache") == "HIT"

    response = await client.get("/api/v1/articles", headers={"X-API-Key": "prk_nope_nope"})

    assert response.status_code == 401


async def test_swagger_shows_the_partner_key_scheme(client: AsyncClient):
    document = (await client.get("/openapi.json")).json()

    assert document["components"]["securitySchemes"]["PartnerKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A partner API key (admins create them at /api/v1/admin/api-keys).",
    }
    for path in ("/api/v1/articles", "/api/v1/experts/{slug}", "/feeds/articles.{ext}"):
        assert {"PartnerKey": []} in document["paths"][path]["get"]["security"]
