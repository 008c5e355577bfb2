"""The public list's items are built from rows, not ORM objects: they must show exactly
what the detail (built from ORM objects) shows of the same article."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.schemas import ArticleSummary
from app.db import utcnow
from tests.changes.helpers import key_headers
from tests.factories import make_article, make_expert, make_program, make_topic

SUMMARY_FIELDS = set(ArticleSummary.model_fields)


async def _world(session: AsyncSession) -> None:
    asia = await make_topic(session, name="Asia")
    china, russia = (
        await make_topic(session, name="China", parent=asia),
        await make_topic(session, name="Russia"),
    )
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein", title="Director")
    hidden = await make_expert(session, given_name="Not", family_name="Yet", status="draft")
    solo = await make_expert(
        session, given_name="Cher", family_name="Sarkisian", photo_url="https://x/c.jpg"
    )
    asia_program, zeta = (
        await make_program(session, name="Zeta"),
        await make_program(session, name="Asia Program"),
    )
    await make_article(
        session,
        title="Rich",
        kind="press-release",
        published_at=utcnow() - timedelta(hours=1),
        topics=[russia, china],
        primary_topic=china,
        authors=[hidden, lyle, solo],
        featured_experts=[solo, lyle],
        programs=[asia_program, zeta],
        press_contact={"name": None, "email": "press@example.org", "phone": None},
        summary="Short.",
        image_url="https://cdn.example.org/lead.jpg",
        image_alt="A harbour",
    )
    await make_article(
        session,
        title="Outside",
        kind="in-the-media",
        external_url="https://news.example.com/piece",
        outlet="The Outlet",
        published_at=utcnow() - timedelta(days=1),
    )
    await make_article(
        session, title="Bare", topics=[asia], published_at=utcnow() - timedelta(days=2)
    )
    await make_article(
        session,
        slug="embargoed",
        status="scheduled",
        published_at=utcnow() + timedelta(hours=1),
        embargoed=True,
        topics=[china],
        authors=[lyle],
    )


async def _same_as_details(client: AsyncClient, headers: dict[str, str]) -> list[str]:
    listing = (await client.get("/api/v1/articles", headers=headers)).json()["data"]
    for item in listing:
        detail = (await client.get(f"/api/v1/articles/{item['slug']}", headers=headers)).json()
        assert item == {k: v for k, v in detail.items() if k in SUMMARY_FIELDS}, item["slug"]
    return [item["slug"] for item in listing]


async def test_list_items_equal_the_details_they_summarise(
    client: AsyncClient, session: AsyncSession
):
    await _world(session)

    slugs = await _same_as_details(client, {})

    assert slugs == ["rich", "outside", "bare"]
    rich = (await client.get("/api/v1/articles")).json()["data"][0]
    assert [a["name"] for a in rich["authors"]] == [
        "Lyle Goldstein",
        "Cher Sarkisian",
    ]  # not the draft
    assert [p["name"] for p in rich["programs"]] == ["Asia Program", "Zeta"]
    assert rich["primary_topic"] == {
        "slug": "china",
        "name": "China",
        "parent": {"slug": "asia", "name": "Asia"},
    }


async def test_an_embargo_key_sees_the_same_shape_with_embargoed_until(
    client: AsyncClient, session: AsyncSession
):
    await _world(session)
    headers = await key_headers(session, "content:read", "embargo:read")

    slugs = await _same_as_details(client, headers)

    assert slugs[0] == "embargoed"
    listing = (await client.get("/api/v1/articles", headers=headers)).json()["data"]
    assert listing[0]["embargoed_until"] is not None
    assert all(item["embargoed_until"] is None for item in listing[1:])
