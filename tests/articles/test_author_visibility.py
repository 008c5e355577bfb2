"""Authors see their own work and what is public in the admin API; other people's
unpublished work is not there for them (404, not 403)."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_user

ADMIN = "/api/v1/admin/articles"


@pytest.fixture
async def author(session: AsyncSession):
    return await make_user(session, role="author")


@pytest.fixture
async def others(session: AsyncSession) -> dict[str, int]:
    """Another author's articles in every status, by status."""
    other = await make_user(session, role="author")
    articles = {}
    for status in ("draft", "scheduled", "published", "archived"):
        article = await make_article(
            session, status=status, created_by_id=other.id, body=f"<p>Secret {status}</p>"
        )
        articles[status] = article.id
    return articles


async def test_author_lists_own_work_and_what_is_public(
    client: AsyncClient, session: AsyncSession, author, others, sign_in
):
    mine = await make_article(session, status="draft", created_by_id=author.id)
    headers = sign_in(author)

    everything = await client.get(ADMIN, headers=headers)
    drafts = await client.get(ADMIN, params={"status": "draft"}, headers=headers)

    assert {a["id"] for a in everything.json()["data"]} == {mine.id, others["published"]}
    assert everything.json()["meta"]["total"] == 2
    assert [a["id"] for a in drafts.json()["data"]] == [mine.id]
    assert "Secret draft" not in everything.text + drafts.text


@pytest.mark.parametrize("status", ["draft", "scheduled", "archived"])
async def test_someone_elses_unpublished_article_is_a_404_for_an_author(
    client: AsyncClient, author, others, sign_in, status
):
    headers = sign_in(author)
    url = f"{ADMIN}/{others[status]}"
    wrote = {**headers, "If-Match": '"1"'}

    answers = [
        await client.get(url, headers=headers),
        await client.get(f"{url}/revisions", headers=headers),
        await client.post(f"{url}/revisions/1/restore", headers=wrote),
        await client.post(f"{url}/preview", headers=headers),
        await client.patch(url, json={"title": "Hijack"}, headers=wrote),
        await client.delete(url, headers=wrote),
    ]

    assert [r.status_code for r in answers] == [404] * len(answers)
    assert all("Secret" not in r.text for r in answers)


async def test_revisions_of_someone_elses_public_article_are_a_404_for_an_author(
    client: AsyncClient, session: AsyncSession, author, others, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    url = f"{ADMIN}/{others['published']}"
    etag = (await client.get(url, headers=editor)).headers["etag"]
    saved = await client.patch(url, json={"title": "New"}, headers={**editor, "If-Match": etag})
    assert saved.status_code == 200  # the state before, with its text, is now a revision

    response = await client.get(f"{url}/revisions", headers=sign_in(author))

    assert response.status_code == 404
    assert (await client.get(f"{url}/revisions", headers=editor)).json()["meta"]["total"] == 1


async def test_editors_see_every_draft(client: AsyncClient, session: AsyncSession, others, sign_in):
    editor = sign_in(await make_user(session, role="editor"))

    drafts = await client.get(ADMIN, params={"status": "draft"}, headers=editor)
    one = await client.get(f"{ADMIN}/{others['draft']}", headers=editor)

    assert [a["id"] for a in drafts.json()["data"]] == [others["draft"]]
    assert one.json()["body"] == "<p>Secret draft</p>"
