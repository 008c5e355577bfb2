"""GET /api/v1/site: name, menus as ordered trees, newsletter box, labels, settings."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.site.models import Menu, MenuItem
from tests.factories import make_site


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings unlike the defaults, so that the answer must come from them."""
    return Settings(
        database_url=database_url,
        site_name="Configured Institute",
        site_url="https://www.defensepriorities.org",
        site_timezone="Asia/Tokyo",
    )


def labels(items: list[dict]) -> list[str]:
    return [item["label"] for item in items]


async def test_site_row_is_served_with_settings(client: AsyncClient, session: AsyncSession):
    await make_site(
        session,
        name="Defense Priorities",
        tagline="Realism and restraint",
        mission="Our mission is to inform citizens.",
        logo_url="https://cdn.example.org/logo.svg",
        copyright="© 2025 Defense Priorities All Right Reserved",
    )

    response = await client.get("/api/v1/site")

    assert response.status_code == 200
    site = response.json()
    assert site["name"] == "Defense Priorities"
    assert site["tagline"] == "Realism and restraint"
    assert site["mission"] == "Our mission is to inform citizens."
    assert site["logo_url"] == "https://cdn.example.org/logo.svg"
    assert site["copyright"] == "© 2025 Defense Priorities All Right Reserved"
    assert site["url"] == "https://www.defensepriorities.org/"
    assert site["timezone"] == "Asia/Tokyo"
    assert site["newsletter"] is None


async def test_newsletter_box_is_a_typed_object(client: AsyncClient, session: AsyncSession):
    await make_site(
        session,
        newsletter_cta={
            "heading": "Receive expert foreign policy analysis",
            "subheading": "Join the hub of realism and restraint",
            "button_label": "Subscribe",
        },
    )

    newsletter = (await client.get("/api/v1/site")).json()["newsletter"]

    assert newsletter == {
        "heading": "Receive expert foreign policy analysis",
        "subheading": "Join the hub of realism and restraint",
        "body": None,
        "button_label": "Subscribe",
    }


async def test_menus_are_trees_in_position_order(client: AsyncClient, session: AsyncSession):
    await make_site(
        session,
        menus={
            "main": [
                (
                    "Policy Topics",
                    None,
                    [("Ukraine-Russia", "/topics/ukraine-russia"), ("China", "/topics/china")],
                ),
                ("Experts", "/experts", []),
            ],
            "footer": [("About", "/about", []), ("Contact", "/contact", [])],
        },
    )

    menus = (await client.get("/api/v1/site")).json()["menus"]

    assert list(menus) == ["main", "footer"]
    assert menus["main"] == [
        {
            "label": "Policy Topics",
            "url": None,
            "children": [
                {"label": "Ukraine-Russia", "url": "/topics/ukraine-russia", "children": []},
                {"label": "China", "url": "/topics/china", "children": []},
            ],
        },
        {"label": "Experts", "url": "/experts", "children": []},
    ]
    assert labels(menus["footer"]) == ["About", "Contact"]


async def test_position_not_insertion_orders_menus_and_items(
    client: AsyncClient, session: AsyncSession
):
    await make_site(session)
    footer = Menu(slug="footer", name="Footer", position=1)
    main = Menu(slug="main", name="Main", position=0)
    session.add_all([footer, main])
    await session.flush()
    about = MenuItem(menu=main, label="About", url=None, position=2)
    experts = MenuItem(menu=main, label="Experts", url="/experts", position=1)
    topics = MenuItem(menu=main, label="Policy Topics", url=None, position=0)
    session.add_all([about, experts, topics])
    await session.flush()
    session.add_all(
        [
            MenuItem(menu=main, parent_id=about.id, label="Contact", url="/contact", position=3),
            MenuItem(menu=main, parent_id=about.id, label="Jobs", url="/jobs", position=2),
            MenuItem(menu=main, parent_id=about.id, label="Mission", url="/mission", position=0),
        ]
    )
    await session.flush()

    menus = (await client.get("/api/v1/site")).json()["menus"]

    assert list(menus) == ["main", "footer"]
    assert labels(menus["main"]) == ["Policy Topics", "Experts", "About"]
    assert labels(menus["main"][2]["children"]) == ["Mission", "Jobs", "Contact"]
    assert menus["footer"] == []


async def test_labels_of_every_article_kind_and_event_format(client: AsyncClient):
    site = (await client.get("/api/v1/site")).json()

    assert site["article_kinds"] == [
        {"value": "op-ed", "label": "Op-ed"},
        {"value": "in-the-media", "label": "In the media"},
        {"value": "press-release", "label": "Press release"},
        {"value": "brief", "label": "Brief"},
        {"value": "explainer", "label": "Explainer"},
        {"value": "report", "label": "Report"},
    ]
    assert site["event_formats"] == [
        {"value": "virtual", "label": "Virtual"},
        {"value": "in-person", "label": "In person"},
        {"value": "hybrid", "label": "Hybrid"},
    ]


async def test_without_a_site_row_the_configured_name_is_served(client: AsyncClient):
    response = await client.get("/api/v1/site")

    assert response.status_code == 200
    site = response.json()
    assert site["name"] == "Configured Institute"
    assert site["menus"] == {}
    assert site["mission"] is None
    assert site["newsletter"] is None
    assert site["url"] == "https://www.defensepriorities.org/"
    assert site["timezone"] == "Asia/Tokyo"


async def test_statement_count_does_not_grow_with_menus(
    client: AsyncClient, session: AsyncSession, count_statements
):
    await make_site(session, menus={"main": [("Experts", "/experts", [])]})
    with count_statements() as small:
        await client.get("/api/v1/site")
    children = [(f"Child {n}", f"/c/{n}") for n in range(8)]
    await make_site(
        session,
        menus={
            "top": [(f"Item {n}", None, children) for n in range(6)],
            "footer": [(f"Link {n}", f"/l/{n}", []) for n in range(6)],
        },
    )

    with count_statements() as large:
        response = await client.get("/api/v1/site")

    assert len(response.json()["menus"]["top"][5]["children"]) == 8
    assert len(small) == len(large), (small, large)
