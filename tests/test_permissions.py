"""Every admin route, walked with every role: the permission matrix.

Each write sends a real body (the route's OpenAPI example, plus the bodies that field rules
are about) with a fresh If-Match, so a role that is let in reaches the handler's own rules.
A 5xx is always a failure."""

import re
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from tests.factories import make_article, make_user

OPEN = {"/api/v1/admin/auth/token", "/api/v1/admin/auth/refresh", "/api/v1/admin/auth/logout"}
ADMIN_ONLY = ("/api/v1/admin/users", "/api/v1/admin/audit", "/api/v1/admin/webhooks")
ADMIN_ONLY += ("/api/v1/admin/api-keys",)
ADMIN_ONLY += ("/api/v1/admin/newsletter", "/api/v1/admin/outbox")
AUTHOR_ALLOWED = ("/api/v1/admin/articles", "/api/v1/admin/auth/")
ARTICLES = "/api/v1/admin/articles"
# Bodies a field rule is about, besides each route's example: authors only write drafts.
RULE_BODIES = {
    ("POST", ARTICLES): [{"kind": "op-ed", "title": "Out at once", "status": "archived"}],
    ("PATCH", ARTICLES + "/{article_id}"): [{"status": "archived"}, {"status": "published"}],
}


def _spec() -> dict[str, Any]:
    return create_app().openapi()


SPEC = _spec()


def _example(operation: dict[str, Any]) -> Any:
    """The first example of the operation's JSON body, or None without one."""
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref")
    if ref is None:
        return None
    return SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]["examples"][0]


def _admin_routes() -> list[tuple[str, str, Any]]:
    """Every admin operation the app serves, with each body to try, from its OpenAPI."""
    return [
        (method.upper(), path, body)
        for path, item in SPEC["paths"].items()
        if path.startswith("/api/v1/admin") and path not in OPEN
        for method, operation in item.items()
        for body in [_example(operation), *RULE_BODIES.get((method.upper(), path), [])]
    ]


ROUTES = _admin_routes()


def _expected(role: str | None, path: str, body: Any) -> str:
    if role is None:
        return "401"
    if path.startswith(ADMIN_ONLY):
        return "allowed" if role == "admin" else "403"
    if role == "author" and not path.startswith(AUTHOR_ALLOWED):
        return "403"
    if role == "author" and isinstance(body, dict) and body.get("status", "draft") != "draft":
        return "403"  # authors cannot publish, schedule or archive
    return "allowed"


def _concrete(path: str, article_id: int) -> str:
    # The article is a real draft of the signed-in user; other path parameters name
    # nothing, so allowed roles see 404 or 422 there.
    def value(match: re.Match[str]) -> str:
        name = match.group()
        if name == "{article_id}":
            return str(article_id)
        if name == "{number}":
            return "1"
        return "999999" if "id" in name else "nowhere"

    return re.sub(r"\{[^}]+\}", value, path)


async def _if_match(client: AsyncClient, url: str, headers: dict[str, str]) -> dict[str, str]:
    """If-Match with the item's current ETag, when the URL names an item that has one."""
    item = re.match(r"/api/v1/admin/[^/]+/[^/]+", url)
    if item is None:
        return {}
    etag = (await client.get(item.group(), headers=headers)).headers.get("etag")
    return {"If-Match": etag} if etag else {}


def test_the_matrix_covers_every_admin_resource():
    paths = {path for _, path, _ in ROUTES}
    for resource in ("articles", "experts", "topics", "programs", "events", "pages", "site"):
        assert any(p.startswith(f"/api/v1/admin/{resource}") for p in paths), resource


def test_the_matrix_sends_real_bodies():
    bodies = [body for method, _, body in ROUTES if method in ("POST", "PUT", "PATCH")]
    assert sum(1 for body in bodies if body) >= 20


@pytest.mark.parametrize("role", [None, "author", "editor", "admin"])
async def test_permission_matrix(
    client: AsyncClient, session: AsyncSession, sign_in, role: str | None
):
    user = await make_user(session, role=role) if role else None
    headers = sign_in(user) if user else {}
    draft = await make_article(session, status="draft", created_by_id=user.id if user else None)
    wrong = []
    for method, path, body in ROUTES:
        url = _concrete(path, draft.id)
        write = method in ("PATCH", "PUT", "DELETE", "POST")
        sent = {**headers, **(await _if_match(client, url, headers) if write else {})}
        response = await client.request(method, url, headers=sent, json=body)
        expected = _expected(role, path, body)
        got = str(response.status_code)
        if got.startswith("5"):
            ok = False
        elif expected == "allowed":
            ok = got not in ("401", "403")
        else:
            ok = got == expected
        if not ok:
            wrong.append((method, path, body, expected, got))
    assert wrong == []


async def test_restoring_a_revision_needs_if_match(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    article = await make_article(session, status="draft", title="First")
    url = f"{ARTICLES}/{article.id}"
    etag = (await client.get(url, headers=editor)).headers["etag"]
    saved = await client.patch(url, json={"title": "Second"}, headers={**editor, "If-Match": etag})
    assert saved.status_code == 200

    response = await client.post(f"{url}/revisions/1/restore", headers=editor)

    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=editor)).json()["title"] == "Second"


@pytest.mark.parametrize("status", ["archived", "published"])
async def test_an_author_cannot_archive_or_publish_their_draft(
    client: AsyncClient, session: AsyncSession, sign_in, status: str
):
    author = await make_user(session, role="author")
    headers = sign_in(author)
    article = await make_article(session, status="draft", created_by_id=author.id)
    url = f"{ARTICLES}/{article.id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]

    response = await client.patch(
        url, json={"status": status}, headers={**headers, "If-Match": etag}
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=headers)).json()["status"] == "draft"
