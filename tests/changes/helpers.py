"""Partner keys and feed readers shared by the change-feed and embargo tests."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.auth import api_keys
from app.auth.models import ApiKey
from tests.factories import make_article, make_expert, make_program, make_topic

CHANGES = "/api/v1/changes"


async def key_headers(session: AsyncSession, *scopes: str) -> dict[str, str]:
    """X-API-Key headers for a new key with these scopes (default `content:read`)."""
    minted = api_keys.mint()
    session.add(
        ApiKey(
            name="Partner",
            prefix=minted.prefix,
            key_hash=minted.key_hash,
            scopes=list(scopes or ("content:read",)),
        )
    )
    await session.flush()
    return {"X-API-Key": minted.key}


async def read_feed(
    client: AsyncClient, headers: dict[str, str], *, since: str = "0", limit: int = 100
) -> tuple[list[dict[str, Any]], str]:
    """Every entry after `since`, page by page, and the cursor to read on from."""
    entries: list[dict[str, Any]] = []
    while True:
        response = await client.get(
            CHANGES, params={"since": since, "limit": limit}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        entries += body["data"]
        assert int(body["meta"]["next_cursor"]) >= int(since)
        since = body["meta"]["next_cursor"]
        if not body["meta"]["has_more"]:
            return entries, since


def apply(mirror: dict[tuple[str, int], dict], entries: list[dict[str, Any]]) -> None:
    """Apply feed entries to a partner's copy, keyed by (resource, id)."""
    for entry in entries:
        key = (entry["resource"], entry["id"])
        if entry["action"] == "upsert":
            mirror[key] = entry["object"]
        else:
            mirror.pop(key, None)


async def rich_article(session: AsyncSession, *, title: str = "China and the Gulf") -> Article:
    """China under Asia, two authors, a featured expert, a program."""
    asia = await make_topic(session, name="Asia", slug="asia")
    china = await make_topic(session, name="China", slug="china", parent=asia)
    director = await make_expert(session, given_name="Dana", family_name="Director")
    program = await make_program(
        session, name="Asia Program", slug="asia-program", director=director
    )
    authors = [
        await make_expert(session, given_name="Ada", family_name="Author", programs=[program]),
        await make_expert(session, given_name="Bo", family_name="Writer", topics=[china]),
    ]
    featured = await make_expert(session, given_name="Cy", family_name="Featured")
    return await make_article(
        session,
        title=title,
        topics=[china, asia],
        primary_topic=china,
        authors=authors,
        featured_experts=[featured],
        programs=[program],
    )
