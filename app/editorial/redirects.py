"""Old slugs of renamed rows, so that links to them keep working (301)."""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import SlugRedirect


async def remember_rename(
    session: AsyncSession, *, resource: str, target_id: int, old_slug: str, new_slug: str
) -> None:
    """Record that `old_slug` now means `target_id`; a slug taken again stops redirecting."""
    await session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.resource == resource, SlugRedirect.old_slug.in_([old_slug, new_slug])
        )
    )
    session.add(SlugRedirect(resource=resource, old_slug=old_slug, target_id=target_id))


async def redirect_target(session: AsyncSession, *, resource: str, slug: str) -> int | None:
    """The id an old slug now points at, if any."""
    return await session.scalar(
        select(SlugRedirect.target_id).where(
            SlugRedirect.resource == resource, SlugRedirect.old_slug == slug
        )
    )


async def forget(session: AsyncSession, *, resource: str, target_id: int) -> None:
    """Drop the old slugs of a row that is being deleted."""
    await session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.resource == resource, SlugRedirect.target_id == target_id
        )
    )
