"""Editing the site row and replacing navigation menus whole; every write audited."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit
from app.editorial.concurrency import PreconditionFailed
from app.errors import Conflict, InvalidParameter, NotFound
from app.site.models import Menu, MenuItem, Site
from app.site.schemas import MENU_DEPTH, MenuItemWrite, MenuWrite
from app.site.service import MenuNode, menu_trees


async def find_site(session: AsyncSession) -> Site | None:
    """The site row, if it has been set up."""
    return await session.scalar(select(Site).order_by(Site.id).limit(1))


async def get_site(session: AsyncSession) -> Site:
    """The site row, or NotFound."""
    site = await find_site(session)
    if site is None:
        raise NotFound("The site is not set up yet; PUT /api/v1/admin/site creates it.")
    return site


async def save_site(
    session: AsyncSession, *, user: User, site: Site | None, values: dict[str, Any]
) -> Site:
    """Create the site row with `values`, or change those fields of the existing one."""
    fields = sorted(values)
    if "newsletter" in values:
        values["newsletter_cta"] = values.pop("newsletter")
    if site is None:
        if not values.get("name"):
            raise InvalidParameter("name", "is required to create the site", location="body")
        site = Site(**values)
        session.add(site)
        action = "create"
    else:
        for field, value in values.items():
            setattr(site, field, value)
        site.updated_at = utcnow()  # always an UPDATE, so the version moves on
        action = "update"
    await session.flush()
    await audit.record(
        session,
        user=user,
        action=action,
        resource="site",
        resource_id=site.id,
        fields=fields,
    )
    return site


@dataclass(frozen=True, slots=True)
class MenuView:
    """A menu row with its items as an ordered tree."""

    id: int
    slug: str
    name: str
    position: int
    version: int
    updated_at: datetime
    items: list[MenuNode]


async def find_menu(session: AsyncSession, *, slug: str) -> Menu | None:
    """The menu with this slug, if any (its items not loaded)."""
    return await session.scalar(select(Menu).where(Menu.slug == slug))


async def get_menu(session: AsyncSession, *, slug: str) -> Menu:
    """The menu with this slug, or NotFound."""
    menu = await find_menu(session, slug=slug)
    if menu is None:
        raise NotFound(f"No menu {slug!r}.")
    return menu


async def menu_view(session: AsyncSession, menu: Menu) -> MenuView:
    """The menu with its items assembled into a tree."""
    items = list(
        await session.scalars(
            select(MenuItem)
            .where(MenuItem.menu_id == menu.id)
            .order_by(MenuItem.position, MenuItem.id)
        )
    )
    return MenuView(
        id=menu.id,
        slug=menu.slug,
        name=menu.name,
        position=menu.position,
        version=menu.version,
        updated_at=menu.updated_at,
        items=menu_trees([menu], items)[menu.slug],
    )


def _check_depth(items: list[MenuItemWrite], path: str = "items", depth: int = 1) -> None:
    for index, item in enumerate(items):
        if item.children and depth == MENU_DEPTH:
            raise InvalidParameter(
                f"{path}.{index}.children",
                f"menus nest at most {MENU_DEPTH} levels",
                location="body",
            )
        _check_depth(item.children, f"{path}.{index}.children", depth + 1)


async def _insert_items(session: AsyncSession, menu: Menu, items: list[MenuItemWrite]) -> int:
    # One level at a time, so that each level's parents have ids: at most MENU_DEPTH flushes.
    level: list[tuple[int | None, list[MenuItemWrite]]] = [(None, items)]
    count = 0
    while level:
        rows = [
            (MenuItem(menu_id=menu.id, parent_id=parent, position=i, label=w.label, url=w.url), w)
            for parent, siblings in level
            for i, w in enumerate(siblings)
        ]
        session.add_all(row for row, _ in rows)
        await session.flush()
        count += len(rows)
        level = [(row.id, w.children) for row, w in rows if w.children]
    return count


async def _new_menu(session: AsyncSession, *, slug: str, data: MenuWrite) -> Menu:
    position = data.position
    if position is None:
        last = await session.scalar(select(func.max(Menu.position)))
        position = 0 if last is None else last + 1
    menu = Menu(slug=slug, name=data.name, position=position)
    session.add(menu)
    try:
        await session.flush()
    except IntegrityError as exc:  # another request created it a moment ago
        raise Conflict(f"The menu {slug!r} was just created by someone else; reload it.") from exc
    return menu


async def replace_menu(
    session: AsyncSession, *, user: User, menu: Menu | None, slug: str, data: MenuWrite
) -> MenuView:
    """Create the menu, or replace its name and every item with the tree sent."""
    _check_depth(data.items)
    if menu is None:
        menu = await _new_menu(session, slug=slug, data=data)
        action = "create"
    else:
        await session.execute(delete(MenuItem).where(MenuItem.menu_id == menu.id))
        menu.name = data.name
        if data.position is not None:
            menu.position = data.position
        menu.updated_at = utcnow()  # the items live in another table: move the version here
        await session.flush()
        action = "update"
    count = await _insert_items(session, menu, data.items)
    await audit.record(
        session,
        user=user,
        action=action,
        resource="menu",
        resource_id=menu.id,
        slug=slug,
        items=count,
    )
    return await menu_view(session, menu)


async def delete_menu(session: AsyncSession, *, user: User, menu: Menu) -> None:
    """Delete a menu and its items."""
    menu_id, slug = menu.id, menu.slug
    # Core deletes: the ORM would load the (lazy="raise") items to cascade.
    await session.execute(delete(MenuItem).where(MenuItem.menu_id == menu_id))
    deleted = await session.execute(
        delete(Menu).where(Menu.id == menu_id, Menu.version == menu.version)
    )
    if deleted.rowcount != 1:
        raise PreconditionFailed("Someone saved this menu at the same moment; reload it.")
    session.expunge(menu)
    await audit.record(
        session, user=user, action="delete", resource="menu", resource_id=menu_id, slug=slug
    )
