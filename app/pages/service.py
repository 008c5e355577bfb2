"""Queries over standing pages. Public functions apply the visibility rule themselves."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.pages.errors import PageNotFound
from app.pages.models import Page
from app.pagination import PageParams
from app.workflow import public


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
    stmt = select(Page).where(Page.slug == slug, public(Page, now=utcnow()))
    found = await session.scalar(stmt)
    if found is None:
        raise PageNotFound(slug)
    return found
