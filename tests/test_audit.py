"""GET /api/v1/admin/audit: who did what and when, for admins."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.db import utcnow
from tests.factories import make_user

AUDIT = "/api/v1/admin/audit"


@pytest.fixture
async def admin_user(session: AsyncSession) -> User:
    return await make_user(session, role="admin", email="root@example.org")


@pytest.fixture
def admin(admin_user: User, sign_in) -> dict[str, str]:
    return sign_in(admin_user)


@pytest.fixture
async def editor_user(session: AsyncSession) -> User:
    return await make_user(session, role="editor", email="ed@example.org")


async def _article(client: AsyncClient, headers: dict, title: str) -> dict:
    response = await client.post(
        "/api/v1/admin/articles", json={"kind": "op-ed", "title": title}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _entries(client: AsyncClient, headers: dict, **params) -> list[dict]:
    response = await client.get(AUDIT, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_an_article_created_through_the_api_shows_up_newest_first(
    client: AsyncClient, admin, editor_user: User, sign_in
):
    editor = sign_in(editor_user)
    first = await _article(client, editor, "First")
    second = await _article(client, editor, "Second")

    entries = await _entries(client, admin, resource="article")

    assert [(e["action"], e["resource_id"]) for e in entries] == [
        ("create", second["id"]),
        ("create", first["id"]),
    ]
    entry = entries[0]
    assert entry["user_id"] == editor_user.id
    assert entry["user_email"] == "ed@example.org"
    assert entry["detail"] == {"status": "draft"}
    assert entry["created_at"].endswith("+00:00")
    assert set(entry) == {
        "id",
        "created_at",
        "user_id",
        "user_email",
        "action",
        "resource",
        "resource_id",
        "detail",
    }


async def test_filters_narrow_the_log(
    client: AsyncClient, session: AsyncSession, admin, admin_user: User, editor_user: User, sign_in
):
    editor = sign_in(editor_user)
    article = await _article(client, editor, "Mine")
    await _article(client, admin, "Theirs")
    await client.post(
        "/api/v1/admin/users",
        json={"email": "new@example.org", "password": "x" * 12, "role": "author"},
        headers=admin,
    )

    by_editor = await _entries(client, admin, user_id=editor_user.id)
    assert [e["resource_id"] for e in by_editor] == [article["id"]]
    one_row = await _entries(client, admin, resource="article", resource_id=article["id"])
    assert [e["user_email"] for e in one_row] == ["ed@example.org"]
    users = await _entries(client, admin, resource="user", action="create")
    assert [e["detail"]["email"] for e in users] == ["new@example.org"]
    assert await _entries(client, admin, action="delete") == []

    now = utcnow()
    assert len(await _entries(client, admin, since=(now - timedelta(minutes=1)).isoformat())) == 3
    assert await _entries(client, admin, since=(now + timedelta(minutes=1)).isoformat()) == []
    assert await _entries(client, admin, until=(now - timedelta(minutes=1)).isoformat()) == []


async def test_pages_carry_the_envelope(client: AsyncClient, admin, editor_user: User, sign_in):
    editor = sign_in(editor_user)
    for n in range(3):
        await _article(client, editor, f"Article {n}")

    response = await client.get(AUDIT, params={"per_page": 2, "page": 2}, headers=admin)

    assert response.json()["meta"] == {"total": 3, "page": 2, "per_page": 2, "pages": 2}
    assert [e["detail"] for e in response.json()["data"]] == [{"status": "draft"}]
    assert 'rel="prev"' in response.headers["link"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"since": "last tuesday"}, "since"),
        ({"resource_id": "abc"}, "resource_id"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    client: AsyncClient, admin, params: dict, field: str
):
    response = await client.get(AUDIT, params=params, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
