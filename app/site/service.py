"""The site-wide settings, menus and display labels, read in a fixed number of statements."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import KIND_LABELS, ArticleKind
from app.config import Settings
from app.events.models import FORMAT_LABELS, EventFormat
from app.site.models import Menu, MenuItem, Site


@dataclass(slots=True)
class MenuNode:
    label: str
    url: str | None
    children: list["MenuNode"] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Label:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class SiteView:
    """The site row (or the configured defaults), its menus as trees, and display labels."""

    name: str
    url: str
    timezone: str
    menus: dict[str, list[MenuNode]]
    tagline: str | None = None
    mission: str | None = None
    logo_url: str | None = None
    copyright: str | None = None
    newsletter: dict[str, Any] | None = None
    article_kinds: list[Label] = field(
        default_factory=lambda: [Label(k.value, KIND_LABELS[k]) for k in ArticleKind]
    )
    event_formats: list[Label] = field(
        default_factory=lambda: [Label(f.value, FORMAT_LABELS[f]) for f in EventFormat]
    )


def menu_trees(menus: list[Menu], items: list[MenuItem]) -> dict[str, list[MenuNode]]:
    # `items` come in position order, so appending keeps every level in order.
    nodes = {item.id: MenuNode(label=item.label, url=item.url) for item in items}
    roots: dict[int, list[MenuNode]] = defaultdict(list)
    for item in items:
        if item.parent_id is None:
            roots[item.menu_id].append(nodes[item.id])
        elif item.parent_id in nodes:
            nodes[item.parent_id].children.append(nodes[item.id])
    return {menu.slug: roots[menu.id] for menu in menus}


async def get_site(session: AsyncSession, *, settings: Settings) -> SiteView:
    """The site as a frontend draws it; the configured name when no site row exists yet."""
    site = await session.scalar(select(Site).order_by(Site.id).limit(1))
    menus = list(await session.scalars(select(Menu).order_by(Menu.position, Menu.slug)))
    items = list(await session.scalars(select(MenuItem).order_by(MenuItem.position, MenuItem.id)))
    view = SiteView(
        name=settings.site_name,
        url=str(settings.site_url),
        timezone=settings.site_timezone,
        menus=menu_trees(menus, items),
    )
    if site is None:
        return view
    return replace(
        view,
        name=site.name,
        tagline=site.tagline,
        mission=site.mission,
        logo_url=site.logo_url,
        copyright=site.copyright,
        newsletter=site.newsletter_cta,
    )
