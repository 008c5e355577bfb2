"""The sitemap (sitemaps.org 0.9), split into an index of child sitemaps when large."""

import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from app.feeds.service import SitemapUrl

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml; charset=utf-8"
# The protocol's cap on URLs in one file; a module constant so a test can lower it.
MAX_URLS = 50_000


def pages(urls: list[SitemapUrl]) -> int:
    """How many child sitemaps the URLs need (1 means no index)."""
    return max(1, math.ceil(len(urls) / MAX_URLS))


def chunk(urls: list[SitemapUrl], number: int) -> list[SitemapUrl]:
    """The URLs of child sitemap `number`, 1-based."""
    return urls[(number - 1) * MAX_URLS : number * MAX_URLS]


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def urlset(urls: list[SitemapUrl]) -> bytes:
    """A <urlset> with <loc> and, where known, <lastmod>."""
    root = ET.Element("urlset", {"xmlns": NAMESPACE})
    for url in urls:
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = url.loc
        if url.lastmod is not None:
            ET.SubElement(entry, "lastmod").text = _w3c(url.lastmod)
    return _xml(root)


def index(urls: list[SitemapUrl], *, base: str) -> bytes:
    """A <sitemapindex> naming `{base}/sitemap-{n}.xml`, each with its newest lastmod."""
    root = ET.Element("sitemapindex", {"xmlns": NAMESPACE})
    for number in range(1, pages(urls) + 1):
        entry = ET.SubElement(root, "sitemap")
        ET.SubElement(entry, "loc").text = f"{base}/sitemap-{number}.xml"
        dates = [u.lastmod for u in chunk(urls, number) if u.lastmod is not None]
        if dates:
            ET.SubElement(entry, "lastmod").text = _w3c(max(dates))
    return _xml(root)
