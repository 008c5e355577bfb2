"""Deleting a topic, expert or program that is still in use is a 409 naming the users,
and nothing is deleted; once nothing uses it, the delete goes through."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import Revision
from tests.factories import (
    make_article,
    make_event,
    make_expert,
    make_program,
    make_topic,
    make_user,
)

ADMIN = "/api/v1/admin"


async def _delete(client: AsyncClient, headers: dict, url: str):
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.delete(url, headers={**headers, "If-Match": etag})


async def test_a_topic_in_use_is_409_naming_what_uses_it_and_stays(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    china = await make_topic(session, name="China")
    for slug in ("d-tagged", "a-tagged", "c-tagged"):
        await make_article(session, slug=slug, topics=[china])
    await make_article(session, slug="b-primary", primary_topic=china)
    await make_event(session, slug="beijing-talk", topics=[china])
    await make_expert(session, slug="ada-one", topics=[china])
    await make_expert(session, slug="ada-two", topics=[china])

    response = await _delete(client, editor, f"{ADMIN}/topics/{china.id}")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Topic china is used by 4 articles (a-tagged, b-primary, c-tagged, …), "
        "1 event (beijing-talk) and 2 experts (ada-one, ada-two); remove it from them first."
    )
    assert response.json()["used_by"] == {"article": 4, "event": 1, "expert": 2}
    article = (await client.get("/api/v1/articles/b-primary")).json()
    assert article["primary_topic"]["slug"] == "china"
    assert (await client.get("/api/v1/topics/china")).status_code == 200


async def test_an_expert_with_by_lines_is_409_suggesting_archive(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    ada = await make_expert(session, slug="ada-lovelace")
    await make_article(session, slug="engines", authors=[ada])
    await make_event(session, slug="engines-talk", speakers=[ada])
    await make_program(session, slug="computing", director=ada)

    response = await _delete(client, editor, f"{ADMIN}/experts/{ada.id}")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Expert ada-lovelace is used by 1 article (engines), 1 event (engines-talk) and "
        "1 program (computing); archive the expert instead, or remove them from these first."
    )
    authors = (await client.get("/api/v1/articles/engines")).json()["authors"]
    assert [a["slug"] for a in authors] == ["ada-lovelace"]


async def test_a_program_used_by_an_article_is_409(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    program = await make_program(session, slug="asia-program")
    await make_article(session, slug="pacific", programs=[program])

    response = await _delete(client, editor, f"{ADMIN}/programs/{program.id}")

    assert response.status_code == 409
    assert "1 article (pacific)" in response.json()["detail"]


async def test_a_topic_named_only_by_an_earlier_version_is_409(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    china = await make_topic(session, name="China")
    await make_topic(session, name="Chinatown")  # a similar slug names nothing
    article = await make_article(session, slug="was-tagged")
    session.add(
        Revision(
            resource="article",
            resource_id=article.id,
            number=1,
            data={"title": "china", "topics": ["china", "asia"]},
        )
    )
    await session.flush()

    response = await _delete(client, editor, f"{ADMIN}/topics/{china.id}")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Topic china is named by earlier versions of 1 article (was-tagged); "
        "remove it from them first."
    )


async def test_a_topic_that_only_a_title_mentions_is_deleted(
    client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    china = await make_topic(session, name="China")
    article = await make_article(session, slug="about-china")
    session.add(
        Revision(resource="article", resource_id=article.id, number=1, data={"title": "china"})
    )
    await session.flush()

    response = await _delete(client, editor, f"{ADMIN}/topics/{china.id}")

    assert response.status_code == 204
