"""The demo site: loaded once as on the two seed pages, and a second load changes nothing."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

import app.models
from app.demo.loader import load_demo
from app.events.models import Event, EventTopic
from app.experts.models import Expert
from app.pages.models import Page
from app.programs.models import Program
from app.site.models import Menu, MenuItem, Site
from app.topics.models import Topic
from tests.factories import make_program, make_topic

TZ = ZoneInfo("America/New_York")
EXPECTED = {
    "topics": 24,
    "programs": 4,
    "experts": 6,
    "articles": 14,
    "events": 3,
    "pages": 6,
    "menus": 2,
    "site": 1,
}
PRESS_RELEASE = "china-russia-partnership-significant-but-limited"
IN_THE_MEDIA = "chinas-close-ties-with-russia-are-all-about-china"
MISSION = (
    "Our mission is to inform citizens, thought leaders, and policymakers of the importance "
    "of a strong, dynamic military—used more judiciously to protect America’s narrowly "
    "defined national interests—and promote a realistic grand strategy prioritizing "
    "restraint, diplomacy, and free trade to ensure U.S. security."
)
# Both "More on Asia" rails as shown: the in-the-media page's, then the press release's.
RAIL = [
    "u-s-china-rivalry-sparks-a-submarine-arms-race",
    "as-south-koreas-leader-meets-with-trump-china-looms-large",
    "is-an-amphibious-invasion-of-taiwan-really-imminent",
    "trump-shock-spurs-japan-to-think-about-the-unthinkable-nuclear-arms",
    "how-trumps-tariffs-on-india-and-brazil-could-strengthen-brics",
    "chinas-catastrophic-south-china-sea-crash-shows-how-dangerous-high-risk-moves-at-sea-can-be",
    "what-does-chinas-military-gain-from-operating-2-aircraft-carriers-in-second-island-chain",
    "trumps-north-korea-conundrum",
    "jennifer-kavanagh-on-bbc-news-review-of-aukus-pact-is-warranted",
    "us-korea-alliance-to-change-under-lee-jae-myung",
    "the-us-rok-alliance-will-change-under-lee-jae-myung",
    "how-big-of-a-threat-is-china-really",
]


@pytest.fixture
async def demo(session: AsyncSession) -> dict[str, int]:
    return await load_demo(session, tz=TZ)


async def _snapshot(session: AsyncSession) -> dict[str, list[Any]]:
    """Every row of every table, in primary-key order."""
    snapshot = {}
    for table in app.models.Base.metadata.sorted_tables:
        rows = await session.execute(select(table).order_by(*table.primary_key.columns))
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


async def test_first_load_creates_the_demo_site(demo: dict[str, int]):
    assert demo == EXPECTED


async def test_second_load_creates_and_changes_nothing(session: AsyncSession, demo: dict[str, int]):
    before = await _snapshot(session)

    again = await load_demo(session, tz=TZ)

    assert again == dict.fromkeys(EXPECTED, 0)
    assert await _snapshot(session) == before
    assert len(before["article"]) == 14
    assert len(before["menu_item"]) == 31


async def test_missing_rows_are_added_and_existing_ones_left_alone(session: AsyncSession):
    asia = await make_topic(session, name="Asia")
    china = await make_topic(session, name="China", description="Edited by hand.")
    program = await make_program(session, name="Asia Program", description="Edited by hand.")

    created = await load_demo(session, tz=TZ)

    assert created == {**EXPECTED, "topics": 22, "programs": 3}
    await session.refresh(china)
    assert (china.description, china.parent_id, china.featured) == ("Edited by hand.", None, False)
    taiwan = (await session.scalars(select(Topic).where(Topic.slug == "taiwan"))).one()
    assert taiwan.parent_id == asia.id
    await session.refresh(program)
    assert (program.description, program.director_id) == ("Edited by hand.", None)
    lyle = await session.scalar(
        select(Expert).where(Expert.slug == "lyle-goldstein").options(selectinload(Expert.programs))
    )
    assert lyle is not None
    assert lyle.programs == [program]
    assert set((await load_demo(session, tz=TZ)).values()) == {0}


async def test_press_release_reads_as_on_the_page(client: AsyncClient, demo: dict[str, int]):
    response = await client.get(f"/api/v1/articles/{PRESS_RELEASE}")

    assert response.status_code == 200
    article = response.json()
    assert article["kind"] == "press-release"
    assert article["title"] == "China-Russia partnership: Significant but limited"
    assert article["published_at"] == "2023-03-20T13:00:00+00:00"
    assert article["updated_at"] == "2023-03-20T13:00:00+00:00"
    assert article["primary_topic"] == {
        "slug": "china",
        "name": "China",
        "parent": {"slug": "asia", "name": "Asia"},
    }
    assert [t["name"] for t in article["topics"]] == ["China", "Alliances", "Russia"]
    assert [(a["name"], a["title"]) for a in article["authors"]] == [
        ("Lyle Goldstein", "Director, Asia Program")
    ]
    assert article["featured_experts"] == []
    assert article["press_contact"] == {
        "name": None,
        "email": "press@defensepriorities.org",
        "phone": None,
    }
    first, *rest = article["body"].split("\n")
    assert first == (
        "<p>WASHINGTON, DC—Today, Chinese President Xi Jinping arrived in Moscow for a "
        "three-day visit where he is meeting with Russian President Vladimir Putin. It is the "
        "first such visit since Russia invaded Ukraine last year.\u00a0Defense Priorities "
        "Director of Asia Engagement Lyle Goldstein\u00a0issued the following statement in "
        "response:</p>"
    )
    assert len(rest) == 3
    assert rest[-1].endswith("hardly corresponds to U.S. national interests.”</p>")
    assert "FOR IMMEDIATE RELEASE" not in article["body"]


async def test_in_the_media_piece_points_at_the_outlet(client: AsyncClient, demo: dict[str, int]):
    article = (await client.get(f"/api/v1/articles/{IN_THE_MEDIA}")).json()

    assert article["kind"] == "in-the-media"
    assert article["title"] == "China’s close ties with Russia are all about China"
    assert article["published_at"] == "2023-04-20T13:00:00+00:00"
    assert article["outlet"] == "The China Project"
    assert article["external_url"] == "https://thechinaproject.com/"
    assert article["press_contact"] is None
    assert article["authors"] == []
    assert [e["slug"] for e in article["featured_experts"]] == ["lyle-goldstein"]
    assert article["featured_experts"][0]["title"] == "Director, Asia Program"
    assert [t["slug"] for t in article["topics"]] == ["china", "asia", "russia"]
    assert article["body"].count("<p>") == 6
    assert (
        "“Unquestionably, China is in the driver’s seat of this relationship — much"
        in (article["body"])
    )


async def test_more_on_asia_lists_both_rails_in_order(client: AsyncClient, demo: dict[str, int]):
    response = await client.get("/api/v1/articles", params={"topic": "asia", "per_page": 100})

    slugs = [a["slug"] for a in response.json()["data"]]
    assert slugs == [*RAIL, IN_THE_MEDIA]


async def test_rail_articles_carry_only_what_the_seeds_show(
    client: AsyncClient, demo: dict[str, int]
):
    articles = {
        a["slug"]: a for a in (await client.get("/api/v1/articles?per_page=100")).json()["data"]
    }
    details = [(await client.get(f"/api/v1/articles/{slug}")).json() for slug in RAIL]

    assert all(d["body"] == "" and d["summary"] is None for d in details)
    assert all(d["external_url"] is None and d["outlet"] is None for d in details)
    rivalry = articles[RAIL[0]]
    assert rivalry["kind"] == "in-the-media"
    assert rivalry["published_at"] == "2025-09-08T13:00:00+00:00"
    assert [t["name"] for t in rivalry["topics"]] == [
        "China",
        "Asia",
        "Military analysis",
        "Naval power",
    ]
    korea = articles[RAIL[1]]
    assert [e["name"] for e in korea["featured_experts"]] == ["Jennifer Kavanagh", "Dan Caldwell"]
    assert korea["primary_topic"]["slug"] == "asia"
    conundrum = articles["trumps-north-korea-conundrum"]
    assert conundrum["kind"] == "op-ed"
    assert [a["name"] for a in conundrum["authors"]] == ["Daniel DePetris"]
    assert conundrum["primary_topic"] == {
        "slug": "north-korea",
        "name": "North Korea",
        "parent": {"slug": "asia", "name": "Asia"},
    }


async def test_experts_have_no_invented_words(session: AsyncSession, demo: dict[str, int]):
    experts = (
        await session.scalars(
            select(Expert).options(selectinload(Expert.programs)).order_by(Expert.family_name)
        )
    ).all()

    assert [e.slug for e in experts] == [
        "gil-barndollar",
        "dan-caldwell",
        "daniel-depetris",
        "adam-gallagher",
        "lyle-goldstein",
        "jennifer-kavanagh",
    ]
    lyle = experts[4]
    assert (lyle.given_name, lyle.family_name) == ("Lyle", "Goldstein")
    assert (lyle.title, lyle.organization) == ("Director, Asia Program", "Defense Priorities")
    assert [p.slug for p in lyle.programs] == ["asia-program"]
    others = [e for e in experts if e is not lyle]
    assert {(e.title, e.bio, e.short_bio, e.photo_url) for e in others} == {(None,) * 4}
    assert all(e.status == "published" for e in experts)
    assert {e.published_at for e in experts} == {datetime(2023, 1, 1, 14, tzinfo=UTC)}


async def test_programs_in_nav_order_and_lyle_directs_asia(
    session: AsyncSession, demo: dict[str, int]
):
    programs = (
        await session.scalars(
            select(Program).options(selectinload(Program.director)).order_by(Program.position)
        )
    ).all()

    assert [p.slug for p in programs] == [
        "grand-strategy-program",
        "military-analysis-program",
        "asia-program",
        "middle-east-program",
    ]
    assert {p.slug: p.director and p.director.slug for p in programs} == {
        "grand-strategy-program": None,
        "military-analysis-program": None,
        "asia-program": "lyle-goldstein",
        "middle-east-program": None,
    }


async def test_topics_feature_the_nav_and_hang_under_asia(
    session: AsyncSession, demo: dict[str, int]
):
    topics = (await session.scalars(select(Topic).options(selectinload(Topic.parent)))).all()

    featured = sorted((t for t in topics if t.featured), key=lambda t: t.position)
    assert [t.slug for t in featured] == ["israel-iran", "ukraine-russia", "nato", "china", "syria"]
    parents = {t.slug: t.parent.slug for t in topics if t.parent}
    assert parents == {"china": "asia", "taiwan": "asia", "north-korea": "asia"}
    assert {"military-analysis", "basing-and-force-posture", "burden-sharing"} <= {
        t.slug for t in topics
    }


async def test_events_on_china_are_past_virtual_with_topics_in_order(
    session: AsyncSession, demo: dict[str, int]
):
    events = (await session.scalars(select(Event).order_by(Event.starts_at.desc()))).all()
    links = await session.execute(
        select(EventTopic.event_id, Topic.name)
        .join(Topic, Topic.id == EventTopic.topic_id)
        .order_by(EventTopic.event_id, EventTopic.position)
    )
    topics: dict[int, list[str]] = {}
    for event_id, name in links:
        topics.setdefault(event_id, []).append(name)

    assert [e.title for e in events] == [
        "U.S.-China competition and the value of Middle East influence",
        "China-Russia: Cooperation or a no-limits alliance?",
        "Rethinking U.S. strategy in East Asia: do more bases mean more deterrence?",
    ]
    rethinking = events[2]
    assert (
        rethinking.slug == "rethinking-u-s-strategy-in-east-asia-do-more-bases-mean-more-deterrence"
    )
    assert rethinking.starts_at == datetime(2024, 1, 24, 14, tzinfo=UTC)
    assert (rethinking.ends_at, rethinking.timezone) == (None, "America/New_York")
    assert topics[events[1].id] == [
        "China",
        "Alliances",
        "Balance of power",
        "Diplomacy",
        "Grand strategy",
        "Russia",
    ]
    assert topics[rethinking.id][:3] == ["Asia", "Basing and force posture", "Burden sharing"]
    assert {(e.format, e.status, e.cancelled) for e in events} == {("virtual", "published", False)}
    assert all(e.published_at == e.starts_at == e.updated_at for e in events)
    speakers = await session.scalars(select(Event).options(selectinload(Event.speakers)))
    assert all(e.speakers == [] for e in speakers)


async def test_menus_follow_the_press_release_page(session: AsyncSession, demo: dict[str, int]):
    menus = {m.slug: m for m in await session.scalars(select(Menu))}
    items = (await session.scalars(select(MenuItem).order_by(MenuItem.position))).all()

    def labels(menu: str, parent: MenuItem | None = None) -> list[str]:
        parent_id = parent.id if parent else None
        return [i.label for i in items if i.menu_id == menus[menu].id and i.parent_id == parent_id]

    def child(label: str) -> MenuItem:
        return next(i for i in items if i.label == label and i.parent_id is None)

    assert labels("main") == [
        "Policy Topics",
        "Research",
        "Programs",
        "Experts",
        "Events",
        "Media",
        "About",
        "Donate",
    ]
    assert labels("main", child("Policy Topics")) == [
        "Israel-Iran",
        "Ukraine-Russia",
        "NATO",
        "China",
        "Syria",
    ]
    assert labels("main", child("Research")) == ["Briefs", "Explainers", "Reports"]
    assert labels("main", child("Programs"))[2] == "Asia Program"
    assert labels("main", child("Donate")) == []
    assert labels("footer") == [
        "About",
        "For Media",
        "Jobs",
        "Donate",
        "Privacy Policy",
        "Terms and Conditions",
        "Contact",
    ]
    china = next(i for i in items if i.label == "China")
    assert china.url == "/topics/china/"


async def test_site_and_pages_carry_the_footer(session: AsyncSession, demo: dict[str, int]):
    site = (await session.scalars(select(Site))).one()
    pages = {p.slug: p for p in await session.scalars(select(Page))}

    assert site.name == "Defense Priorities"
    assert site.mission == MISSION
    assert site.copyright == "© 2025 Defense Priorities All Right Reserved"
    assert site.newsletter_cta == {
        "heading": "Receive expert foreign policy analysis",
        "subheading": "Join the hub of realism and restraint",
        "body": "Expert updates and analysis to enhance your understanding of vital U.S. "
        "national security issues",
        "button_label": None,
    }
    assert {slug: p.title for slug, p in pages.items()} == {
        "about": "About",
        "mission": "Mission & Vision",
        "jobs": "Jobs",
        "contact": "Contact",
        "privacy": "Privacy Policy",
        "terms": "Terms and Conditions",
    }
    assert pages["mission"].body == f"<p>{MISSION}</p>"
    assert {p.body for slug, p in pages.items() if slug != "mission"} == {""}
    assert {(p.status, p.published_at) for p in pages.values()} == {
        ("published", datetime(2023, 1, 1, 14, tzinfo=UTC))
    }
