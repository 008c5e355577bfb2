"""`embargo:read` opens embargoed scheduled articles only: a plain scheduled article (no
embargo) stays hidden from every key until its time, in lists, details and the feed."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.changes.helpers import key_headers, read_feed
from tests.factories import make_article

ARTICLES = "/api/v1/articles"


async def _scheduled(session: AsyncSession, slug: str, *, embargoed: bool):
    return await make_article(
        session,
        slug=slug,
        status="scheduled",
        published_at=utcnow() + timedelta(hours=2),
        embargoed=embargoed,
    )


async def test_an_embargo_key_sees_embargoed_scheduled_articles_but_not_plain_ones(
    client: AsyncClient, session: AsyncSession
):
    out = await make_article(session, slug="already-out")
    embargoed = await _scheduled(session, "under-embargo", embargoed=True)
    plain = await _scheduled(session, "merely-scheduled", embargoed=False)
    key = await key_headers(session, "content:read", "embargo:read")
    session.expunge_all()

    listed = await client.get(ARTICLES, headers=key)
    entries, _ = await read_feed(client, key)
    seen = {
        "list": [a["slug"] for a in listed.json()["data"]],
        "details": [
            (await client.get(f"{ARTICLES}/{slug}", headers=key)).status_code
            for slug in ("under-embargo", "merely-scheduled")
        ],
        "feed": sorted(e["id"] for e in entries if e["resource"] == "article"),
    }
    assert seen == {
        "list": ["under-embargo", "already-out"],
        "details": [200, 404],
        "feed": sorted([out.id, embargoed.id]),
    }
    assert plain.id not in seen["feed"]
