"""Parallel writes on real, separate connections to a committed scratch database: none is
answered 500 (SQLite's "database is locked", PostgreSQL's unique violations)."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.workflow import Status
from tests.factories import DEFAULT_PASSWORD, make_article, make_user
from tests.partners.conftest import make_key

PARALLEL = 10  # of each: twenty signups and sign-ins together, and refreshes


@pytest.fixture
def scratch_settings(scratch_settings: Settings) -> Settings:
    """Twenty signups from one test client are not an abuse here."""
    return scratch_settings.model_copy(update={"newsletter_signups_per_client": 1000})


@pytest.fixture
def api(scratch_api: AsyncClient) -> AsyncClient:
    return scratch_api


async def _user(scratch_sessions: async_sessionmaker[AsyncSession], **kwargs: Any):
    async with scratch_sessions() as session:
        user = await make_user(session, **kwargs)
        await session.commit()
        return user


async def _sign_in(api: AsyncClient, email: str) -> Any:
    return await api.post(
        "/api/v1/admin/auth/token", data={"username": email, "password": DEFAULT_PASSWORD}
    )


async def test_parallel_signups_sign_ins_and_refreshes_are_all_answered(api, scratch_sessions):
    user = await _user(scratch_sessions)
    first = await _sign_in(api, user.email)
    assert first.status_code == 200, first.text
    refresh_tokens = [(await _sign_in(api, user.email)).json()["refresh_token"] for _ in range(3)]

    answers = await asyncio.gather(
        *(
            api.post("/api/v1/newsletter/subscriptions", json={"email": f"r{n}@example.org"})
            for n in range(PARALLEL)
        ),
        *(_sign_in(api, user.email) for _ in range(PARALLEL)),
        *(
            api.post("/api/v1/admin/auth/refresh", json={"refresh_token": t})
            for t in refresh_tokens
        ),
    )

    statuses = [a.status_code for a in answers]
    assert statuses == [202] * PARALLEL + [200] * PARALLEL + [200] * len(refresh_tokens)


async def test_parallel_creates_of_one_slug_give_one_topic_and_one_409(
    api, scratch_sessions, sign_in
):
    headers = sign_in(await _user(scratch_sessions))
    body = {"name": "Arctic", "slug": "arctic"}

    answers = await asyncio.gather(
        *(api.post("/api/v1/admin/topics", json=body, headers=headers) for _ in range(2))
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    [conflict] = [a for a in answers if a.status_code == 409]
    assert conflict.json()["errors"] == [
        {"field": "slug", "in": "body", "message": "already taken"}
    ]


async def test_parallel_creates_with_one_idempotency_key_create_one_topic(
    api, scratch_sessions, sign_in
):
    headers = {**sign_in(await _user(scratch_sessions)), "Idempotency-Key": "create-baltic-once"}
    body = {"name": "Baltic"}  # a slug made from the name: without the key, two topics

    answers = await asyncio.gather(
        *(api.post("/api/v1/admin/topics", json=body, headers=headers) for _ in range(2))
    )

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    listed = await api.get("/api/v1/admin/topics", params={"per_page": 100}, headers=headers)
    assert [t["slug"] for t in listed.json()["data"] if t["name"] == "Baltic"] == ["baltic"]


async def test_parallel_change_feed_reads_number_what_came_due_without_a_500(
    api, scratch_sessions, clock
):
    async with scratch_sessions() as session:
        _, key = await make_key(session)
        for n in range(5):
            await make_article(
                session,
                slug=f"due-{n}",
                status=Status.scheduled,
                published_at=clock.now() + timedelta(minutes=10 + n),
            )
        await session.commit()
    clock.advance(hours=1)  # every read below finds the five rows due and numbers them

    answers = await asyncio.gather(
        *(api.get("/api/v1/changes", headers={"X-API-Key": key}) for _ in range(PARALLEL))
    )

    assert [a.status_code for a in answers] == [200] * PARALLEL
    slugs = {e["object"]["slug"] for a in answers for e in a.json()["data"] if e["object"]}
    assert {f"due-{n}" for n in range(5)} <= slugs
    seqs = [e["seq"] for e in answers[-1].json()["data"]]
    assert seqs == sorted(set(seqs))  # numbered once each, in order
