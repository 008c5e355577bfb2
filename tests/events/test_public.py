from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import utcnow
from tests.factories import make_event, make_expert, make_program, make_topic

URL = "/api/v1/events"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["slug"] for e in response.json()["data"]]


async def test_upcoming_and_past_split_counts_an_event_in_progress_as_upcoming(
    client: AsyncClient, session: AsyncSession
):
    now = utcnow()
    await make_event(session, title="Next week", starts_at=now + timedelta(days=7))
    await make_event(
        session,
        title="In progress",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    await make_event(
        session,
        title="Last week",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=1),
    )
    await make_event(session, title="Started without end", starts_at=now - timedelta(hours=1))

    upcoming = await client.get(URL, params={"when": "upcoming"})
    past = await client.get(URL, params={"when": "past"})

    assert slugs(upcoming) == ["in-progress", "next-week"]
    assert slugs(past) == ["started-without-end", "last-week"]


async def test_upcoming_lists_soonest_first(client: AsyncClient, session: AsyncSession):
    now = utcnow()
    await make_event(session, title="Later", starts_at=now + timedelta(days=30))
    await make_event(session, title="Sooner", starts_at=now + timedelta(days=2))

    assert slugs(await client.get(URL, params={"when": "upcoming"})) == ["sooner", "later"]


async def test_without_when_lists_newest_first_past_and_future_together(
    client: AsyncClient, session: AsyncSession
):
    now = utcnow()
    await make_event(session, title="Old", starts_at=now - timedelta(days=30))
    await make_event(session, title="Future", starts_at=now + timedelta(days=30))
    await make_event(session, title="Recent", starts_at=now - timedelta(days=2))

    assert slugs(await client.get(URL)) == ["future", "recent", "old"]


async def test_past_lists_newest_first(client: AsyncClient, session: AsyncSession):
    now = utcnow()
    await make_event(session, title="Old", starts_at=now - timedelta(days=30))
    await make_event(session, title="Recent", starts_at=now - timedelta(days=2))

    assert slugs(await client.get(URL, params={"when": "past"})) == ["recent", "old"]


async def test_sort_overrides_the_default_order(client: AsyncClient, session: AsyncSession):
    now = utcnow()
    await make_event(session, title="Later", starts_at=now + timedelta(days=30))
    await make_event(session, title="Sooner", starts_at=now + timedelta(days=2))

    response = await client.get(URL, params={"when": "upcoming", "sort": "-starts_at"})

    assert slugs(response) == ["later", "sooner"]


async def test_events_starting_together_are_ordered_by_id(
    client: AsyncClient, session: AsyncSession
):
    starts = utcnow() + timedelta(days=3)
    first = await make_event(session, title="First", starts_at=starts)
    second = await make_event(session, title="Second", starts_at=starts)
    assert first.id < second.id

    assert slugs(await client.get(URL, params={"sort": "starts_at"})) == ["first", "second"]
    assert slugs(await client.get(URL, params={"sort": "-starts_at"})) == ["second", "first"]


