"""A frontend draws both seed pages (../shared/seeds/) from the API alone, after the demo load."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.loader import load_demo

NEW_YORK = ZoneInfo("America/New_York")
MISSION = (
    "Our mission is to inform citizens, thought leaders, and policymakers of the importance of "
    "a strong, dynamic military—used more judiciously to protect America’s narrowly defined "
    "national interests—and promote a realistic grand strategy prioritizing restraint, "
    "diplomacy, and free trade to ensure U.S. security."
)


@pytest.fixture
async def demo(session: AsyncSession) -> None:
    await load_demo(session, tz=NEW_YORK)
    await session.flush()


def local_date(timestamp: str) -> str:
    """The date as the page prints it: "March 20, 2023"."""
    moment = datetime.fromisoformat(timestamp).astimezone(NEW_YORK)
    return f"{moment:%B} {moment.day}, {moment.year}"


def labels(items: list[dict]) -> list[str]:
    return [item["label"] for item in items]


async def _get(client: AsyncClient, url: str) -> dict:
    response = await client.get(url)
    assert response.status_code == 200, (url, response.text)
    return response.json()


async def test_header_navigation_and_footer(client: AsyncClient, demo):
    site = await _get(client, "/api/v1/site")

    assert site["name"] == "Defense Priorities"
    main = site["menus"]["main"]
    assert labels(main) == [
        "Policy Topics", "Research", "Programs", "Experts", "Events", "Media", "About", "Donate",
    ]  # fmt: skip
    assert labels(main[0]["children"]) == [
        "Israel-Iran",
        "Ukraine-Russia",
        "NATO",
        "China",
        "Syria",
    ]
    assert labels(main[1]["children"]) == ["Briefs", "Explainers", "Reports"]
    assert labels(main[2]["children"]) == [
        "Grand Strategy Program", "Military Analysis Program", "Asia Program", "Middle East Program",
    ]  # fmt: skip
    assert labels(main[6]["children"]) == ["Mission & Vision", "People", "Jobs", "Contact"]
    assert labels(site["menus"]["footer"]) == [
        "About", "For Media", "Jobs", "Donate", "Privacy Policy", "Terms and Conditions", "Contact",
    ]  # fmt: skip
    assert site["mission"] == MISSION
    assert site["newsletter"]["heading"] == "Receive expert foreign policy analysis"
    assert site["newsletter"]["subheading"] == "Join the hub of realism and restraint"
    assert site["newsletter"]["body"] == (
        "Expert updates and analysis to enhance your understanding of vital U.S. national "
        "security issues"
    )
    featured = await _get(client, "/api/v1/topics?featured=true")
    assert {t["slug"] for t in featured["data"]} == {
        "israel-iran", "ukraine-russia", "nato", "china", "syria",
    }  # fmt: skip


async def test_press_release_page(client: AsyncClient, demo):
    site = await _get(client, "/api/v1/site")
    kinds = {k["value"]: k["label"] for k in site["article_kinds"]}
    article = await _get(
        client, "/api/v1/articles/china-russia-partnership-significant-but-limited"
    )

    # Home / China / China-Russia partnership: Significant but limited
    assert article["primary_topic"]["name"] == "China"
    assert article["title"] == "China-Russia partnership: Significant but limited"
    assert [t["name"] for t in article["topics"]] == ["China", "Alliances", "Russia"]
    assert local_date(article["published_at"]) == "March 20, 2023"
    assert kinds[article["kind"]] == "Press release"
    # By Lyle Goldstein; the Author box with his title
    [author] = article["authors"]
    assert author["name"] == "Lyle Goldstein"
    assert author["title"] == "Director, Asia Program"
    assert "photo_url" in author
    assert article["press_contact"]["email"] == "press@defensepriorities.org"
    assert article["body"].startswith("<p>WASHINGTON, DC—Today, Chinese President Xi Jinping")
    assert "not a full alliance." in article["body"]

    # More on Asia: the parent of the primary topic, as the page showed it in June 2025
    parent = article["primary_topic"]["parent"]["slug"]
    rail = await _get(
        client, f"/api/v1/articles?topic={parent}&per_page=6&published_before=2025-06-14"
    )
    assert [a["title"] for a in rail["data"]] == [
        "What does China’s military gain from operating 2 aircraft carriers in second island chain?",
        "Trump’s North Korea Conundrum",
        "Jennifer Kavanagh on BBC News: Review of AUKUS pact is warranted",
        "US-Korea alliance to change under Lee Jae-myung",
        "The US-ROK alliance will change under Lee Jae-myung",
        "How big of a threat is China really?",
    ]
    first = rail["data"][0]
    assert first["kind"] == "in-the-media"
    assert [t["name"] for t in first["topics"]] == [
        "China", "Air power", "Asia", "Balance of power", "Global posture", "Land power",
        "Naval power",
    ]  # fmt: skip
    assert [e["name"] for e in first["featured_experts"]] == ["Lyle Goldstein"]
    assert local_date(first["published_at"]) == "June 13, 2025"
    assert [e["name"] for e in rail["data"][1]["authors"]] == ["Daniel DePetris"]


async def test_in_the_media_page(client: AsyncClient, demo):
    article = await _get(
        client, "/api/v1/articles/chinas-close-ties-with-russia-are-all-about-china"
    )

    assert article["kind"] == "in-the-media"
    assert article["primary_topic"]["name"] == "China"
    assert [t["name"] for t in article["topics"]] == ["China", "Asia", "Russia"]
    assert local_date(article["published_at"]) == "April 20, 2023"
    assert article["outlet"] == "The China Project"  # "Read at The China Project"
    assert article["external_url"].startswith("https://")
    [featured] = article["featured_experts"]
    assert (featured["name"], featured["title"]) == ("Lyle Goldstein", "Director, Asia Program")
    assert (
        "China will not help Russia win, but it also must prevent it from losing"
        in (article["body"])
    )

    rail = await _get(client, "/api/v1/articles?topic=asia&per_page=6")
    assert [(a["kind"], a["title"], local_date(a["published_at"])) for a in rail["data"]] == [
        ("in-the-media", "U.S.-China rivalry sparks a submarine arms race", "September 8, 2025"),
        ("in-the-media", "As South Korea’s leader meets with Trump, China looms large",
         "August 24, 2025"),
        ("op-ed", "Is an amphibious invasion of Taiwan really imminent?", "August 20, 2025"),
        ("in-the-media", "Trump shock spurs Japan to think about the unthinkable: nuclear arms",
         "August 20, 2025"),
        ("op-ed", "How Trump’s tariffs on India and Brazil could strengthen BRICS",
         "August 19, 2025"),
        ("in-the-media", "China’s catastrophic South China Sea crash shows how dangerous "
         "high-risk moves at sea can be", "August 16, 2025"),
    ]  # fmt: skip
    assert [e["name"] for e in rail["data"][1]["featured_experts"]] == [
        "Jennifer Kavanagh", "Dan Caldwell",
    ]  # fmt: skip


async def test_events_on_china(client: AsyncClient, demo):
    site = await _get(client, "/api/v1/site")
    formats = {f["value"]: f["label"] for f in site["event_formats"]}
    events = await _get(client, "/api/v1/events?topic=china&per_page=3")

    assert [(e["title"], local_date(e["starts_at"])) for e in events["data"]] == [
        ("U.S.-China competition and the value of Middle East influence", "June 10, 2025"),
        ("China-Russia: Cooperation or a no-limits alliance?", "April 3, 2025"),
        ("Rethinking U.S. strategy in East Asia: do more bases mean more deterrence?",
         "January 24, 2024"),
    ]  # fmt: skip
    assert {formats[e["format"]] for e in events["data"]} == {"Virtual"}
    assert [t["name"] for t in events["data"][1]["topics"]] == [
        "China", "Alliances", "Balance of power", "Diplomacy", "Grand strategy", "Russia",
    ]  # fmt: skip
    past = await _get(client, "/api/v1/events?topic=china&when=past")
    assert past["meta"]["total"] == 3


async def test_expert_page_behind_the_by_line(client: AsyncClient, demo):
    expert = await _get(client, "/api/v1/experts/lyle-goldstein")

    assert (expert["given_name"], expert["family_name"]) == ("Lyle", "Goldstein")
    assert expert["title"] == "Director, Asia Program"
    assert expert["organization"] == "Defense Priorities"
    assert [p["slug"] for p in expert["programs"]] == ["asia-program"]
    program = await _get(client, "/api/v1/programs/asia-program")
    assert program["director"]["slug"] == "lyle-goldstein"
    by_him = await _get(client, "/api/v1/articles?expert=lyle-goldstein&per_page=100")
    assert {
        "china-russia-partnership-significant-but-limited",
        "chinas-close-ties-with-russia-are-all-about-china",
    } <= {a["slug"] for a in by_him["data"]}
