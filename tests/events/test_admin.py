"""The admin events API: an editor's work on events, its validation and its safety nets."""

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.editorial.models import AuditEntry
from app.events.models import Event
from tests.factories import make_event, make_expert, make_program, make_topic, make_user

ADMIN = "/api/v1/admin/events"
PUBLIC = "/api/v1/events"
STARTS = "2031-05-06T14:00:00+00:00"


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


@pytest.fixture
async def world(session: AsyncSession) -> None:
    await make_topic(session, name="China")
    await make_topic(session, name="Russia")
    await make_program(session, name="Asia Program")
    await make_expert(session, given_name="Lyle", family_name="Goldstein")


def _body(**fields) -> dict:
    return {
        "title": "Draft event",
        "starts_at": STARTS,
        "timezone": "America/New_York",
        "format": "virtual",
        **fields,
    }


async def _create(client: AsyncClient, headers: dict, **fields) -> tuple[dict, str]:
    response = await client.post(ADMIN, json=_body(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json(), response.headers["etag"]


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Event)) or 0


async def test_create_answers_201_with_location_and_etag(client: AsyncClient, editor, world):
    response = await client.post(
        ADMIN,
        json=_body(
            title="China and Russia: a no-limits alliance?",
            ends_at="2031-05-06T15:30:00+00:00",
            topics=["russia", "china"],
            programs=["asia-program"],
            speakers=[{"expert": "lyle-goldstein", "role": "Moderator"}],
            registration_url="https://events.example.org/register",
            body="<p onclick='steal()'>Join us<script>alert(1)</script></p>",
        ),
        headers=editor,
    )

    assert response.status_code == 201
    event = response.json()
    assert event["slug"] == "china-and-russia-a-no-limits-alliance"
    assert event["status"] == "draft"
    assert event["starts_at"] == STARTS
    assert event["ends_at"] == "2031-05-06T15:30:00+00:00"
    assert [t["slug"] for t in event["topics"]] == ["russia", "china"]
    assert [p["slug"] for p in event["programs"]] == ["asia-program"]
    assert event["speakers"][0]["slug"] == "lyle-goldstein"
    assert event["speakers"][0]["role"] == "Moderator"
    assert event["body"] == "<p>Join us</p>"
    assert event["created_by_id"] is not None
    assert response.headers["location"].endswith(f"{ADMIN}/{event['id']}")
    assert response.headers["etag"] == f'"{event["id"]}-{event["version"]}"'
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.json() == event
    assert fetched.headers["etag"] == response.headers["etag"]


async def test_a_draft_is_invisible_until_published(client: AsyncClient, editor, world):
    draft, etag = await _create(client, editor, title="Secret briefing")

    assert (await client.get(f"{PUBLIC}/{draft['slug']}")).status_code == 404
    assert (await client.get(PUBLIC)).json()["meta"]["total"] == 0

    published = await client.patch(
        f"{ADMIN}/{draft['id']}", json={"status": "published"}, headers={**editor, "If-Match": etag}
    )
    assert published.json()["status"] == "published"
    assert (await client.get(f"{PUBLIC}/{draft['slug']}")).json()["title"] == "Secret briefing"
    assert (await client.get(PUBLIC)).json()["meta"]["total"] == 1


