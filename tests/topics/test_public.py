"""GET /api/v1/topics and /api/v1/topics/{slug}: topics are always public."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_topic
from tests.helpers import slugs


async def test_list_is_ordered_by_name_with_parents(client: AsyncClient, session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    await make_topic(session, name="Taiwan", parent=asia)
    await make_topic(session, name="China", parent=asia, featured=True, description="Beijing.")
    await make_topic(session, name="NATO")

    response = await client.get("/api/v1/topics")

    assert response.status_code == 200
    assert slugs(response) == ["asia", "china", "nato", "taiwan"]
    assert response.json()["meta"] == {"total": 4, "page": 1, "per_page": 20, "pages": 1}
    assert response.json()["data"][1] == {
        "slug": "china",
        "name": "China",
        "parent": {"slug": "asia", "name": "Asia"},
        "description": "Beijing.",
        "featured": True,
    }
    assert response.json()["data"][0]["parent"] is None


async def test_featured_true_lists_the_policy_topics(client: AsyncClient, session: AsyncSession):
    await make_topic(session, name="China", featured=True)
    await make_topic(session, name="NATO", featured=True)
    await make_topic(session, name="Naval power")

    response = await client.get("/api/v1/topics?featured=true")

    assert slugs(response) == ["china", "nato"]
    assert response.json()["meta"]["total"] == 2


async def test_featured_false_lists_the_rest(client: AsyncClient, session: AsyncSession):
    await make_topic(session, name="China", featured=True)
    await make_topic(session, name="Naval power")

    response = await client.get("/api/v1/topics?featured=false")

    assert slugs(response) == ["naval-power"]


async def test_parent_lists_direct_children_only(client: AsyncClient, session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", parent=asia)
    await make_topic(session, name="Taiwan", parent=asia)
    await make_topic(session, name="Xinjiang", parent=china)
    await make_topic(session, name="NATO")

    response = await client.get("/api/v1/topics?parent=asia")

    assert slugs(response) == ["china", "taiwan"]


async def test_parent_and_featured_together_are_and(client: AsyncClient, session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    await make_topic(session, name="China", parent=asia, featured=True)
    await make_topic(session, name="Taiwan", parent=asia)
    await make_topic(session, name="NATO", featured=True)

    response = await client.get("/api/v1/topics?parent=asia&featured=true")

    assert slugs(response) == ["china"]


async def test_unknown_parent_matches_nothing(client: AsyncClient, session: AsyncSession):
    await make_topic(session, name="China", parent=await make_topic(session, name="Asia"))

    response = await client.get("/api/v1/topics?parent=atlantis")

    assert response.status_code == 200
    assert response.json()["data"] == []


async def test_unparseable_featured_is_a_named_problem(client: AsyncClient):
    response = await client.get("/api/v1/topics?featured=maybe")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "featured"


async def test_detail_carries_parent_and_children_by_name(
    client: AsyncClient, session: AsyncSession
):
    asia = await make_topic(session, name="Asia", description="The Indo-Pacific.")
    await make_topic(session, name="Taiwan", parent=asia)
    await make_topic(session, name="North Korea", parent=asia)
    await make_topic(session, name="China", parent=asia)

    response = await client.get("/api/v1/topics/asia")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "asia",
        "name": "Asia",
        "parent": None,
        "description": "The Indo-Pacific.",
        "featured": False,
        "children": [
            {"slug": "china", "name": "China"},
            {"slug": "north-korea", "name": "North Korea"},
            {"slug": "taiwan", "name": "Taiwan"},
        ],
    }


async def test_detail_of_a_subtopic_names_its_parent(client: AsyncClient, session: AsyncSession):
    await make_topic(session, name="China", parent=await make_topic(session, name="Asia"))

    topic = (await client.get("/api/v1/topics/china")).json()

    assert topic["parent"] == {"slug": "asia", "name": "Asia"}
    assert topic["children"] == []


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/topics/atlantis")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No topic with slug 'atlantis'."


async def test_list_statement_count_is_constant(
    client: AsyncClient, session: AsyncSession, count_statements
):
    parents = [await make_topic(session) for _ in range(3)]
    for n in range(9):
        await make_topic(session, parent=parents[n % 3])

    with count_statements() as small:
        one = await client.get("/api/v1/topics?per_page=1")
    with count_statements() as large:
        hundred = await client.get("/api/v1/topics?per_page=100")

    assert len(one.json()["data"]) == 1
    assert len(hundred.json()["data"]) == 12
    assert len(small) == len(large), (small, large)
