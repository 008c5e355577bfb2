"""Unpublished content carries a marker; no public path ever shows it. A scheduled item
shows up on every path once its time has passed, with no job running."""

import asyncio
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import (
    make_article,
    make_event,
    make_expert,
    make_page,
    make_program,
    make_topic,
)

MARKER = "zqxmarker"


async def _public_texts(client: AsyncClient, slugs: list[str]) -> dict[str, str]:
    paths = [
        "/api/v1/articles?per_page=100",
        "/api/v1/articles?topic=china&per_page=100",
        "/api/v1/articles/visible/related?per_page=100",
        "/api/v1/articles/visible",
        "/api/v1/experts?per_page=100",
        "/api/v1/events?per_page=100",
        "/api/v1/events?when=upcoming&per_page=100",
        "/api/v1/events?when=past&per_page=100",
        "/api/v1/pages?per_page=100",
        "/api/v1/programs/asia-program",
        "/api/v1/programs?per_page=100",
        "/api/v1/topics/china",
        "/api/v1/site",
    ]
    for kind in ("articles", "experts", "events", "pages"):
        paths += [f"/api/v1/{kind}/{slug}" for slug in slugs]
    texts = {}
    for path in paths:
        response = await client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        # A 404 names the slug the client asked for; that is no leak.
        body = response.text if response.status_code == 200 else "404"
        texts[path] = body
    return texts


async def _world(session: AsyncSession, *, status: str, published_at) -> list[str]:
    china = await make_topic(session, name="China")
    program = await make_program(session, name="Asia Program")
    slug = f"{MARKER}-{status}"
    hidden_expert = await make_expert(
        session,
        given_name=MARKER,
        family_name=status,
        slug=slug,
        status=status,
        published_at=published_at,
        programs=[program],
    )
    await make_article(session, title="Visible", topics=[china], authors=[hidden_expert])
    await make_article(
        session,
        title=f"{MARKER} {status}",
        slug=slug,
        status=status,
        published_at=published_at,
        topics=[china],
        summary=MARKER,
    )
    await make_event(
        session,
        title=f"{MARKER} {status}",
        slug=slug,
        status=status,
        published_at=published_at,
        topics=[china],
    )
    await make_page(
        session, title=f"{MARKER} {status}", slug=slug, status=status, published_at=published_at
    )
    return [slug]


async def test_draft_content_is_on_no_public_path(client: AsyncClient, session: AsyncSession):
    slugs = await _world(session, status="draft", published_at=None)
    leaks = [path for path, body in (await _public_texts(client, slugs)).items() if MARKER in body]
    assert leaks == []


async def test_future_scheduled_content_is_on_no_public_path(
    client: AsyncClient, session: AsyncSession
):
    slugs = await _world(session, status="scheduled", published_at=utcnow() + timedelta(days=1))
    leaks = [path for path, body in (await _public_texts(client, slugs)).items() if MARKER in body]
    assert leaks == []


async def test_archived_content_is_on_no_public_path(client: AsyncClient, session: AsyncSession):
    slugs = await _world(session, status="archived", published_at=utcnow() - timedelta(days=9))
    leaks = [path for path, body in (await _public_texts(client, slugs)).items() if MARKER in body]
    assert leaks == []


async def test_scheduled_content_appears_everywhere_once_its_time_passes(
    client: AsyncClient, session: AsyncSession
):
    at = utcnow() + timedelta(seconds=1.5)
    [slug] = await _world(session, status="scheduled", published_at=at)
    before = await _public_texts(client, [slug])
    assert [path for path, body in before.items() if MARKER in body] == []

    await asyncio.sleep((at - utcnow()).total_seconds() + 0.2)
    after = await _public_texts(client, [slug])

    for path in (
        "/api/v1/articles?per_page=100",
        "/api/v1/articles?topic=china&per_page=100",
        "/api/v1/articles/visible/related?per_page=100",
        "/api/v1/articles/visible",
        "/api/v1/experts?per_page=100",
        "/api/v1/events?per_page=100",
        "/api/v1/pages?per_page=100",
        "/api/v1/programs/asia-program",
        f"/api/v1/articles/{slug}",
        f"/api/v1/experts/{slug}",
        f"/api/v1/events/{slug}",
        f"/api/v1/pages/{slug}",
    ):
        assert MARKER in after[path], path
    listing = await client.get("/api/v1/articles")
    assert listing.json()["meta"]["total"] == 2
