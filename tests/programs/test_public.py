"""GET /api/v1/programs and /api/v1/programs/{slug}: their experts only when public."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_expert, make_program
from tests.helpers import HIDDEN, slugs


async def _hidden_expert(session: AsyncSession, status: str, offset: timedelta | None, **kw):
    published_at = utcnow() + offset if offset is not None else None
    return await make_expert(
        session, family_name="Secret", status=status, published_at=published_at, **kw
    )


async def test_list_is_ordered_by_position_then_name(client: AsyncClient, session: AsyncSession):
    for position, name in [
        (2, "Middle East Program"),
        (1, "Military Analysis Program"),
        (0, "Grand Strategy Program"),
        (1, "Asia Program"),
    ]:
        program = await make_program(session, name=name)
        program.position = position
    await session.flush()

    response = await client.get("/api/v1/programs")

    assert response.status_code == 200
    assert slugs(response) == [
        "grand-strategy-program",
        "asia-program",
        "military-analysis-program",
        "middle-east-program",
    ]
    assert response.json()["meta"] == {"total": 4, "page": 1, "per_page": 20, "pages": 1}


async def test_list_item_shows_a_public_director(client: AsyncClient, session: AsyncSession):
    lyle = await make_expert(
        session, given_name="Lyle", family_name="Goldstein", title="Director, Asia Program"
    )
    await make_program(session, name="Asia Program", director=lyle, description="East Asia.")

    item = (await client.get("/api/v1/programs")).json()["data"][0]

    assert item == {
        "slug": "asia-program",
        "name": "Asia Program",
        "description": "East Asia.",
        "director": {
            "slug": "lyle-goldstein",
            "name": "Lyle Goldstein",
            "title": "Director, Asia Program",
            "photo_url": None,
        },
    }


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_director_is_absent_from_the_list(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    director = await _hidden_expert(session, status, offset)
    await make_program(session, name="Asia Program", director=director)

    item = (await client.get("/api/v1/programs")).json()["data"][0]

    assert item["slug"] == "asia-program"
    assert item["director"] is None


async def test_detail_lists_public_members_by_family_name(
    client: AsyncClient, session: AsyncSession
):
    program = await make_program(session, name="Asia Program")
    lyle = await make_expert(
        session, given_name="Lyle", family_name="Goldstein", programs=[program]
    )
    await make_expert(session, given_name="Jennifer", family_name="Kavanagh", programs=[program])
    await make_expert(session, given_name="Daniel", family_name="DePetris", programs=[program])
    await make_expert(session, given_name="Other", family_name="Program")
    program.director = lyle
    await session.flush()

    response = await client.get("/api/v1/programs/asia-program")

    assert response.status_code == 200
    detail = response.json()
    assert detail["director"]["slug"] == "lyle-goldstein"
    assert [m["slug"] for m in detail["members"]] == [
        "daniel-depetris",
        "lyle-goldstein",
        "jennifer-kavanagh",
    ]


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_expert_is_neither_member_nor_director_in_detail(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    program = await make_program(session, name="Asia Program")
    await make_expert(session, family_name="Visible", programs=[program])
    program.director = await _hidden_expert(session, status, offset, programs=[program])
    await session.flush()

    detail = (await client.get("/api/v1/programs/asia-program")).json()

    assert [m["slug"] for m in detail["members"]] == ["ada-visible"]
    assert detail["director"] is None


async def test_scheduled_expert_whose_time_has_passed_is_director_and_member(
    client: AsyncClient, session: AsyncSession
):
    program = await make_program(session, name="Asia Program")
    program.director = await make_expert(
        session,
        family_name="Live",
        status="scheduled",
        published_at=utcnow() - timedelta(seconds=1),
        programs=[program],
    )
    await session.flush()

    detail = (await client.get("/api/v1/programs/asia-program")).json()
    listed = (await client.get("/api/v1/programs")).json()["data"][0]

    assert detail["director"]["slug"] == "ada-live"
    assert [m["slug"] for m in detail["members"]] == ["ada-live"]
    assert listed["director"]["slug"] == "ada-live"


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/programs/space-program")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No program with slug 'space-program'."


async def test_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    for n in range(6):
        director = await make_expert(session, status="published" if n % 2 else "draft")
        await make_program(session, director=director)

    with count_statements() as small:
        one = await client.get("/api/v1/programs?per_page=1")
    with count_statements() as large:
        hundred = await client.get("/api/v1/programs?per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(hundred.json()["data"]) == 6
    assert len(small) == len(large), (small, large)
