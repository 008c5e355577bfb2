"""A control character is refused at input (422 naming the field), and one already stored
never makes a feed unreadable."""

import xml.etree.ElementTree as ET

import pytest
from httpx import AsyncClient
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_article, make_event, make_expert, make_topic, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


async def test_a_control_character_in_a_title_is_422_naming_title(client: AsyncClient, editor):
    body = {"kind": "op-ed", "title": "Bad\x0btitle", "body": "<p>Fine.</p>"}

    response = await client.post("/api/v1/admin/articles", json=body, headers=editor)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "title"
    assert "U+000B" in error["message"]


async def test_a_line_break_is_422_in_a_name_but_fine_in_a_description(client: AsyncClient, editor):
    url = "/api/v1/admin/topics"

    broken = await client.post(url, json={"name": "Two\nlines"}, headers=editor)
    described = await client.post(
        url, json={"name": "Asia", "description": "Line one.\r\n\tLine two."}, headers=editor
    )

    assert broken.status_code == 422
    assert [e["field"] for e in broken.json()["errors"]] == ["name"]
    assert described.status_code == 201
    assert described.json()["description"] == "Line one.\r\n\tLine two."


async def test_control_characters_in_nested_fields_are_422_naming_them(client: AsyncClient, editor):
    body = {
        "given_name": "Ada",
        "family_name": "L",
        "links": [{"label": "x\x07", "url": "https://a.org"}],
    }

    response = await client.post("/api/v1/admin/experts", json=body, headers=editor)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["links.0.label"]


async def _stored_with_control_characters(session: AsyncSession) -> None:
    topic = await make_topic(session, name="Asia\x01", slug="asia")
    author = await make_expert(session, given_name="Ada\x02")
    await make_article(
        session,
        title="Bell\x07 and tab\x0b",
        summary="Form\x0cfeed",
        body="<p>Escape\x1b[0m</p>",
        topics=[topic],
        authors=[author],
    )


@pytest.mark.parametrize("ext", ["rss", "atom"])
async def test_a_stored_control_character_leaves_the_feed_well_formed(
    client: AsyncClient, session: AsyncSession, ext: str
):
    await _stored_with_control_characters(session)

    response = await client.get(f"/feeds/articles.{ext}")

    assert response.status_code == 200
    root = ET.fromstring(response.content)  # raises on a character XML cannot carry
    title = root.find("channel/item/title" if ext == "rss" else f"{ATOM}entry/{ATOM}title")
    assert title is not None
    assert title.text == "Bell and tab"


async def test_a_stored_control_character_leaves_the_calendar_readable(
    client: AsyncClient, session: AsyncSession
):
    topic = await make_topic(session, name="Asia\x01", slug="asia")
    await make_event(session, title="Talk\x0b", summary="About\x1f it", topics=[topic])

    response = await client.get("/feeds/events.ics")

    assert response.status_code == 200
    assert not any(byte < 0x20 and byte not in b"\t\r\n" for byte in response.content)
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Talk"