async def test_a_scheduled_event_goes_public_at_its_time(client: AsyncClient, editor, world, clock):
    event, etag = await _create(client, editor)
    at = utcnow() + timedelta(minutes=1)
    scheduled = await client.patch(
        f"{ADMIN}/{event['id']}",
        json={"status": "published", "published_at": at.isoformat()},
        headers={**editor, "If-Match": etag},
    )
    assert scheduled.json()["status"] == "scheduled"
    assert (await client.get(f"{PUBLIC}/{event['slug']}")).status_code == 404

    clock.advance(minutes=1, seconds=1)

    assert (await client.get(f"{PUBLIC}/{event['slug']}")).status_code == 200
    assert (await client.get(f"{ADMIN}/{event['id']}", headers=editor)).json()["status"] == (
        "published"
    )


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, editor, world):
    event, etag = await _create(client, editor, topics=["china"], location="Washington, DC")

    response = await client.patch(
        f"{ADMIN}/{event['id']}", json={"cancelled": True}, headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["cancelled"] is True
    assert changed["location"] == "Washington, DC"
    assert [t["slug"] for t in changed["topics"]] == ["china"]
    assert changed["version"] > event["version"]
    assert response.headers["etag"] != etag


async def test_writes_need_a_current_if_match(client: AsyncClient, editor, world):
    event, etag = await _create(client, editor)
    url = f"{ADMIN}/{event['id']}"

    assert (await client.patch(url, json={"title": "x"}, headers=editor)).status_code == 428
    assert (await client.delete(url, headers=editor)).status_code == 428
    await client.patch(url, json={"title": "First"}, headers={**editor, "If-Match": etag})
    stale = await client.patch(url, json={"title": "Second"}, headers={**editor, "If-Match": etag})
    assert stale.status_code == 412
    assert (await client.delete(url, headers={**editor, "If-Match": etag})).status_code == 412
    assert (await client.get(url, headers=editor)).json()["title"] == "First"


async def test_delete_answers_204_and_the_event_is_gone(client: AsyncClient, editor, world):
    event, etag = await _create(client, editor, speakers=[{"name": "Jane Doe"}], topics=["china"])
    url = f"{ADMIN}/{event['id']}"

    response = await client.delete(url, headers={**editor, "If-Match": etag})

    assert response.status_code == 204
    assert (await client.get(url, headers=editor)).status_code == 404


async def test_a_changed_slug_redirects_the_public_to_the_new_one(
    client: AsyncClient, editor, world
):
    event, etag = await _create(client, editor, title="Old name", status="published")

    renamed = await client.patch(
        f"{ADMIN}/{event['id']}", json={"slug": "new-name"}, headers={**editor, "If-Match": etag}
    )

    assert renamed.json()["slug"] == "new-name"
    moved = await client.get(f"{PUBLIC}/old-name")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"{PUBLIC}/new-name")
    assert (await client.get(f"{PUBLIC}/new-name")).json()["id"] == event["id"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"starts_at": "2031-05-06T14:00:00"}, "starts_at"),
        ({"ends_at": "2031-05-06T13:00:00+00:00"}, "ends_at"),
        ({"ends_at": STARTS}, "ends_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"format": "telepathy"}, "format"),
        ({"speakers": [{"role": "Panelist"}]}, "speakers.0"),
        ({"speakers": [{"expert": "lyle-goldstein", "name": "Lyle"}]}, "speakers.0"),
        ({"speakers": [{"expert": "nobody"}]}, "speakers"),
        ({"topics": ["atlantis"]}, "topics"),
        ({"programs": ["moon-program"]}, "programs"),
        ({"registration_url": "javascript:alert(1)"}, "registration_url"),
        ({"slug": "Bad Slug!"}, "slug"),
        ({"colour": "red"}, "colour"),
        ({"status": "scheduled"}, "published_at"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: AsyncClient, session: AsyncSession, editor, world, fields, field
):
    response = await client.post(ADMIN, json=_body(**fields), headers=editor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await _count(session) == 0


async def test_an_edit_that_ends_before_it_starts_is_refused(client: AsyncClient, editor, world):
    event, etag = await _create(client, editor, ends_at="2031-05-06T15:00:00+00:00")
    url = f"{ADMIN}/{event['id']}"

    response = await client.patch(
        url, json={"ends_at": "2031-05-06T13:00:00+00:00"}, headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["ends_at"]
    assert (await client.get(url, headers=editor)).json() == event


async def test_a_taken_slug_is_409(client: AsyncClient, session: AsyncSession, editor, world):
    await _create(client, editor, title="Same")

    response = await client.post(ADMIN, json=_body(title="Other", slug="same"), headers=editor)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert await _count(session) == 1


async def test_an_idempotent_retry_creates_one_event(
    client: AsyncClient, session: AsyncSession, editor, world
):
    headers = {**editor, "Idempotency-Key": "event-1"}

    first = await client.post(ADMIN, json=_body(title="Only once"), headers=headers)
    retry = await client.post(ADMIN, json=_body(title="Only once"), headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert await _count(session) == 1


async def test_a_restored_revision_brings_back_fields_and_relations(
    client: AsyncClient, editor, world
):
    event, etag = await _create(
        client,
        editor,
        topics=["china", "russia"],
        speakers=[{"expert": "lyle-goldstein"}, {"name": "Jane Doe", "role": "Panelist"}],
    )
    url = f"{ADMIN}/{event['id']}"
    edited = await client.patch(
        url,
        json={"title": "Renamed", "slug": "renamed", "topics": ["russia", "china"], "speakers": []},
        headers={**editor, "If-Match": etag},
    )

    history = (await client.get(f"{url}/revisions", headers=editor)).json()
    assert [r["number"] for r in history["data"]] == [event["version"]]
    assert history["data"][0]["data"]["title"] == "Draft event"
    restored = await client.post(
        f"{url}/revisions/{event['version']}/restore",
        headers={**editor, "If-Match": edited.headers["etag"]},
    )

    assert restored.status_code == 200
    back = restored.json()
    assert (back["title"], back["slug"]) == ("Draft event", "draft-event")
    assert [t["slug"] for t in edited.json()["topics"]] == ["russia", "china"]
    assert [t["slug"] for t in back["topics"]] == ["china", "russia"]
    assert [s["name"] for s in back["speakers"]] == ["Lyle Goldstein", "Jane Doe"]
    assert back["version"] > edited.json()["version"]


async def test_speakers_keep_their_order_and_guests_their_details(
    client: AsyncClient, editor, world
):
    guest = {
        "name": "Jane Doe",
        "title": "Professor",
        "organization": "Example University",
        "photo_url": "https://cdn.example.org/jane.jpg",
        "role": "Panelist",
    }
    event, etag = await _create(
        client,
        editor,
        status="published",
        speakers=[guest, {"expert": "lyle-goldstein", "role": "Moderator"}, {"name": "Sam Roe"}],
    )
    reordered = await client.patch(
        f"{ADMIN}/{event['id']}",
        json={"speakers": [{"name": "Sam Roe"}, guest]},
        headers={**editor, "If-Match": etag},
    )

    public = (await client.get(f"{PUBLIC}/{event['slug']}")).json()
    assert [s["name"] for s in event["speakers"]] == ["Jane Doe", "Lyle Goldstein", "Sam Roe"]
    assert event["speakers"][0] == {"expert": False, "slug": None, **guest}
    assert event["speakers"][1]["expert"] is True
    assert [s["name"] for s in reordered.json()["speakers"]] == ["Sam Roe", "Jane Doe"]
    assert public["speakers"] == reordered.json()["speakers"]


async def test_the_list_shows_every_status_and_filters_by_it(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_event(session, title="Live")
    await make_event(session, title="Draft", status="draft")
    await make_event(session, title="Later", status="scheduled")
    await make_event(session, title="Room", status="draft", format="in-person")

    everything = await client.get(ADMIN, headers=editor)
    drafts = await client.get(ADMIN, params={"status": "draft"}, headers=editor)
    in_person = await client.get(ADMIN, params={"format": "in-person"}, headers=editor)
    live = await client.get(
        ADMIN, params=[("status", "published"), ("status", "scheduled")], headers=editor
    )

    assert everything.json()["meta"]["total"] == 4
    assert {e["slug"] for e in drafts.json()["data"]} == {"draft", "room"}
    assert [e["slug"] for e in in_person.json()["data"]] == ["room"]
    assert {e["status"] for e in live.json()["data"]} == {"published", "scheduled"}


async def test_every_change_is_audited(client: AsyncClient, session: AsyncSession, editor, world):
    event, etag = await _create(client, editor)
    url = f"{ADMIN}/{event['id']}"
    published = await client.patch(
        url, json={"status": "published"}, headers={**editor, "If-Match": etag}
    )
    await client.delete(url, headers={**editor, "If-Match": published.headers["etag"]})

    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.resource == "event", AuditEntry.resource_id == event["id"])
        .order_by(AuditEntry.id)
    )
    assert list(actions) == ["create", "update", "publish", "delete"]


async def _every_route(session: AsyncSession) -> list[tuple[str, str, dict | None]]:
    event = await make_event(session)
    url = f"{ADMIN}/{event.id}"
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, _body()),
        ("GET", url, None),
        ("PATCH", url, {"title": "x"}),
        ("DELETE", url, None),
        ("GET", f"{url}/revisions", None),
        ("POST", f"{url}/revisions/1/restore", None),
    ]


async def test_authors_are_refused_on_every_route(
    client: AsyncClient, session: AsyncSession, sign_in
):
    author = sign_in(await make_user(session, role="author"))
    headers = {**author, "If-Match": "*"}

    for method, url, body in await _every_route(session):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url)
    assert await _count(session) == 1


async def test_anonymous_callers_are_refused_on_every_route(
    client: AsyncClient, session: AsyncSession
):
    for method, url, body in await _every_route(session):
        response = await client.request(method, url, json=body, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, url)
