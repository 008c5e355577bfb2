"""Parallel writers on real, separate connections to a committed scratch database (the
`scratch_api` app runs its own lifespan): every answer is a documented status, never a 500,
and what is left is what the same requests one at a time would leave."""

import asyncio
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.models import Article
from app.auth import service as auth
from app.config import Settings
from app.newsletter.models import EmailMessage, NewsletterSubscription
from tests.factories import make_article, make_user

ARTICLES = "/api/v1/admin/articles"
SIGNUPS = "/api/v1/newsletter/subscriptions"
PER_EMAIL = 3  # signups an address may make per window; the rest are 429
PER_CLIENT = 5  # signups one client address may make per window
STORM = 8


@pytest.fixture
def scratch_settings(scratch_url: str, settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "database_url": scratch_url,
            "rate_limit_enabled": False,
            "newsletter_signups_per_email": PER_EMAIL,
            "newsletter_signups_per_client": PER_CLIENT,
        }
    )


async def _committed(sessions: async_sessionmaker[AsyncSession], build, **kwargs: Any) -> Any:
    async with sessions() as session:
        row = await build(session, **kwargs)
        await session.commit()
        return row


async def _count(sessions: async_sessionmaker[AsyncSession], model, *where) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _statuses(answers: list[Response]) -> list[int]:
    return sorted(a.status_code for a in answers)


def _is_problem(answer: Response) -> bool:
    return answer.headers["content-type"] == "application/problem+json"


async def test_patches_sent_with_one_etag_give_one_200_and_412s(
    scratch_api: AsyncClient, scratch_sessions, sign_in
):
    editor = sign_in(await _committed(scratch_sessions, make_user))
    article = await _committed(scratch_sessions, make_article, title="Before")
    read = await scratch_api.get(f"{ARTICLES}/{article.id}", headers=editor)
    headers = {**editor, "If-Match": read.headers["etag"]}

    answers = await asyncio.gather(
        *(
            scratch_api.patch(
                f"{ARTICLES}/{article.id}", json={"title": f"Edit {n}"}, headers=headers
            )
            for n in range(4)
        )
    )

    assert _statuses(answers) == [200, 412, 412, 412]
    [won] = [a for a in answers if a.status_code == 200]
    assert all(_is_problem(a) for a in answers if a.status_code == 412)
    now = await scratch_api.get(f"{ARTICLES}/{article.id}", headers=editor)
    assert now.json()["title"] == won.json()["title"]
    assert now.headers["etag"] == won.headers["etag"] != read.headers["etag"]
    assert now.json()["version"] == read.json()["version"] + 1  # saved once


async def test_parallel_creates_of_one_article_slug_give_one_201_and_409s(
    scratch_api: AsyncClient, scratch_sessions, sign_in
):
    editor = sign_in(await _committed(scratch_sessions, make_user))
    body = {"kind": "op-ed", "title": "Same slug", "slug": "same-slug-race"}

    answers = await asyncio.gather(
        *(scratch_api.post(ARTICLES, json=body, headers=editor) for _ in range(3))
    )

    assert _statuses(answers) == [201, 409, 409]
    assert all(_is_problem(a) for a in answers if a.status_code == 409)
    assert await _count(scratch_sessions, Article, Article.slug == "same-slug-race") == 1


async def test_parallel_article_creates_with_one_idempotency_key_create_one_article(
    scratch_api: AsyncClient, scratch_sessions, sign_in
):
    editor = sign_in(await _committed(scratch_sessions, make_user))
    headers = {**editor, "Idempotency-Key": "article-once"}
    body = {"kind": "brief", "title": "Exactly once"}  # the slug comes from the title

    answers = await asyncio.gather(
        *(scratch_api.post(ARTICLES, json=body, headers=headers) for _ in range(3))
    )

    assert [a.status_code for a in answers] == [201] * 3
    assert len({a.json()["id"] for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true", "true"]
    assert await _count(scratch_sessions, Article, Article.title == "Exactly once") == 1


async def test_parallel_refreshes_of_one_token_rotate_it_once(
    scratch_api: AsyncClient, scratch_sessions, scratch_settings
):
    async with scratch_sessions() as session:
        user = await make_user(session)
        pair = await auth.issue_tokens(session, scratch_settings, user=user)
        await session.commit()
    body = {"refresh_token": pair.refresh_token}

    answers = await asyncio.gather(
        *(scratch_api.post("/api/v1/admin/auth/refresh", json=body) for _ in range(3))
    )

    assert _statuses(answers) == [200, 401, 401]
    assert all(_is_problem(a) for a in answers if a.status_code == 401)


async def test_a_signup_storm_for_one_address_is_one_subscription_and_one_email(
    scratch_api: AsyncClient, scratch_sessions
):
    address = "storm@example.org"
    body = {"email": address}

    answers = await asyncio.gather(
        *(
            scratch_api.post(SIGNUPS, json=body, headers={"X-Forwarded-For": f"192.0.2.{n}"})
            for n in range(STORM)
        )
    )

    # One at a time: the first PER_EMAIL are taken, the rest told to wait.
    assert _statuses(answers) == [202] * PER_EMAIL + [429] * (STORM - PER_EMAIL)
    assert all(
        _is_problem(a) and "retry-after" in a.headers for a in answers if a.status_code == 429
    )
    where = NewsletterSubscription.email == address
    assert await _count(scratch_sessions, NewsletterSubscription, where) == 1
    assert await _count(scratch_sessions, EmailMessage, EmailMessage.to_address == address) == 1


async def test_a_signup_storm_from_one_client_queues_no_more_than_its_limit(
    scratch_api: AsyncClient, scratch_sessions
):
    headers = {"X-Forwarded-For": "198.51.100.77"}

    answers = await asyncio.gather(
        *(
            scratch_api.post(SIGNUPS, json={"email": f"flood{n}@example.org"}, headers=headers)
            for n in range(STORM)
        )
    )

    assert _statuses(answers) == [202] * PER_CLIENT + [429] * (STORM - PER_CLIENT)
    flood = EmailMessage.to_address.like("flood%@example.org")
    assert await _count(scratch_sessions, EmailMessage, flood) == PER_CLIENT
