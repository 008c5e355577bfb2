"""Conditional GET and the headers every public GET carries, on both cache backends."""

from datetime import timedelta

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.fastlane import FastArticleList
from app.auth import api_keys
from app.auth.models import ApiKey
from app.cache import CacheMiddleware
from app.db import utcnow
from tests.cache.conftest import client_for
from tests.factories import make_article, make_expert, make_program, make_topic, make_user

PUBLIC = "public, max-age=60, stale-while-revalidate=300"


async def _china_piece(session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    program = await make_program(session, name="Asia Program")
    updated = utcnow().replace(microsecond=0) - timedelta(hours=3)
    return await make_article(
        session,
        title="China and Russia",
        topics=[china],
        authors=[lyle],
        programs=[program],
        updated_at=updated,
    )


async def test_a_detail_names_what_it_contains(cached_client: AsyncClient, session: AsyncSession):
    article = await _china_piece(session)

    response = await cached_client.get("/api/v1/articles/china-and-russia")

    assert response.status_code == 200
    assert response.headers["etag"].startswith('"')
    assert len(response.headers["etag"]) == 34
    assert response.headers["cache-control"] == PUBLIC
    assert response.headers["last-modified"] == article.updated_at.strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    keys = response.headers["surrogate-key"].split()
    assert keys[0] == f"article-{article.id}"
    assert set(keys) == {
        f"article-{article.id}",
        "topic-china",
        "topic-asia",
        "program-asia-program",
        "expert-lyle-goldstein",
        "refs-expert",  # a hidden author would be left out: publishing one purges this
    }
    assert response.headers["x-cache"] == "MISS"


async def test_a_list_names_its_type_each_item_and_what_they_embed(
    cached_client: AsyncClient, session: AsyncSession
):
    article = await _china_piece(session)
    other = await make_article(session, title="Elsewhere")

    response = await cached_client.get("/api/v1/articles?topic=china&per_page=5")

    keys = response.headers["surrogate-key"].split()
    assert keys[0] == "list-articles"
    assert f"article-{article.id}" in keys
    assert f"article-{other.id}" not in keys
    assert {"topic-china", "topic-asia", "expert-lyle-goldstein", "program-asia-program"} <= set(
        keys
    )
    assert response.headers["cache-control"] == PUBLIC
    assert response.headers["link"].startswith("<http://testserver/api/v1/articles?")


async def test_if_none_match_answers_304_with_no_body(
    cached_client: AsyncClient, session: AsyncSession
):
    await _china_piece(session)
    first = await cached_client.get("/api/v1/articles")
    etag = first.headers["etag"]

    for header in (etag, f'"nope", {etag}', f"W/{etag}", "*"):
        again = await cached_client.get("/api/v1/articles", headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == PUBLIC
        assert "content-type" not in again.headers

    other = await cached_client.get("/api/v1/articles", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200
    assert other.content == first.content


async def test_a_304_also_comes_from_a_cold_cache(
    cached_app: FastAPI, cached_client: AsyncClient, session: AsyncSession
):
    await _china_piece(session)
    etag = (await cached_client.get("/api/v1/topics")).headers["etag"]
    await cached_app.state.cache.backend.clear()

    again = await cached_client.get("/api/v1/topics", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["x-cache"] == "MISS"


async def test_the_second_get_is_a_hit_with_the_same_headers(
    cached_client: AsyncClient, session: AsyncSession, count_statements
):
    await _china_piece(session)
    first = await cached_client.get("/api/v1/articles?per_page=5&topic=china")

    with count_statements() as sql:
        second = await cached_client.get("/api/v1/articles?topic=china&per_page=5")

    assert first.headers["x-cache"] == "MISS"
    assert second.headers["x-cache"] == "HIT"
    assert sql == []
    assert second.content == first.content
    for name in ("etag", "cache-control", "surrogate-key", "last-modified", "link", "content-type"):
        assert second.headers[name] == first.headers[name], name


async def test_a_hit_answers_if_none_match_with_304(
    cached_client: AsyncClient, session: AsyncSession
):
    await _china_piece(session)
    etag = (await cached_client.get("/api/v1/experts")).headers["etag"]

    hit = await cached_client.get("/api/v1/experts", headers={"If-None-Match": etag})

    assert (hit.status_code, hit.headers["x-cache"], hit.content) == (304, "HIT", b"")


async def test_errors_are_not_cached(cached_client: AsyncClient, session: AsyncSession):
    for path in ("/api/v1/articles/no-such-thing", "/api/v1/articles?per_page=1000"):
        first = await cached_client.get(path)
        second = await cached_client.get(path)

        assert first.status_code == second.status_code >= 400
        assert first.headers["cache-control"] == second.headers["cache-control"] == "no-store"
        assert second.headers.get("x-cache") != "HIT"
        assert "etag" not in second.headers


async def test_a_moved_slug_redirect_is_not_cached(
    cached_client: AsyncClient, session: AsyncSession, sign_in
):
    article = await make_article(session, title="Old title")
    editor = sign_in(await make_user(session, role="editor"))
    url = f"/api/v1/admin/articles/{article.id}"
    etag = (await cached_client.get(url, headers=editor)).headers["etag"]
    await cached_client.patch(url, json={"slug": "new-slug"}, headers={**editor, "If-Match": etag})

    moved = await cached_client.get("/api/v1/articles/old-title")

    assert moved.status_code == 301
    assert moved.headers["cache-control"] == "no-store"


async def _partner_key(session: AsyncSession) -> str:
    """A working X-API-Key (a wrong one is a 401, never cached either)."""
    minted = api_keys.mint()
    session.add(
        ApiKey(name="P", prefix=minted.prefix, key_hash=minted.key_hash, scopes=["content:read"])
    )
    await session.flush()
    return minted.key


async def test_authorization_is_never_served_from_or_stored_in_the_cache(
    cached_client: AsyncClient, session: AsyncSession
):
    await _china_piece(session)
    key = await _partner_key(session)
    partner = {"Authorization": "Bearer whoever", "X-API-Key": key}

    signed = [await cached_client.get("/api/v1/articles", headers=partner) for _ in range(2)]
    anonymous = await cached_client.get("/api/v1/articles")
    keyed = await cached_client.get("/api/v1/articles", headers={"X-API-Key": key})

    for response in (*signed, keyed):
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["x-cache"] == "MISS"
        assert "surrogate-key" not in response.headers
    assert anonymous.headers["x-cache"] == "MISS"  # the signed answers were not stored
    assert (await cached_client.get("/api/v1/articles")).headers["x-cache"] == "HIT"


async def test_admin_and_preview_paths_are_left_alone(
    cached_client: AsyncClient, session: AsyncSession
):
    response = await cached_client.get("/api/v1/admin/articles")
    health = await cached_client.get("/healthz")

    assert response.status_code == 401
    assert "x-cache" not in response.headers
    assert "etag" not in health.headers
    assert "x-cache" not in health.headers


async def test_query_order_does_not_split_the_cache(
    cached_client: AsyncClient, session: AsyncSession
):
    await _china_piece(session)
    await cached_client.get("/api/v1/articles?topic=china&per_page=3")

    again = await cached_client.get("/api/v1/articles?per_page=3&topic=china")
    other_host = await cached_client.get(
        "/api/v1/articles?per_page=3&topic=china", headers={"Host": "evil.example"}
    )

    assert again.headers["x-cache"] == "HIT"
    # Links are on PUBLIC_API_URL, so another Host gets the same answer (and adds no entry).
    assert other_host.headers["x-cache"] == "HIT"
    assert "evil.example" not in other_host.headers["link"]


async def test_a_hit_passes_through_middleware_added_later(
    cached_app: FastAPI, session: AsyncSession
):
    seen: list[str] = []

    @cached_app.middleware("http")
    async def log_every_request(request, call_next):
        response = await call_next(request)
        seen.append(response.headers.get("x-cache", "-"))
        return response

    # Innermost but for the fast lane, which it wraps (its answers are cached too).
    assert [m.cls for m in cached_app.user_middleware][-2:] == [CacheMiddleware, FastArticleList]
    async with client_for(cached_app) as client:
        await client.get("/api/v1/topics")
        await client.get("/api/v1/topics")

    assert seen == ["MISS", "HIT"]


async def test_cors_headers_wrap_a_hit(cached_client: AsyncClient, session: AsyncSession):
    origin = {"Origin": "https://frontend.example.org"}
    await cached_client.get("/api/v1/topics", headers=origin)

    hit = await cached_client.get("/api/v1/topics", headers=origin)

    assert hit.headers["x-cache"] == "HIT"
    assert hit.headers["access-control-allow-origin"] == "https://frontend.example.org"
