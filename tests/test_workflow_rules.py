"""The publishing rules of app/workflow.py at their edges: the mutants `make mutate` left alive.

Each test names the rule; the instants are exact (a frozen clock), because the rules differ
only at the boundary: published at `published_at <= now`, scheduled at `> now`.
"""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.workflow import Status, status_condition, visible_to
from tests.changes.helpers import key_headers
from tests.factories import make_article, make_user

ADMIN = "/api/v1/admin/articles"


@pytest.fixture
async def admin(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="admin"))


async def _admin_slugs(client: AsyncClient, headers: dict, status: str) -> set[str]:
    response = await client.get(ADMIN, params={"status": status}, headers=headers)
    assert response.status_code == 200, response.text
    return {a["slug"] for a in response.json()["data"]}


async def test_publishing_now_or_at_this_instant_is_published_and_later_is_scheduled(
    client: AsyncClient, admin, clock
):
    clock.freeze()
    now = clock.now()
    asked = {
        "no-time": None,
        "this-instant": now.isoformat(),
        "a-second-later": (now + timedelta(seconds=1)).isoformat(),
    }
    for slug, published_at in asked.items():
        body = {"kind": "op-ed", "title": slug, "status": "published", "published_at": published_at}
        response = await client.post(ADMIN, json=body, headers=admin)
        assert response.status_code == 201, response.text

    audit = await client.get("/api/v1/admin/audit", params={"resource": "article"}, headers=admin)
    stored = [entry["detail"]["status"] for entry in reversed(audit.json()["data"])]
    assert stored == ["published", "published", "scheduled"]


async def test_at_its_publish_instant_a_scheduled_article_is_published_to_admins_and_public(
    client: AsyncClient, session: AsyncSession, admin, clock
):
    clock.freeze()
    due = clock.now() + timedelta(minutes=1)
    article = await make_article(session, title="On the dot", status="scheduled", published_at=due)
    assert await _admin_slugs(client, admin, "scheduled") == {"on-the-dot"}

    clock.advance(minutes=1)  # exactly its publish time (the sign-in lasts 5)

    assert (await client.get("/api/v1/articles/on-the-dot")).status_code == 200
    detail = await client.get(f"{ADMIN}/{article.id}", headers=admin)
    assert detail.json()["status"] == "published"
    assert await _admin_slugs(client, admin, "published") == {"on-the-dot"}
    assert await _admin_slugs(client, admin, "scheduled") == set()


async def test_a_draft_or_archived_article_with_a_future_time_is_not_scheduled(
    client: AsyncClient, session: AsyncSession, admin, clock
):
    later = clock.now() + timedelta(days=1)
    await make_article(session, title="Scheduled", status="scheduled", published_at=later)
    await make_article(session, title="Draft", status="draft", published_at=later)
    await make_article(session, title="Archived", status="archived", published_at=later)

    assert await _admin_slugs(client, admin, "scheduled") == {"scheduled"}
    assert await _admin_slugs(client, admin, "draft") == {"draft"}
    assert await _admin_slugs(client, admin, "archived") == {"archived"}


@pytest.mark.parametrize("status", ["draft", "archived"])
async def test_an_embargo_key_sees_only_scheduled_embargoes_not_drafts_marked_embargoed(
    client: AsyncClient, session: AsyncSession, clock, status: str
):
    later = clock.now() + timedelta(hours=1)
    await make_article(
        session, title="Under embargo", status="scheduled", published_at=later, embargoed=True
    )
    await make_article(session, title="Not yet", status=status, published_at=later, embargoed=True)
    embargo_key = await key_headers(session, "content:read", "embargo:read")

    listed = await client.get("/api/v1/articles", headers=embargo_key)
    assert [a["slug"] for a in listed.json()["data"]] == ["under-embargo"]
    assert (await client.get("/api/v1/articles/not-yet", headers=embargo_key)).status_code == 404


@pytest.mark.parametrize("sees_embargoed", [False, True])
async def test_the_conditions_answer_for_the_instant_they_are_given(
    session: AsyncSession, clock, sees_embargoed: bool
):
    """A statement built for another instant (a watermark, a bound parameter) must not
    quietly read the clock instead."""
    now = clock.now()
    await make_article(session, title="Old", published_at=now - timedelta(days=2))
    await make_article(session, title="Recent", published_at=now - timedelta(hours=1))
    yesterday = now - timedelta(days=1)

    async def slugs(condition) -> set[str]:
        return set(await session.scalars(select(Article.slug).where(condition)))

    visible = visible_to(Article, sees_embargoed=sees_embargoed, now=yesterday)
    assert await slugs(visible) == {"old"}
    assert await slugs(status_condition(Article, [Status.published], now=yesterday)) == {"old"}
    assert await slugs(status_condition(Article, [Status.scheduled], now=yesterday)) == set()