async def test_topic_filter_matches_any_of_several(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    russia = await make_topic(session, name="Russia")
    iran = await make_topic(session, name="Iran")
    await make_event(session, title="On China", topics=[china])
    await make_event(session, title="On Russia", topics=[russia])
    await make_event(session, title="On Iran", topics=[iran])

    response = await client.get(URL, params=[("topic", "china"), ("topic", "russia")])

    assert sorted(slugs(response)) == ["on-china", "on-russia"]


async def test_program_filter_accepts_comma_separated_values(
    client: AsyncClient, session: AsyncSession
):
    asia = await make_program(session, name="Asia Program")
    europe = await make_program(session, name="Europe Program")
    mideast = await make_program(session, name="Middle East Program")
    await make_event(session, title="Asia talk", programs=[asia])
    await make_event(session, title="Europe talk", programs=[europe])
    await make_event(session, title="Mideast talk", programs=[mideast])

    response = await client.get(URL, params={"program": "asia-program,europe-program"})

    assert sorted(slugs(response)) == ["asia-talk", "europe-talk"]


async def test_format_filter(client: AsyncClient, session: AsyncSession):
    await make_event(session, title="Online", format="virtual")
    await make_event(session, title="In the room", format="in-person")
    await make_event(session, title="Both", format="hybrid")

    response = await client.get(URL, params=[("format", "in-person"), ("format", "hybrid")])

    assert sorted(slugs(response)) == ["both", "in-the-room"]


async def test_filters_or_within_a_name_and_across_names(
    client: AsyncClient, session: AsyncSession
):
    china = await make_topic(session, name="China")
    russia = await make_topic(session, name="Russia")
    now = utcnow()
    await make_event(session, title="China online", topics=[china], format="virtual")
    await make_event(session, title="Russia online", topics=[russia], format="virtual")
    await make_event(session, title="China in person", topics=[china], format="in-person")
    await make_event(
        session,
        title="Old China online",
        topics=[china],
        format="virtual",
        starts_at=now - timedelta(days=9),
    )

    response = await client.get(
        URL, params={"topic": "china,russia", "format": "virtual", "when": "upcoming"}
    )

    assert sorted(slugs(response)) == ["china-online", "russia-online"]


async def test_starts_after_and_before_read_naive_dates_in_site_time_zone(
    client: AsyncClient, session: AsyncSession
):
    midnight = datetime(2030, 4, 3, tzinfo=get_settings().tz)
    await make_event(session, title="Eve", starts_at=midnight - timedelta(minutes=30))
    await make_event(session, title="Morning", starts_at=midnight + timedelta(hours=9))
    await make_event(session, title="Next day", starts_at=midnight + timedelta(days=1))

    response = await client.get(
        URL, params={"starts_after": "2030-04-03", "starts_before": "2030-04-04"}
    )

    assert slugs(response) == ["morning"]


async def test_starts_after_with_an_offset_is_taken_as_given(
    client: AsyncClient, session: AsyncSession
):
    await make_event(session, title="Early", starts_at=datetime(2030, 4, 3, 11, tzinfo=UTC))
    await make_event(session, title="Late", starts_at=datetime(2030, 4, 3, 13, tzinfo=UTC))

    response = await client.get(URL, params={"starts_after": "2030-04-03T12:00:00+00:00"})

    assert slugs(response) == ["late"]


async def test_inverted_date_range_is_a_problem_naming_the_field(client: AsyncClient):
    response = await client.get(
        URL, params={"starts_after": "2030-04-04", "starts_before": "2030-04-03"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["starts_before"]


async def test_unparseable_date_is_a_problem_naming_the_field(client: AsyncClient):
    response = await client.get(URL, params={"starts_after": "next tuesday"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_after"


async def test_unknown_format_is_a_problem_naming_format(client: AsyncClient):
    response = await client.get(URL, params={"format": "virtual,webinar"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "format"
    assert problem["detail"].startswith("format: ")


@pytest.mark.parametrize(("name", "value"), [("when", "soon"), ("sort", "title")])
async def test_unknown_when_or_sort_is_a_problem_naming_it(
    client: AsyncClient, name: str, value: str
):
    response = await client.get(URL, params={name: value})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == name


async def test_pagination_meta_and_link_header(client: AsyncClient, session: AsyncSession):
    now = utcnow()
    for day in range(5):
        await make_event(session, title=f"Day {day}", starts_at=now + timedelta(days=day + 1))

    response = await client.get(URL, params={"when": "upcoming", "per_page": 2, "page": 2})

    assert slugs(response) == ["day-2", "day-3"]
    assert response.json()["meta"] == {"total": 5, "page": 2, "per_page": 2, "pages": 3}
    link = response.headers["link"]
    for rel, page in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert f'page={page}>; rel="{rel}"' in link
    assert "when=upcoming" in link


async def test_cancelled_event_is_listed_and_flagged(client: AsyncClient, session: AsyncSession):
    await make_event(session, title="Called off", cancelled=True)
    await make_event(session, title="On", cancelled=False)

    response = await client.get(URL)

    flags = {e["slug"]: e["cancelled"] for e in response.json()["data"]}
    assert flags == {"called-off": True, "on": False}


@pytest.mark.parametrize(
    ("status", "published_in"),
    [("draft", None), ("archived", timedelta(days=-2)), ("scheduled", timedelta(hours=1))],
)
async def test_non_public_event_is_invisible_in_list_and_detail(
    client: AsyncClient, session: AsyncSession, status: str, published_in: timedelta | None
):
    published_at = utcnow() + published_in if published_in is not None else None
    await make_event(session, title="Hidden", status=status, published_at=published_at)

    assert slugs(await client.get(URL)) == []
    assert (await client.get(f"{URL}/hidden")).status_code == 404


async def test_scheduled_event_whose_time_has_passed_is_visible(
    client: AsyncClient, session: AsyncSession
):
    await make_event(
        session, title="Went live", status="scheduled", published_at=utcnow() - timedelta(hours=1)
    )

    assert slugs(await client.get(URL)) == ["went-live"]
    assert (await client.get(f"{URL}/went-live")).status_code == 200


async def test_hidden_expert_speakers_are_dropped_and_guests_stay(
    client: AsyncClient, session: AsyncSession
):
    shown = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    draft = await make_expert(session, given_name="Dee", family_name="Draft", status="draft")
    await make_event(
        session,
        title="Panel",
        speakers=[draft, {"name": "Jane Guest", "organization": "Example University"}, shown],
    )

    listed = (await client.get(URL)).json()["data"][0]["speakers"]
    detail = (await client.get(f"{URL}/panel")).json()["speakers"]

    assert [s["name"] for s in listed] == ["Jane Guest", "Lyle Goldstein"]
    assert detail == listed


async def test_speakers_in_order_experts_linked_guests_not(
    client: AsyncClient, session: AsyncSession
):
    lyle = await make_expert(
        session,
        given_name="Lyle",
        family_name="Goldstein",
        title="Director, Asia Program",
        organization="Defense Priorities",
        photo_url="https://cdn.example.org/lyle.jpg",
    )
    await make_event(
        session,
        title="Panel",
        speakers=[
            {"name": "Jane Guest", "title": "Professor", "role": "Moderator"},
            {"expert": lyle, "title": "Senior Fellow", "role": "Panelist"},
        ],
    )

    speakers = (await client.get(f"{URL}/panel")).json()["speakers"]

    assert speakers == [
        {
            "expert": False,
            "slug": None,
            "name": "Jane Guest",
            "title": "Professor",
            "organization": None,
            "photo_url": None,
            "role": "Moderator",
        },
        {
            "expert": True,
            "slug": "lyle-goldstein",
            "name": "Lyle Goldstein",
            "title": "Senior Fellow",
            "organization": "Defense Priorities",
            "photo_url": "https://cdn.example.org/lyle.jpg",
            "role": "Panelist",
        },
    ]


async def test_detail_carries_body_seo_topics_and_programs(
    client: AsyncClient, session: AsyncSession
):
    china = await make_topic(session, name="China")
    alliances = await make_topic(session, name="Alliances")
    russia = await make_topic(session, name="Russia")
    program = await make_program(session, name="Asia Program")
    event = await make_event(
        session,
        title="China-Russia: Cooperation or a no-limits alliance?",
        starts_at=datetime(2025, 4, 3, 13, tzinfo=UTC),
        topics=[china, alliances, russia],
        programs=[program],
        body="<p>Hello</p>",
        seo_title="China and Russia",
        registration_url="https://example.org/register",
    )
    response = await client.get(f"{URL}/{event.slug}")

    assert response.status_code == 200
    found = response.json()
    assert found["body"] == "<p>Hello</p>"
    assert found["seo_title"] == "China and Russia"
    assert found["starts_at"] == "2025-04-03T13:00:00+00:00"
    assert found["timezone"] == "America/New_York"
    assert found["format"] == "virtual"
    assert found["registration_url"] == "https://example.org/register"
    assert [t["slug"] for t in found["topics"]] == ["china", "alliances", "russia"]
    assert found["programs"] == [{"slug": "asia-program", "name": "Asia Program"}]


async def test_list_items_leave_out_the_body(client: AsyncClient, session: AsyncSession):
    await make_event(session, title="Talk")

    item = (await client.get(URL)).json()["data"][0]

    assert "body" not in item
    assert "seo_title" not in item


async def test_unknown_slug_is_a_problem_document(client: AsyncClient):
    response = await client.get(f"{URL}/nope")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No event with slug 'nope'."


async def test_list_costs_the_same_statements_whatever_the_page_size(
    client: AsyncClient, session: AsyncSession, count_statements
):
    topics = [await make_topic(session) for _ in range(3)]
    programs = [await make_program(session) for _ in range(2)]
    for _ in range(6):
        expert = await make_expert(session)
        await make_event(
            session, topics=topics, programs=programs, speakers=[expert, {"name": "A Guest"}]
        )

    with count_statements() as small_sql:
        small = await client.get(URL, params={"per_page": 1})
    with count_statements() as large_sql:
        large = await client.get(URL, params={"per_page": 100})

    assert len(small.json()["data"]) == 1
    assert len(large.json()["data"]) == 6
    assert len(small_sql) == len(large_sql)
