"""GET /api/v1/experts and /api/v1/experts/{slug}: public profiles only."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_expert, make_program, make_topic
from tests.helpers import HIDDEN, slugs


async def test_list_is_ordered_by_family_then_given_name(
    client: AsyncClient, session: AsyncSession
):
    await make_expert(session, given_name="Jennifer", family_name="Kavanagh")
    await make_expert(session, given_name="Lyle", family_name="Goldstein")
    await make_expert(session, given_name="Daniel", family_name="DePetris")
    await make_expert(session, given_name="Adam", family_name="Goldstein")

    response = await client.get("/api/v1/experts")

    assert response.status_code == 200
    assert slugs(response) == [
        "daniel-depetris",
        "adam-goldstein",
        "lyle-goldstein",
        "jennifer-kavanagh",
    ]
    assert response.json()["meta"] == {"total": 4, "page": 1, "per_page": 20, "pages": 1}


async def test_list_item_carries_the_summary_without_the_profile(
    client: AsyncClient, session: AsyncSession
):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    program = await make_program(session, name="Asia Program")
    await make_expert(
        session,
        given_name="Lyle",
        family_name="Goldstein",
        title="Director, Asia Program",
        organization="Defense Priorities",
        short_bio="Director of Asia Engagement.",
        bio="<p>Long bio.</p>",
        email="lyle@example.org",
        photo_url="https://cdn.example.org/lyle.jpg",
        programs=[program],
        topics=[china, asia],
    )

    item = (await client.get("/api/v1/experts")).json()["data"][0]

    assert item == {
        "slug": "lyle-goldstein",
        "name": "Lyle Goldstein",
        "given_name": "Lyle",
        "family_name": "Goldstein",
        "title": "Director, Asia Program",
        "organization": "Defense Priorities",
        "short_bio": "Director of Asia Engagement.",
        "photo_url": "https://cdn.example.org/lyle.jpg",
        "programs": [{"slug": "asia-program", "name": "Asia Program"}],
        "topics": [{"slug": "asia", "name": "Asia"}, {"slug": "china", "name": "China"}],
    }


async def test_topic_filter_matches_that_topic_only(client: AsyncClient, session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    await make_expert(session, family_name="Asian", topics=[asia])
    await make_expert(session, family_name="Chinese", topics=[china])

    response = await client.get("/api/v1/experts?topic=asia")

    assert slugs(response) == ["ada-asian"]


async def test_repeated_topic_is_or(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    russia = await make_topic(session, name="Russia")
    syria = await make_topic(session, name="Syria")
    await make_expert(session, family_name="Alpha", topics=[china])
    await make_expert(session, family_name="Bravo", topics=[russia])
    await make_expert(session, family_name="Charlie", topics=[syria])

    response = await client.get("/api/v1/experts?topic=china&topic=russia")

    assert slugs(response) == ["ada-alpha", "ada-bravo"]
    assert response.json()["meta"]["total"] == 2


async def test_comma_separated_program_is_or(client: AsyncClient, session: AsyncSession):
    asia = await make_program(session, name="Asia Program")
    mideast = await make_program(session, name="Middle East Program")
    grand = await make_program(session, name="Grand Strategy Program")
    await make_expert(session, family_name="Alpha", programs=[asia])
    await make_expert(session, family_name="Bravo", programs=[mideast])
    await make_expert(session, family_name="Charlie", programs=[grand])

    response = await client.get("/api/v1/experts?program=asia-program,middle-east-program")

    assert slugs(response) == ["ada-alpha", "ada-bravo"]


async def test_topic_and_program_together_are_and(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    asia = await make_program(session, name="Asia Program")
    await make_expert(session, family_name="Both", topics=[china], programs=[asia])
    await make_expert(session, family_name="Topiconly", topics=[china])
    await make_expert(session, family_name="Programonly", programs=[asia])

    response = await client.get("/api/v1/experts?topic=china&program=asia-program")

    assert slugs(response) == ["ada-both"]
    assert response.json()["meta"]["total"] == 1


async def test_unknown_filter_slug_matches_nothing(client: AsyncClient, session: AsyncSession):
    await make_expert(session, topics=[await make_topic(session, name="China")])

    response = await client.get("/api/v1/experts?topic=atlantis")

    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["meta"]["total"] == 0


async def test_pages_are_linked(client: AsyncClient, session: AsyncSession):
    for name in ("Alpha", "Bravo", "Charlie"):
        await make_expert(session, family_name=name)

    response = await client.get("/api/v1/experts?per_page=2&page=2")

    assert slugs(response) == ["ada-charlie"]
    assert response.json()["meta"] == {"total": 3, "page": 2, "per_page": 2, "pages": 2}
    assert 'page=1>; rel="prev"' in response.headers["link"]
    assert 'rel="next"' not in response.headers["link"]


async def test_per_page_over_the_cap_is_a_named_problem(client: AsyncClient):
    response = await client.get("/api/v1/experts?per_page=101")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "per_page"


async def test_detail_carries_the_full_profile(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    program = await make_program(session, name="Asia Program")
    await make_expert(
        session,
        given_name="Lyle",
        family_name="Goldstein",
        title="Director, Asia Program",
        bio="<p>Lyle Goldstein is Director of Asia Engagement.</p>",
        email="lyle@example.org",
        links=[{"label": "Profile", "url": "https://example.org/lyle"}],
        published_at=datetime(2023, 1, 9, 14, tzinfo=UTC),
        programs=[program],
        topics=[china],
    )

    response = await client.get("/api/v1/experts/lyle-goldstein")

    assert response.status_code == 200
    expert = response.json()
    assert expert["name"] == "Lyle Goldstein"
    assert expert["bio"] == "<p>Lyle Goldstein is Director of Asia Engagement.</p>"
    assert expert["email"] == "lyle@example.org"
    assert expert["links"] == [{"label": "Profile", "url": "https://example.org/lyle"}]
    assert expert["published_at"] == "2023-01-09T14:00:00+00:00"
    assert expert["updated_at"].endswith("+00:00")
    assert expert["programs"] == [{"slug": "asia-program", "name": "Asia Program"}]
    assert expert["topics"] == [{"slug": "china", "name": "China"}]


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/experts/nobody")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No expert with slug 'nobody'."
    assert response.json()["status"] == 404


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_expert_is_on_no_expert_path(
    client: AsyncClient, session: AsyncSession, status: str, offset: timedelta | None
):
    china = await make_topic(session, name="China")
    program = await make_program(session, name="Asia Program")
    await make_expert(session, family_name="Visible", topics=[china], programs=[program])
    await make_expert(
        session,
        family_name="Secret",
        status=status,
        published_at=utcnow() + offset if offset is not None else None,
        topics=[china],
        programs=[program],
    )

    for query in ("", "?topic=china", "?program=asia-program"):
        listing = await client.get(f"/api/v1/experts{query}")
        assert slugs(listing) == ["ada-visible"], query
        assert listing.json()["meta"]["total"] == 1, query
    detail = await client.get("/api/v1/experts/ada-secret")
    assert detail.status_code == 404
    assert detail.headers["content-type"] == "application/problem+json"


async def test_scheduled_expert_whose_time_has_passed_is_public(
    client: AsyncClient, session: AsyncSession
):
    await make_expert(
        session,
        family_name="Live",
        status="scheduled",
        published_at=utcnow() - timedelta(seconds=1),
    )

    assert slugs(await client.get("/api/v1/experts")) == ["ada-live"]
    assert (await client.get("/api/v1/experts/ada-live")).status_code == 200


async def test_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    topics = [await make_topic(session) for _ in range(3)]
    programs = [await make_program(session) for _ in range(2)]
    for n in range(12):
        await make_expert(session, topics=topics[: 1 + n % 3], programs=programs[: 1 + n % 2])

    with count_statements() as small:
        one = await client.get("/api/v1/experts?per_page=1")
    with count_statements() as large:
        hundred = await client.get("/api/v1/experts?per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(hundred.json()["data"]) == 12
    assert len(small) == len(large), (small, large)
