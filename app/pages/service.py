"""Queries over standing pages. Public functions apply the visibility rule themselves."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.editorial import redirects
from app.errors import Moved
from app.pages.errors import PageNotFound
from app.pages.models import Page
from app.pagination import PageParams
from app.workflow import public

RESOURCE = "page"


async def list_public_pages(session: AsyncSession, *, page: PageParams) -> tuple[list[Page], int]:
    """One page of public pages by title, and how many there are."""
    where = public(Page, now=utcnow())
    total = await session.scalar(select(func.count()).select_from(Page).where(where))
    stmt = (
        select(Page)
        .where(where)
        .order_by(func.lower(Page.title), Page.id)
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(await session.scalars(stmt)), total or 0


async def get_public_page(session: AsyncSession, *, slug: str) -> Page:
    """The public page with this slug, or PageNotFound."""
    now = utcnow()
    found = await session.scalar(select(Page).where(Page.slug == slug, public(Page, now=now)))
    if found is None:
        await _raise_moved(session, slug=slug, now=now)
        raise PageNotFound(slug)
    return found


async def _raise_moved(session: AsyncSession, *, slug: str, now: datetime) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(
            select(Page.slug).where(Page.id == target, public(Page, now=now))
        )
        if new_slug is not None:
            raise Moved(slug, new_slug)
