"""The sitemap: public URLs with lastmod, and an index when there are too many."""

import xml.etree.ElementTree as ET

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.feeds import sitemap
from tests.factories import (
    make_article,
    make_event,
    make_expert,
    make_page,
    make_program,
    make_topic,
)
from tests.helpers import HIDDEN

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "https://www.example.org"


async def _xml(client: AsyncClient, url: str) -> ET.Element:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)


def _urls(root: ET.Element) -> dict[str, str | None]:
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return {
        u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
        for u in root.findall("sm:url", NS)
    }


async def test_sitemap_lists_every_public_url_with_lastmod(
    client: AsyncClient, session: AsyncSession
):
    article = await make_article(session, title="Ships", kind="report")
    event = await make_event(session, title="Panel")
    page = await make_page(session, title="About")
    expert = await make_expert(session, given_name="Ada", family_name="King")
    topic = await make_topic(session, name="China")
    program = await make_program(session, name="Asia Program")

    urls = _urls(await _xml(client, "/sitemap.xml"))

    assert set(urls) == {
        f"{SITE}/",
        f"{SITE}/report/{article.slug}/",
        f"{SITE}/events/{event.slug}/",
        f"{SITE}/{page.slug}/",
        f"{SITE}/experts/{expert.slug}/",
        f"{SITE}/topics/{topic.slug}/",
        f"{SITE}/programs/{program.slug}/",
    }
    expected = article.updated_at.replace(microsecond=0).isoformat()
    assert urls[f"{SITE}/report/{article.slug}/"] == expected


@pytest.mark.parametrize(("status", "offset"), HIDDEN)
async def test_hidden_content_is_not_in_the_sitemap(
    client: AsyncClient, session: AsyncSession, status, offset
):
    published_at = utcnow() + offset if offset is not None else None
    hidden = dict(status=status, published_at=published_at)
    await make_article(session, slug="hidden-article", **hidden)
    await make_event(session, slug="hidden-event", **hidden)
    await make_page(session, slug="hidden-page", **hidden)
    await make_expert(session, slug="hidden-expert", **hidden)

    urls = _urls(await _xml(client, "/sitemap.xml"))

    assert not [url for url in urls if "hidden" in url]


async def test_noindex_pages_stay_out(client: AsyncClient, session: AsyncSession):
    await make_page(session, slug="thanks", noindex=True)

    assert f"{SITE}/thanks/" not in _urls(await _xml(client, "/sitemap.xml"))


async def test_index_splits_past_the_limit(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sitemap, "MAX_URLS", 2)
    for _ in range(4):
        await make_topic(session)  # with the home page: 5 URLs, 3 child sitemaps

    root = await _xml(client, "/sitemap.xml")

    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    locs = [s.findtext("sm:loc", namespaces=NS) for s in root.findall("sm:sitemap", NS)]
    assert locs == [f"http://testserver/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert all(s.findtext("sm:lastmod", namespaces=NS) for s in root.findall("sm:sitemap", NS))
    children = [_urls(await _xml(client, f"/sitemap-{n}.xml")) for n in (1, 2, 3)]
    assert [len(c) for c in children] == [2, 2, 1]
    assert len(set().union(*children)) == 5
    assert (await client.get("/sitemap-4.xml")).status_code == 404


async def test_sitemap_answers_304(client: AsyncClient, session: AsyncSession):
    await make_topic(session)
    first = await client.get("/sitemap.xml")

    again = await client.get("/sitemap.xml", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304


async def test_child_sitemaps_answer_304_too(client, session, monkeypatch):
    from app.feeds import sitemap
    from tests.factories import make_article

    monkeypatch.setattr(sitemap, "MAX_URLS", 1)
    await make_article(session, title="One")
    await make_article(session, title="Two")

    first = await client.get("/sitemap-1.xml")
    again = await client.get("/sitemap-1.xml", headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == 200
    assert again.status_code == 304
