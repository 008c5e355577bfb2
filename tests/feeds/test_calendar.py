"""The events calendar: what a calendar application reads back."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_event, make_program, make_topic
from tests.helpers import HIDDEN


async def _calendar(client: AsyncClient, url: str) -> Calendar:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(cal: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


async def test_past_and_upcoming_events_with_uids_zones_and_links(
    client: AsyncClient, session: AsyncSession
):
    past = await make_event(
        session,
        title="Past",
        starts_at=datetime(2024, 3, 1, 15, tzinfo=UTC),
        ends_at=datetime(2024, 3, 1, 16, tzinfo=UTC),
        timezone="Europe/Berlin",
        recording_url="https://video.example.org/past",
    )
    soon = await make_event(
        session,
        title="Soon",
        starts_at=utcnow() + timedelta(days=3),
        registration_url="https://tickets.example.org/soon",
        location="Washington, DC",
    )

    cal = await _calendar(client, "/feeds/events.ics")

    events = _events(cal)
    assert set(events) == {"Past", "Soon"}
    assert str(events["Past"]["uid"]) == f"event-{past.id}@www.example.org"
    assert str(events["Soon"]["uid"]) == f"event-{soon.id}@www.example.org"
    start = events["Past"].decoded("dtstart")
    assert start == datetime(2024, 3, 1, 15, tzinfo=UTC)
    assert str(start.tzinfo) == "Europe/Berlin"
    assert start.hour == 16
    assert events["Past"]["dtstart"].params["TZID"] == "Europe/Berlin"
    assert events["Past"].decoded("dtend") == datetime(2024, 3, 1, 16, tzinfo=UTC)
    assert events["Soon"]["dtstart"].params["TZID"] == "America/New_York"
    assert {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")} == {
        "Europe/Berlin",
        "America/New_York",
    }
    assert str(events["Past"]["url"]) == "https://video.example.org/past"
    assert str(events["Soon"]["url"]) == "https://tickets.example.org/soon"
    assert str(events["Soon"]["location"]) == "Washington, DC"
    assert str(events["Soon"]["status"]) == "CONFIRMED"


async def test_sequence_follows_edits_and_cancelled_events_say_so(
    client: AsyncClient, session: AsyncSession
):
    event = await make_event(session, title="Panel")
    first = _events(await _calendar(client, "/feeds/events.ics"))["Panel"]
    event.cancelled = True
    await session.flush()

    second = _events(await _calendar(client, "/feeds/events.ics"))["Panel"]

    assert int(first["sequence"]) == 1
    assert int(second["sequence"]) == event.version == 2
    assert str(second["status"]) == "CANCELLED"
    assert str(second["uid"]) == str(first["uid"])


async def test_topic_and_program_calendars(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    asia = await make_program(session, name="Asia Program")
    await make_event(session, title="On China", topics=[china])
    await make_event(session, title="Asia talk", programs=[asia])
    await make_event(session, title="Elsewhere")

    on_topic = _events(await _calendar(client, f"/feeds/topics/{china.slug}.ics"))
    in_program = _events(await _calendar(client, f"/feeds/programs/{asia.slug}.ics"))

    assert set(on_topic) == {"On China"}
    assert set(in_program) == {"Asia talk"}
    assert (await client.get("/feeds/programs/nope.ics")).status_code == 404


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_events_are_in_no_calendar(
    client: AsyncClient, session: AsyncSession, status, offset
):
    published_at = utcnow() + offset if offset is not None else None
    await make_event(session, title="Hidden", status=status, published_at=published_at)
    await make_event(session, title="Visible")

    assert set(_events(await _calendar(client, "/feeds/events.ics"))) == {"Visible"}


async def test_calendar_answers_304(client: AsyncClient, session: AsyncSession):
    await make_event(session, title="Cached")
    first = await client.get("/feeds/events.ics")

    again = await client.get("/feeds/events.ics", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
