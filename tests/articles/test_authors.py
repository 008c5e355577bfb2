"""Authors write their own drafts; publishing and other people's work are for editors."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_user

ADMIN = "/api/v1/admin/articles"


@pytest.fixture
async def author(session: AsyncSession):
    return await make_user(session, role="author")


async def _etag(client: AsyncClient, url: str, headers: dict) -> str:
    return (await client.get(url, headers=headers)).headers["etag"]


async def test_author_creates_and_edits_own_draft(client: AsyncClient, author, sign_in):
    headers = sign_in(author)
    created = await client.post(ADMIN, json={"kind": "op-ed", "title": "Mine"}, headers=headers)
    assert created.status_code == 201
    assert created.json()["created_by_id"] == author.id
    url = created.headers["location"]

    edited = await client.patch(
        url, json={"title": "Still mine"}, headers={**headers, "If-Match": created.headers["etag"]}
    )

    assert edited.status_code == 200
    assert edited.json()["title"] == "Still mine"


@pytest.mark.parametrize(
    "change",
    [{"status": "published"}, {"status": "scheduled", "published_at": "2999-01-01T00:00:00Z"}],
)
async def test_author_cannot_publish_or_schedule(client: AsyncClient, author, sign_in, change):
    headers = sign_in(author)
    created = await client.post(ADMIN, json={"kind": "op-ed", "title": "Mine"}, headers=headers)

    response = await client.patch(
        created.headers["location"],
        json=change,
        headers={**headers, "If-Match": created.headers["etag"]},
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    again = await client.post(
        ADMIN, json={"kind": "op-ed", "title": "Straight out", **change}, headers=headers
    )
    assert again.status_code == 403


async def test_author_cannot_touch_someone_elses_article(
    client: AsyncClient, session: AsyncSession, author, sign_in
):
    other = await make_user(session, role="author")
    article = await make_article(session, status="published", created_by_id=other.id)
    headers = sign_in(author)
    url = f"{ADMIN}/{article.id}"
    etag = await _etag(client, url, headers)  # public: an author may read it

    patch = await client.patch(url, json={"title": "Hijack"}, headers={**headers, "If-Match": etag})
    delete = await client.delete(url, headers={**headers, "If-Match": etag})
    preview = await client.post(f"{url}/preview", headers=headers)

    # Writing is forbidden; a preview link (which outlives publication) is not there at all.
    assert (patch.status_code, delete.status_code, preview.status_code) == (403, 403, 404)


async def test_author_cannot_edit_own_article_once_published(
    client: AsyncClient, session: AsyncSession, author, sign_in
):
    article = await make_article(session, status="published", created_by_id=author.id)
    headers = sign_in(author)
    url = f"{ADMIN}/{article.id}"
    etag = await _etag(client, url, headers)

    response = await client.patch(url, json={"title": "x"}, headers={**headers, "If-Match": etag})

    assert response.status_code == 403


async def test_editor_publishes_an_authors_draft(
    client: AsyncClient, session: AsyncSession, author, sign_in
):
    article = await make_article(session, status="draft", created_by_id=author.id, title="Ready")
    editor = sign_in(await make_user(session, role="editor"))
    url = f"{ADMIN}/{article.id}"
    etag = await _etag(client, url, editor)

    response = await client.patch(
        url, json={"status": "published"}, headers={**editor, "If-Match": etag}
    )

    assert response.json()["status"] == "published"
    assert (await client.get("/api/v1/articles/ready")).status_code == 200
