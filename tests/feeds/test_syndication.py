"""RSS, Atom and JSON Feed: what a feed reader sees."""

import uuid
from datetime import UTC, datetime

import feedparser
import jsonschema
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from tests.factories import make_article, make_expert, make_program, make_topic
from tests.helpers import HIDDEN

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as a JSON Schema.
_AUTHOR = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "avatar": {"type": "string", "format": "uri"},
    },
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
}
JSON_FEED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string", "format": "uri"},
        "icon": {"type": "string", "format": "uri"},
        "favicon": {"type": "string", "format": "uri"},
        "authors": {"type": "array", "items": _AUTHOR},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {"type": "array"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "external_url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": {"type": "string", "format": "uri"},
                    "banner_image": {"type": "string", "format": "uri"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": _AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                    "attachments": {"type": "array"},
                },
                "patternProperties": {"^_": {"type": "object"}},
                "additionalProperties": False,
            },
        },
    },
    "patternProperties": {"^_": {"type": "object"}},
    "additionalProperties": False,
}


def _validate_json_feed(document: dict) -> None:
    jsonschema.validate(
        document, JSON_FEED_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


async def _parsed(client: AsyncClient, url: str) -> feedparser.FeedParserDict:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


async def _rich_article(session: AsyncSession):
    china = await make_topic(session, name="China")
    ada = await make_expert(session, given_name="Ada", family_name="Lovelace")
    article = await make_article(
        session,
        title="Ships & <Shoals>",
        summary="Why the navy matters.",
        body='<p>Hello <script>alert(1)</script><a href="https://x.example/">x</a></p>',
        topics=[china],
        authors=[ada],
        image_url="https://cdn.example.org/lead.png",
        published_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
    )
    return article, china, ada


async def test_rss_parses_with_every_item_field(client: AsyncClient, session: AsyncSession):
    article, _china, _ada = await _rich_article(session)

    response = await client.get("/feeds/articles.rss")
    feed = await _parsed(client, "/feeds/articles.rss")

    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert feed.version == "rss20"
    (entry,) = feed.entries
    assert entry.title == "Ships & <Shoals>"
    assert entry.link == f"https://www.example.org/op-ed/{article.slug}/"
    assert (
        entry.id
        == uuid.uuid5(uuid.NAMESPACE_URL, f"https://www.example.org/article/{article.id}").urn
    )
    assert entry.guidislink is False
    assert entry.summary == "Why the navy matters."
    assert "<p>Hello" in entry.content[0].value
    assert "<script>" not in entry.content[0].value
    assert entry.author == "Ada Lovelace"
    assert [t.term for t in entry.tags] == ["China"]
    assert entry.published_parsed[:4] == (2024, 5, 1, 12)
    assert entry.enclosures[0].href == "https://cdn.example.org/lead.png"
    assert entry.enclosures[0].type == "image/png"


async def test_atom_parses_with_every_entry_field(client: AsyncClient, session: AsyncSession):
    article, _china, ada = await _rich_article(session)

    response = await client.get("/feeds/articles.atom")
    feed = await _parsed(client, "/feeds/articles.atom")

    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.title == "Ships & <Shoals>"
    assert entry.id.startswith("urn:uuid:")
    assert entry.link == f"https://www.example.org/op-ed/{article.slug}/"
    assert entry.summary == "Why the navy matters."
    assert "<script>" not in entry.content[0].value
    assert entry.authors[0]["name"] == "Ada Lovelace"
    assert entry.authors[0]["href"] == f"https://www.example.org/experts/{ada.slug}/"
    assert [(t.term, t.label) for t in entry.tags] == [("china", "China")]
    assert entry.published_parsed[:4] == (2024, 5, 1, 12)
    assert entry.updated_parsed is not None
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.href == "https://cdn.example.org/lead.png"


async def test_json_feed_validates_against_the_schema(client: AsyncClient, session: AsyncSession):
    article, _china, ada = await _rich_article(session)

    response = await client.get("/feeds/articles.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    document = response.json()
    _validate_json_feed(document)
    (item,) = document["items"]
    assert item["url"] == f"https://www.example.org/op-ed/{article.slug}/"
    assert item["title"] == "Ships & <Shoals>"
    assert item["summary"] == "Why the navy matters."
    assert item["image"] == "https://cdn.example.org/lead.png"
    assert item["authors"] == [
        {"name": "Ada Lovelace", "url": f"https://www.example.org/experts/{ada.slug}/"}
    ]
    assert item["tags"] == ["China"]
    assert item["date_published"] == "2024-05-01T12:00:00+00:00"
    assert "<script>" not in item["content_html"]


async def test_in_the_media_items_link_out_and_name_the_outlet(
    client: AsyncClient, session: AsyncSession
):
    piece = await make_article(
        session,
        kind="in-the-media",
        title="Quoted",
        external_url="https://news.example.com/story?id=1&x=2",
        outlet="The Daily Example",
    )
    own = f"https://www.example.org/in-the-media/{piece.slug}/"

    rss = (await _parsed(client, "/feeds/articles.rss")).entries[0]
    atom = (await _parsed(client, "/feeds/articles.atom")).entries[0]
    json_item = (await client.get("/feeds/articles.json")).json()["items"][0]

    assert rss.link == own
    assert rss.source.href == "https://news.example.com/story?id=1&x=2"
    assert rss.source.title == "The Daily Example"
    assert "The Daily Example" in rss.content[0].value
    related = next(link for link in atom.links if link.rel == "related")
    assert related.href == "https://news.example.com/story?id=1&x=2"
    assert related.title == "The Daily Example"
    assert atom.link == own
    assert json_item["url"] == own
    assert json_item["external_url"] == "https://news.example.com/story?id=1&x=2"
    assert json_item["_pressroom"]["outlet"] == "The Daily Example"


async def test_guid_survives_a_slug_change(client: AsyncClient, session: AsyncSession):
    article = await make_article(session, title="Before")
    first = (await client.get("/feeds/articles.json")).json()["items"][0]["id"]
    article.slug = "after"
    await session.flush()

    second = (await client.get("/feeds/articles.json?limit=5")).json()["items"][0]

    assert second["id"] == first
    assert second["url"].endswith("/after/")


async def test_api_filters_work_on_feeds(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    wanted = await make_article(session, title="Wanted", topics=[china], kind="op-ed")
    await make_article(session, title="Other kind", topics=[china], kind="brief")
    await make_article(session, title="Other topic", kind="op-ed")

    feed = await _parsed(client, "/feeds/articles.rss?topic=china&kind=op-ed")

    assert [e.title for e in feed.entries] == [wanted.title]


async def test_subject_feeds_select_their_articles(client: AsyncClient, session: AsyncSession):
    china = await make_topic(session, name="China")
    ada = await make_expert(session, given_name="Ada", family_name="Byron")
    asia = await make_program(session, name="Asia Program")
    on_topic = await make_article(session, title="On topic", topics=[china])
    by_ada = await make_article(session, title="By Ada", authors=[ada])
    in_program = await make_article(session, title="In program", programs=[asia])
    brief = await make_article(session, title="A brief", kind="brief")

    cases = {
        f"/feeds/topics/{china.slug}.atom": on_topic.title,
        f"/feeds/experts/{ada.slug}.rss": by_ada.title,
        f"/feeds/programs/{asia.slug}.atom": in_program.title,
        "/feeds/kinds/brief.rss": brief.title,
    }
    for url, title in cases.items():
        assert [e.title for e in (await _parsed(client, url)).entries] == [title], url
    document = (await client.get(f"/feeds/topics/{china.slug}.json")).json()
    _validate_json_feed(document)
    assert [i["title"] for i in document["items"]] == [on_topic.title]


async def test_limit_defaults_to_30_and_caps_at_100(client: AsyncClient, session: AsyncSession):
    for _ in range(32):
        await make_article(session)

    default = (await client.get("/feeds/articles.json")).json()["items"]
    two = (await client.get("/feeds/articles.json?limit=2")).json()["items"]
    too_many = await client.get("/feeds/articles.rss?limit=101")

    assert len(default) == 30
    assert len(two) == 2
    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in too_many.json()["errors"]] == ["limit"]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/topics/nope.rss",
        "/feeds/experts/nope.atom",
        "/feeds/programs/nope.json",
        "/feeds/kinds/nope.rss",
        "/feeds/articles.xml",
        "/feeds/topics/nope.ics",
    ],
)
async def test_unknown_subjects_are_404_problems(client: AsyncClient, url: str):
    response = await client.get(url)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_articles_are_in_no_feed(
    client: AsyncClient, session: AsyncSession, status, offset
):
    china = await make_topic(session, name="China")
    published_at = utcnow() + offset if offset is not None else None
    await make_article(
        session, title="Hidden", status=status, published_at=published_at, topics=[china]
    )
    visible = await make_article(session, title="Visible", topics=[china])

    for url in ("/feeds/articles.{}", f"/feeds/topics/{china.slug}.{{}}", "/feeds/kinds/op-ed.{}"):
        for ext in ("rss", "atom"):
            titles = [e.title for e in (await _parsed(client, url.format(ext))).entries]
            assert titles == [visible.title], url
        items = (await client.get(url.format("json"))).json()["items"]
        assert [i["title"] for i in items] == [visible.title]


async def test_each_feed_has_its_own_etag_and_answers_304(
    client: AsyncClient, session: AsyncSession
):
    await make_article(session, title="Cached")
    urls = ["/feeds/articles.rss", "/feeds/articles.atom", "/feeds/articles.json"]
    etags = []
    for url in urls:
        first = await client.get(url)
        etag = first.headers["etag"]
        again = await client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        etags.append(etag)

    assert len(set(etags)) == len(urls)
