"""Editing standing pages: every status, revisions, slug history, audit."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit, redirects, revisions
from app.editorial.lifecycle import apply_status, status_action
from app.editorial.relations import claim_slug
from app.editorial.sanitize import clean_html
from app.errors import NotFound
from app.pages.models import Page
from app.pages.schemas import PageCreate, PageUpdate
from app.pages.service import RESOURCE
from app.pagination import PageParams
from app.workflow import Status, status_condition

_HANDLED_APART = {"status", "published_at", "slug"}


async def list_pages(
    session: AsyncSession, *, statuses: list[Status], page: PageParams
) -> tuple[list[Page], int]:
    """One page of pages in any status, by title, optionally narrowed by `status`."""
    where = [status_condition(Page, statuses, now=utcnow())] if statuses else []
    total = await session.scalar(select(func.count()).select_from(Page).where(*where))
    stmt = (
        select(Page)
        .where(*where)
        .order_by(func.lower(Page.title), Page.id)
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(await session.scalars(stmt)), total or 0


async def get_page(session: AsyncSession, *, page_id: int) -> Page:
    """The page with this id, in any status, or NotFound."""
    found = await session.scalar(select(Page).where(Page.id == page_id))
    if found is None:
        raise NotFound(f"No page with id {page_id}.")
    return found


def _apply_fields(page: Page, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field in _HANDLED_APART:
            continue
        if field == "body":
            value = clean_html(value or "")
        setattr(page, field, value)


def snapshot(page: Page) -> dict[str, Any]:
    """The page in the write shape: what a revision keeps."""
    data = PageUpdate(
        title=page.title,
        slug=page.slug,
        status=page.status,
        published_at=page.published_at,
        summary=page.summary,
        body=page.body,
        seo_title=page.seo_title,
        seo_description=page.seo_description,
        canonical_url=page.canonical_url,
        og_image_url=page.og_image_url,
        noindex=page.noindex,
    )
    return data.model_dump(mode="json")


async def create_page(session: AsyncSession, *, user: User, data: PageCreate) -> Page:
    """A new page, created by `user`."""
    values = data.model_dump(exclude_unset=True)
    page = Page(
        title=data.title,
        slug=await claim_slug(session, Page, requested=data.slug, title=data.title),
        status=Status.draft,
        created_by_id=user.id,
    )
    _apply_fields(page, values)
    apply_status(page, {"status": data.status, **values}, utcnow())
    session.add(page)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="create",
        resource=RESOURCE,
        resource_id=page.id,
        status=page.status.value,
    )
    return await _reloaded(session, page)


async def update_page(session: AsyncSession, *, user: User, page: Page, data: PageUpdate) -> Page:
    """Apply the fields sent; the state before is kept as a revision."""
    values = data.model_dump(exclude_unset=True)
    before = page.current_status
    await revisions.keep(
        session,
        resource=RESOURCE,
        resource_id=page.id,
        number=page.version,
        data=snapshot(page),
        user=user,
    )
    if values.get("slug") and values["slug"] != page.slug:
        old_slug = page.slug
        page.slug = await claim_slug(
            session, Page, requested=values["slug"], title=page.title, exclude_id=page.id
        )
        await redirects.remember_rename(
            session, resource=RESOURCE, target_id=page.id, old_slug=old_slug, new_slug=page.slug
        )
    _apply_fields(page, values)
    apply_status(page, values, utcnow())
    page.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=page.id,
        fields=sorted(values),
    )
    if action := status_action(before, page.current_status):
        await audit.record(
            session, user=user, action=action, resource=RESOURCE, resource_id=page.id
        )
    return await _reloaded(session, page)


async def _reloaded(session: AsyncSession, page: Page) -> Page:
    """The page read back after a write, with the values the database settled on."""
    page_id = page.id
    session.expire(page)
    return await get_page(session, page_id=page_id)


async def delete_page(session: AsyncSession, *, user: User, page: Page) -> None:
    """Delete a page with its slug history and revisions."""
    await redirects.forget(session, resource=RESOURCE, target_id=page.id)
    await revisions.forget(session, resource=RESOURCE, resource_id=page.id)
    await session.delete(page)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=page.id,
        slug=page.slug,
        title=page.title,
    )


async def restore_revision(session: AsyncSession, *, user: User, page: Page, number: int) -> Page:
    """Bring back an earlier version (the current one is kept as a revision too)."""
    revision = await revisions.get_revision(
        session, resource=RESOURCE, resource_id=page.id, number=number
    )
    data = PageUpdate.model_validate(revision.data)
    restored = await update_page(session, user=user, page=page, data=data)
    await audit.record(
        session,
        user=user,
        action="restore",
        resource=RESOURCE,
        resource_id=page.id,
        revision=number,
    )
    return restored
