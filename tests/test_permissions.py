"""Every admin route, walked with every role: the permission matrix."""

import re

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from tests.factories import make_user

OPEN = {"/api/v1/admin/auth/token", "/api/v1/admin/auth/refresh", "/api/v1/admin/auth/logout"}
ADMIN_ONLY = ("/api/v1/admin/users", "/api/v1/admin/audit", "/api/v1/admin/webhooks")
ADMIN_ONLY += ("/api/v1/admin/api-keys",)
ADMIN_ONLY += ("/api/v1/admin/newsletter",)
AUTHOR_ALLOWED = ("/api/v1/admin/articles", "/api/v1/admin/auth/")


def _admin_routes() -> list[tuple[str, str]]:
    """Every admin operation the app serves, from its OpenAPI document."""
    return [
        (method.upper(), path)
        for path, item in create_app().openapi()["paths"].items()
        if path.startswith("/api/v1/admin") and path not in OPEN
        for method in item
    ]


ROUTES = _admin_routes()


def _expected(role: str | None, path: str) -> str:
    if role is None:
        return "401"
    if path.startswith(ADMIN_ONLY):
        return "allowed" if role == "admin" else "403"
    if role == "author" and not path.startswith(AUTHOR_ALLOWED):
        return "403"
    return "allowed"


def _concrete(path: str) -> str:
    # Path parameters get values that exist nowhere: allowed roles then see 404 or 422.
    return re.sub(
        r"\{[^}]+\}",
        lambda m: "999999" if "id" in m.group() or m.group() == "{number}" else "nowhere",
        path,
    )


def test_the_matrix_covers_every_admin_resource():
    paths = {path for _, path in ROUTES}
    for resource in ("articles", "experts", "topics", "programs", "events", "pages", "site"):
        assert any(p.startswith(f"/api/v1/admin/{resource}") for p in paths), resource


@pytest.mark.parametrize("role", [None, "author", "editor", "admin"])
async def test_permission_matrix(
    client: AsyncClient, session: AsyncSession, sign_in, role: str | None
):
    headers = sign_in(await make_user(session, role=role)) if role else {}
    wrong = []
    for method, path in ROUTES:
        response = await client.request(method, _concrete(path), headers=headers, json={})
        expected = _expected(role, path)
        got = str(response.status_code)
        ok = got not in ("401", "403") if expected == "allowed" else got == expected
        if not ok:
            wrong.append((method, path, expected, got))
    assert wrong == []
