"""The cache never serves stale content: writes purge what they touched, and a scheduled
item goes live on time. Each test runs on both backends."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.cache.backends import Entry
from app.db import SessionDep, utcnow
from app.experts.models import Expert
from app.programs.models import Program
from app.topics.models import Topic
from tests.cache.conftest import client_for
from tests.factories import make_article, make_expert, make_program, make_topic, make_user

ADMIN = "/api/v1/admin/articles"


def _titles(response) -> list[str]:
    return [item["title"] for item in response.json()["data"]]


async def _warm(client: AsyncClient, *paths: str) -> None:
    """Answer each path twice: the second time from the cache."""
    for path in paths:
        await client.get(path)
        assert (await client.get(path)).headers["x-cache"] == "HIT", path


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


async def test_creating_an_article_purges_the_lists(
    cached_client: AsyncClient, session: AsyncSession, editor
):
    await make_topic(session, name="China")
    await make_article(session, title="Older piece")
    await _warm(cached_client, "/api/v1/articles", "/api/v1/articles?topic=china", "/api/v1/topics")

    created = await cached_client.post(
        ADMIN,
        json={"kind": "op-ed", "title": "Fresh piece", "status": "published", "topics": ["china"]},
        headers=editor,
    )
    assert created.status_code == 201, created.text

    listing = await cached_client.get("/api/v1/articles")
    filtered = await cached_client.get("/api/v1/articles?topic=china")
    assert (listing.headers["x-cache"], _titles(listing)) == (
        "MISS",
        ["Fresh piece", "Older piece"],
    )
    assert (filtered.headers["x-cache"], _titles(filtered)) == ("MISS", ["Fresh piece"])
    # Precise: the topics list does not depend on articles and is still served from cache.
    assert (await cached_client.get("/api/v1/topics")).headers["x-cache"] == "HIT"


async def test_editing_an_article_purges_its_detail_and_the_lists_only(
    cached_client: AsyncClient, session: AsyncSession, editor
):
    article = await make_article(session, title="First draft of history")
    await make_article(session, title="Bystander")
    detail = f"/api/v1/articles/{article.slug}"
    await _warm(cached_client, detail, "/api/v1/articles", "/api/v1/articles/bystander")

    url = f"{ADMIN}/{article.id}"
    etag = (await cached_client.get(url, headers=editor)).headers["etag"]
    edited = await cached_client.patch(
        url, json={"title": "Second draft"}, headers={**editor, "If-Match": etag}
    )
    assert edited.status_code == 200, edited.text

    fresh = await cached_client.get(detail)
    listing = await cached_client.get("/api/v1/articles")
    assert (fresh.headers["x-cache"], fresh.json()["title"]) == ("MISS", "Second draft")
    assert listing.headers["x-cache"] == "MISS"
    assert "Second draft" in _titles(listing)
    assert (await cached_client.get("/api/v1/articles/bystander")).headers["x-cache"] == "HIT"


async def test_renaming_an_expert_in_a_session_purges_every_answer_embedding_them(
    cached_app: FastAPI, session: AsyncSession
):
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    article = await make_article(session, title="By Lyle", authors=[lyle])
    await make_article(session, title="By nobody")

    # An ORM edit committed the way every request commits: through get_session.
    @cached_app.post("/test/experts/{slug}/rename")
    async def rename(slug: str, session: SessionDep) -> None:
        expert = await session.scalar(select(Expert).where(Expert.slug == slug))
        assert expert is not None
        expert.given_name = "Lyle S."
        await session.flush()

    async with client_for(cached_app) as client:
        paths = [f"/api/v1/articles/{article.slug}", "/api/v1/articles", "/api/v1/experts"]
        await _warm(client, *paths, "/api/v1/articles/by-nobody", "/api/v1/topics")
        assert (await client.post("/test/experts/lyle-goldstein/rename")).status_code == 200

        for path in paths:
            response = await client.get(path)
            assert response.headers["x-cache"] == "MISS", path
            assert "Lyle S. Goldstein" in response.text, path
        for path in ("/api/v1/articles/by-nobody", "/api/v1/topics"):
            assert (await client.get(path)).headers["x-cache"] == "HIT", path


async def test_publishing_a_hidden_author_purges_articles_that_left_them_out(
    cached_app: FastAPI, session: AsyncSession
):
    ghost = await make_expert(session, given_name="Ghost", family_name="Writer", status="draft")
    article = await make_article(session, title="Ghostwritten", authors=[ghost])

    @cached_app.post("/test/experts/{slug}/publish")
    async def publish(slug: str, session: SessionDep) -> None:
        expert = await session.scalar(select(Expert).where(Expert.slug == slug))
        assert expert is not None
        expert.status, expert.published_at = "published", utcnow() - timedelta(seconds=1)
        await session.flush()

    async with client_for(cached_app) as client:
        detail = f"/api/v1/articles/{article.slug}"
        await _warm(client, detail)
        assert (await client.get(detail)).json()["authors"] == []
        await client.post("/test/experts/ghost-writer/publish")

        response = await client.get(detail)
        assert response.headers["x-cache"] == "MISS"
        assert [a["slug"] for a in response.json()["authors"]] == ["ghost-writer"]


async def test_moving_a_topic_purges_its_old_and_new_parent(
    cached_app: FastAPI, session: AsyncSession
):
    asia = await make_topic(session, name="Asia")
    await make_topic(session, name="Europe")
    await make_topic(session, name="Russia", parent=asia)

    @cached_app.post("/test/topics/{slug}/parent/{parent}")
    async def move(slug: str, parent: str, session: SessionDep) -> None:
        topics = {t.slug: t for t in await session.scalars(select(Topic))}
        topics[slug].parent_id = topics[parent].id
        await session.flush()

    async with client_for(cached_app) as client:
        await _warm(client, "/api/v1/topics/asia", "/api/v1/topics/europe")
        await client.post("/test/topics/russia/parent/europe")

        old = await client.get("/api/v1/topics/asia")
        new = await client.get("/api/v1/topics/europe")
        assert (old.headers["x-cache"], old.json()["children"]) == ("MISS", [])
        assert new.headers["x-cache"] == "MISS"
        assert [c["slug"] for c in new.json()["children"]] == ["russia"]


async def test_a_new_program_member_purges_the_program_and_the_expert(
    cached_app: FastAPI, session: AsyncSession
):
    await make_expert(session, given_name="Ada", family_name="Lovelace")
    await make_program(session, name="Asia Program")

    @cached_app.post("/test/programs/{slug}/members/{expert}")
    async def join(slug: str, expert: str, session: SessionDep) -> None:
        person = await session.scalar(
            select(Expert).where(Expert.slug == expert).options(selectinload(Expert.programs))
        )
        program = await session.scalar(select(Program).where(Program.slug == slug))
        assert person is not None
        assert program is not None
        person.programs.append(program)
        await session.flush()

    async with client_for(cached_app) as client:
        paths = ["/api/v1/programs/asia-program", "/api/v1/experts/ada-lovelace"]
        await _warm(client, *paths)
        await client.post("/test/programs/asia-program/members/ada-lovelace")

        program, expert = [await client.get(path) for path in paths]
        assert program.headers["x-cache"] == expert.headers["x-cache"] == "MISS"
        assert [m["slug"] for m in program.json()["members"]] == ["ada-lovelace"]
        assert [p["slug"] for p in expert.json()["programs"]] == ["asia-program"]


async def test_a_scheduled_article_appears_in_a_cached_list_on_time(
    cached_client: AsyncClient, session: AsyncSession, editor, clock
):
    await make_article(session, title="Already out")
    await _warm(cached_client, "/api/v1/articles")
    at = utcnow() + timedelta(minutes=1)

    scheduled = await cached_client.post(
        ADMIN,
        json={
            "kind": "op-ed",
            "title": "Embargoed",
            "status": "published",
            "published_at": at.isoformat(),
        },
        headers=editor,
    )
    assert scheduled.json()["status"] == "scheduled"
    before = await cached_client.get("/api/v1/articles")
    assert (before.headers["x-cache"], _titles(before)) == ("MISS", ["Already out"])
    assert (await cached_client.get("/api/v1/articles")).headers["x-cache"] == "HIT"

    clock.advance(minutes=1, seconds=1)  # Redis would keep the entry: its TTL is real time
    after = await cached_client.get("/api/v1/articles")

    assert _titles(after) == ["Embargoed", "Already out"]
    assert after.headers["x-cache"] == "MISS"


@pytest.mark.parametrize("status", ["archived", "draft"])
async def test_archiving_or_unpublishing_an_article_takes_it_off_every_cached_answer(
    cached_client: AsyncClient, session: AsyncSession, editor, status: str
):
    china = await make_topic(session, name="China")
    author = await make_expert(session, given_name="Ada", family_name="Author")
    article = await make_article(session, title="Withdrawn piece", topics=[china], authors=[author])
    await make_article(session, title="Bystander piece", topics=[china])
    paths = [
        "/api/v1/articles",
        "/api/v1/articles?topic=china&facets=topic",
        f"/api/v1/articles/{article.slug}",
        "/api/v1/articles/bystander-piece/related",
        "/api/v1/search?q=withdrawn",
        "/feeds/articles.rss",
        "/feeds/topics/china.atom",
        "/feeds/experts/ada-author.json",
        "/sitemap.xml",
    ]
    await _warm(cached_client, *paths)
    assert all([article.slug in (await cached_client.get(p)).text for p in paths])

    url = f"{ADMIN}/{article.id}"
    etag = (await cached_client.get(url, headers=editor)).headers["etag"]
    changed = await cached_client.patch(
        url, json={"status": status}, headers={**editor, "If-Match": etag}
    )
    assert changed.json()["status"] == status, changed.text

    after = {path: await cached_client.get(path) for path in paths}
    assert after.pop(f"/api/v1/articles/{article.slug}").status_code == 404
    assert [path for path, answer in after.items() if article.slug in answer.text] == []
    assert _titles(after["/api/v1/articles"]) == ["Bystander piece"]


async def test_an_answer_read_before_a_purge_is_not_stored_after_it(cached_app: FastAPI):
    """A miss that read the database before a commit must not store after its purge."""
    cache = cached_app.state.cache
    key = "GET http://testserver/api/v1/articles"
    seen = await cache.lookup(key)
    await cache.backend.purge({"list-articles"})

    entry = Entry(etag=b'"x"', headers=[], body=b"{}")
    assert await cache.store(key, entry, ["list-articles"], seen) is False
    assert (await cache.lookup(key)).entry is None
    assert await cache.store(key, entry, ["list-articles"], await cache.lookup(key)) is True


CONTENT_TABLES = {
    "article",
    "article_author",
    "article_featured_expert",
    "article_program",
    "article_topic",
    "event",
    "event_program",
    "event_speaker",
    "event_topic",
    "expert",
    "expert_program",
    "expert_topic",
    "page",
    "program",
    "topic",
}


def test_every_table_is_classified_for_purging():
    """A new table must be declared not public (or be content): otherwise each write to it
    would empty the whole cache, which anyone posting a public form could then do."""
    from app.cache.invalidation import NOT_PUBLIC, SITE
    from app.models import Base

    unclassified = set(Base.metadata.tables) - NOT_PUBLIC - SITE - CONTENT_TABLES
    assert unclassified == set()


async def test_a_newsletter_signup_purges_nothing(
    cached_client: AsyncClient, session: AsyncSession
):
    await make_article(session, title="Stays cached")
    await _warm(cached_client, "/api/v1/articles")

    signup = await cached_client.post(
        "/api/v1/newsletter/subscriptions", json={"email": "reader@example.org"}
    )
    assert signup.status_code == 202, signup.text

    assert (await cached_client.get("/api/v1/articles")).headers["x-cache"] == "HIT"
