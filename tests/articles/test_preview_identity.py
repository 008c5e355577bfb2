"""A preview link shows the article it was made for, and dies with it: never a later
article given the same id."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_user

ADMIN = "/api/v1/admin/articles"


async def _preview_url(client: AsyncClient, article_id: int, headers: dict) -> str:
    response = await client.post(f"{ADMIN}/{article_id}/preview", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["url"]


async def test_a_deleted_drafts_preview_link_is_gone(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    draft = await make_article(session, status="draft", title="Doomed")
    link = await _preview_url(client, draft.id, editor)
    assert (await client.get(link)).json()["title"] == "Doomed"
    url = f"{ADMIN}/{draft.id}"
    etag = (await client.get(url, headers=editor)).headers["etag"]
    assert (await client.delete(url, headers={**editor, "If-Match": etag})).status_code == 204

    created = await client.post(
        ADMIN, json={"kind": "op-ed", "title": "Someone else's secret"}, headers=editor
    )

    assert created.json()["id"] > draft.id  # never the deleted draft's id, on SQLite too
    response = await client.get(link)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_preview_link_never_shows_a_new_article_with_the_old_id(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    draft = await make_article(session, status="draft", title="Doomed")
    link = await _preview_url(client, draft.id, editor)
    draft_id = draft.id
    await session.delete(draft)
    await session.flush()
    # As SQLite without AUTOINCREMENT would do: the next article takes the free id.
    await make_article(session, id=draft_id, status="draft", title="Someone else's secret")
    session.expunge_all()

    response = await client.get(link)

    assert response.status_code == 404
    assert "secret" not in response.text
