"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents from public articles.

XML is built with ElementTree, which escapes text and attributes. Nothing in a document
depends on the clock, so an unchanged feed keeps its ETag.
"""

import mimetypes
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

import orjson

from app.articles.models import KIND_LABELS, Article, ArticleKind
from app.config import Settings
from app.editorial.sanitize import clean_html
from app.feeds import links
from app.feeds.text import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

for _prefix, _uri in (("atom", ATOM), ("content", CONTENT), ("dc", DC)):
    ET.register_namespace(_prefix, _uri)


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed is about: its title, where its subject lives, and its own address."""

    key: str  # names the feed for its stable id: "articles", "topic/china"
    title: str
    description: str
    home_url: str
    self_url: str


@dataclass(frozen=True, slots=True)
class Item:
    """One article as every format needs it."""

    id: str
    url: str
    title: str
    summary: str | None
    content_html: str
    authors: list[tuple[str, str]]
    topics: list[tuple[str, str, str]]  # slug, name, url
    published_at: datetime
    updated_at: datetime
    image_url: str | None
    image_alt: str | None
    external_url: str | None
    outlet: str | None
    kind: ArticleKind


def to_item(settings: Settings, article: Article) -> Item:
    """The feed view of an article loaded with `articles.service.load_options`."""
    outside = article.external_url if article.kind is ArticleKind.in_the_media else None
    content = clean_html(article.body or "")
    if outside:
        outlet = escape(article.outlet or "an outside publication")
        content = f'<p>Published in <a href="{escape(outside)}">{outlet}</a>.</p>' + content
    return Item(
        id=links.stable_id(settings, "article", article.id),
        url=links.article_url(settings, article),
        title=article.title,
        summary=article.summary,
        content_html=content,
        authors=[
            (link.expert.name, links.expert_url(settings, link.expert))
            for link in article.author_links
            if link.expert is not None
        ],
        topics=[
            (link.topic.slug, link.topic.name, links.topic_url(settings, link.topic))
            for link in article.topic_links
        ],
        published_at=article.published_at or article.created_at,
        updated_at=max(article.updated_at, article.published_at or article.updated_at),
        image_url=article.image_url,
        image_alt=article.image_alt,
        external_url=outside,
        outlet=article.outlet if outside else None,
        kind=article.kind,
    )


def _image_type(url: str) -> str:
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


def _newest(items: list[Item]) -> datetime:
    return max((item.updated_at for item in items), default=EPOCH)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    for element in root.iter():  # ElementTree escapes markup, but writes any character
        if element.text:
            element.text = xml_safe(element.text)
        element.attrib = {name: xml_safe(value) for name, value in element.attrib.items()}
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(settings: Settings, info: FeedInfo, items: list[Item]) -> bytes:
    """An RSS 2.0 document, with content:encoded, dc:creator and an atom:link to itself."""
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home_url)
    _sub(channel, "description", info.description)
    _sub(channel, f"{{{ATOM}}}link", href=info.self_url, rel="self", type=RSS_TYPE_BARE)
    _sub(channel, "lastBuildDate", format_datetime(_newest(items).astimezone(UTC), usegmt=True))
    _sub(channel, "generator", "Pressroom")
    for item in items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        _sub(entry, "link", item.url)
        _sub(entry, "guid", item.id, isPermaLink="false")
        _sub(entry, "pubDate", format_datetime(item.published_at.astimezone(UTC), usegmt=True))
        if item.summary:
            _sub(entry, "description", item.summary)
        _sub(entry, f"{{{CONTENT}}}encoded", item.content_html)
        for name, _ in item.authors:
            _sub(entry, f"{{{DC}}}creator", name)
        for _slug, name, url in item.topics:
            _sub(entry, "category", name, domain=url)
        if item.image_url:
            _sub(
                entry, "enclosure", url=item.image_url, length="0", type=_image_type(item.image_url)
            )
        if item.external_url:
            _sub(entry, "source", item.outlet or item.external_url, url=item.external_url)
        _sub(entry, f"{{{DC}}}date", item.updated_at.astimezone(UTC).isoformat())
    return _xml(root)


def atom(settings: Settings, info: FeedInfo, items: list[Item]) -> bytes:
    """An Atom 1.0 document (plain tag names under a default namespace declaration)."""
    root = ET.Element("feed", {"xmlns": ATOM})
    _sub(root, "id", links.stable_id(settings, "feed", info.key))
    _sub(root, "title", info.title)
    _sub(root, "subtitle", info.description)
    _sub(root, "updated", _newest(items).astimezone(UTC).isoformat())
    _sub(root, "link", href=info.home_url, rel="alternate", type="text/html")
    _sub(root, "link", href=info.self_url, rel="self", type=ATOM_TYPE_BARE)
    _sub(_sub(root, "author"), "name", settings.site_name)
    _sub(root, "generator", "Pressroom")
    for item in items:
        _atom_entry(_sub(root, "entry"), item)
    return _xml(root)


def _atom_entry(entry: ET.Element, item: Item) -> None:
    _sub(entry, "id", item.id)
    _sub(entry, "title", item.title)
    _sub(entry, "link", href=item.url, rel="alternate", type="text/html")
    if item.external_url:
        _sub(entry, "link", href=item.external_url, rel="related", title=item.outlet or "")
    if item.image_url:
        _sub(entry, "link", href=item.image_url, rel="enclosure", type=_image_type(item.image_url))
    _sub(entry, "published", item.published_at.astimezone(UTC).isoformat())
    _sub(entry, "updated", item.updated_at.astimezone(UTC).isoformat())
    for name, url in item.authors:
        author = _sub(entry, "author")
        _sub(author, "name", name)
        _sub(author, "uri", url)
    for slug, name, _url in item.topics:
        _sub(entry, "category", term=slug, label=name)
    if item.summary:
        _sub(entry, "summary", item.summary, type="text")
    _sub(entry, "content", item.content_html, type="html")


def json_feed(settings: Settings, info: FeedInfo, items: list[Item]) -> bytes:
    """A JSON Feed 1.1 document; `_pressroom` carries the kind and the outlet."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "description": info.description,
        "authors": [{"name": settings.site_name, "url": links.site_root(settings) + "/"}],
        "items": [_json_item(item) for item in items],
    }
    return orjson.dumps(document)


def _json_item(item: Item) -> dict:
    out: dict = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "date_published": item.published_at.astimezone(UTC).isoformat(),
        "date_modified": item.updated_at.astimezone(UTC).isoformat(),
        "authors": [{"name": name, "url": url} for name, url in item.authors],
        "tags": [name for _, name, _ in item.topics],
        "_pressroom": {"kind": item.kind.value, "kind_label": KIND_LABELS[item.kind]},
    }
    if item.summary:
        out["summary"] = item.summary
    if item.image_url:
        out["image"] = item.image_url
    if item.external_url:
        out["external_url"] = item.external_url
        out["_pressroom"]["outlet"] = item.outlet
    return out


RSS_TYPE_BARE = "application/rss+xml"
ATOM_TYPE_BARE = "application/atom+xml"
RENDERERS: dict[str, tuple[Callable[[Settings, FeedInfo, list[Item]], bytes], str]] = {
    "rss": (rss, f"{RSS_TYPE_BARE}; charset=utf-8"),
    "atom": (atom, f"{ATOM_TYPE_BARE}; charset=utf-8"),
    "json": (json_feed, "application/feed+json; charset=utf-8"),
}
