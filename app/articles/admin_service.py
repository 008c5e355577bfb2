"""Editing articles: every status, permissions, revisions, slug history, audit."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.articles.models import Article
from app.articles.schemas import ArticleCreate, ArticleUpdate
from app.articles.service import (
    RESOURCE,
    ArticleFilters,
    ArticleSort,
    filter_conditions,
    load_options,
    ordered,
)
from app.auth import tokens
from app.auth.models import Role, User
from app.config import Settings
from app.db import utcnow
from app.editorial import audit, redirects, revisions
from app.editorial.lifecycle import apply_status, status_action
from app.editorial.relations import claim_slug, rows_by_slug
from app.editorial.sanitize import clean_html
from app.errors import Forbidden, InvalidParameter, NotFound
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.workflow import LIVE_STATUSES, Status, public, status_condition

_TOPIC_OPTIONS = (joinedload(Topic.parent),)
_RELATION_FIELDS = {"primary_topic", "topics", "programs", "authors", "featured_experts"}


def readable_by(user: User, *, unpublished: bool = False) -> ColumnElement[bool]:
    """The articles `user` may read in the admin API: editors and admins every one; authors
    their own and what is public. With `unpublished` (revisions, preview links: they show
    more than the public version) authors only their own. The rest is a 404 to them."""
    if user.role is not Role.author:
        return true()
    own = Article.created_by_id == user.id
    return own if unpublished else or_(own, public(Article))


async def list_articles(
    session: AsyncSession,
    *,
    user: User,
    filters: ArticleFilters,
    statuses: list[Status],
    sort: ArticleSort,
    page: PageParams,
) -> tuple[list[Article], int]:
    """One page of the articles `user` may read, with the public filters plus `status`."""
    now = utcnow()
    where = [*filter_conditions(filters, now), readable_by(user)]
    if statuses:
        where.append(status_condition(Article, statuses, now=now))
    total = await session.scalar(select(func.count()).select_from(Article).where(*where))
    stmt = ordered(select(Article).where(*where), sort).limit(page.per_page).offset(page.offset)
    rows = await session.scalars(stmt.options(*load_options(now, public_only=False)))
    return list(rows.unique()), total or 0


async def get_article(
    session: AsyncSession, *, article_id: int, user: User | None, unpublished: bool = False
) -> Article:
    """The article with this id, in any status, if `user` may read it (see `readable_by`;
    None: the app itself, after a write or for a preview link), or NotFound."""
    visible = true() if user is None else readable_by(user, unpublished=unpublished)
    stmt = (
        select(Article)
        .where(Article.id == article_id, visible)
        .options(*load_options(utcnow(), public_only=False))
    )
    article = (await session.scalars(stmt)).unique().one_or_none()
    if article is None:
        raise NotFound(f"No article with id {article_id}.")
    return article


def _check_may_write(user: User, article: Article | None, status: Status | None) -> None:
    if user.role is not Role.author:
        return
    if status not in (None, Status.draft):
        raise Forbidden("Authors cannot publish, schedule or archive; an editor does that.")
    if article is not None and article.created_by_id != user.id:
        raise Forbidden("Authors can only edit their own articles.")
    if article is not None and article.status is not Status.draft:
        raise Forbidden("This article is no longer a draft; an editor must change it.")


async def _apply_relations(session: AsyncSession, article: Article, data: dict[str, Any]) -> None:
    if "topics" in data:
        article.topics = await rows_by_slug(
            session, Topic, data["topics"] or [], field="topics", options=_TOPIC_OPTIONS
        )
    if "programs" in data:
        article.programs = await rows_by_slug(
            session, Program, data["programs"] or [], field="programs"
        )
    for field in ("authors", "featured_experts"):
        if field in data:
            experts = await rows_by_slug(session, Expert, data[field] or [], field=field)
            setattr(article, field, experts)
    if data.get("primary_topic"):
        [article.primary_topic] = await rows_by_slug(
            session, Topic, [data["primary_topic"]], field="primary_topic", options=_TOPIC_OPTIONS
        )
    elif "primary_topic" in data or ("topics" in data and article.primary_topic is None):
        article.primary_topic = article.topics[0] if article.topics else None
    if article.primary_topic is not None and article.primary_topic not in article.topics:
        article.topics = [article.primary_topic, *article.topics]


def _apply_fields(article: Article, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field in _RELATION_FIELDS or field in ("status", "published_at", "slug"):
            continue
        if field == "body":
            value = clean_html(value or "")
        setattr(article, field, value)


def snapshot(article: Article) -> dict[str, Any]:
    """The article in the write shape (relations as slugs): what a revision keeps."""
    data = ArticleUpdate(
        kind=article.kind,
        title=article.title,
        slug=article.slug,
        status=article.status,
        published_at=article.published_at,
        summary=article.summary,
        body=article.body,
        primary_topic=article.primary_topic.slug if article.primary_topic else None,
        topics=[t.slug for t in article.topics],
        programs=[p.slug for p in article.programs],
        authors=[e.slug for e in article.authors],
        featured_experts=[e.slug for e in article.featured_experts],
        external_url=article.external_url,
        outlet=article.outlet,
        press_contact=article.press_contact,
        image_url=article.image_url,
        image_alt=article.image_alt,
        seo_title=article.seo_title,
        seo_description=article.seo_description,
        canonical_url=article.canonical_url,
        og_image_url=article.og_image_url,
        noindex=article.noindex,
        embargoed=article.embargoed,
    )
    return data.model_dump(mode="json")


async def create_article(session: AsyncSession, *, user: User, data: ArticleCreate) -> Article:
    """A new article, owned by `user`; authors may only create drafts."""
    _check_may_write(user, None, data.status)
    values = data.model_dump(exclude_unset=True)
    now = utcnow()
    article = Article(
        kind=data.kind,
        title=data.title,
        slug=await claim_slug(session, Article, requested=data.slug, title=data.title),
        status=Status.draft,
        created_by_id=user.id,
        primary_topic=None,
    )
    article.topics, article.authors, article.featured_experts, article.programs = [], [], [], []
    _apply_fields(article, values)
    await _apply_relations(session, article, values)
    apply_status(article, {"status": data.status, **values}, now)
    _check_embargo(article, values, now)
    session.add(article)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="create",
        resource=RESOURCE,
        resource_id=article.id,
        status=article.status.value,
    )
    return await _reloaded(session, article)


async def update_article(
    session: AsyncSession, *, user: User, article: Article, data: ArticleUpdate
) -> Article:
    """Apply the fields sent; the state before is kept as a revision."""
    values = data.model_dump(exclude_unset=True)
    _check_may_write(user, article, values.get("status"))
    before = article.current_status
    await revisions.keep(
        session,
        resource=RESOURCE,
        resource_id=article.id,
        number=article.version,
        data=snapshot(article),
        user=user,
    )
    if values.get("slug") and values["slug"] != article.slug:
        old_slug = article.slug
        article.slug = await claim_slug(
            session, Article, requested=values["slug"], title=article.title, exclude_id=article.id
        )
        await redirects.remember_rename(
            session,
            resource=RESOURCE,
            target_id=article.id,
            old_slug=old_slug,
            new_slug=article.slug,
        )
    _apply_fields(article, values)
    await _apply_relations(session, article, values)
    apply_status(article, values, utcnow())
    _check_embargo(article, values, utcnow())
    article.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    changed = sorted(values)
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=article.id,
        fields=changed,
    )
    if action := status_action(before, article.current_status):
        await audit.record(
            session, user=user, action=action, resource=RESOURCE, resource_id=article.id
        )
    return await _reloaded(session, article)


def _check_embargo(article: Article, values: dict[str, Any], now: datetime) -> None:
    """An embargo needs a publish time still ahead when it is set or the article published."""
    if not article.embargoed or article.status not in LIVE_STATUSES:
        return
    if not {"embargoed", "status", "published_at"} & values.keys():
        return  # an edit after the embargo lifted
    if article.published_at is None or article.published_at <= now:
        raise InvalidParameter(
            "published_at", "an embargoed article needs a future publish time", location="body"
        )


async def _reloaded(session: AsyncSession, article: Article) -> Article:
    """The article read back after a write, with every relation the response shows."""
    article_id = article.id
    session.expire(article)
    return await get_article(session, article_id=article_id, user=None)


async def delete_article(session: AsyncSession, *, user: User, article: Article) -> None:
    """Delete an article with its slug history and revisions; authors only their own drafts."""
    _check_may_write(user, article, None)
    await redirects.forget(session, resource=RESOURCE, target_id=article.id)
    await revisions.forget(session, resource=RESOURCE, resource_id=article.id)
    await session.delete(article)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=article.id,
        slug=article.slug,
        title=article.title,
    )


async def restore_revision(
    session: AsyncSession, *, user: User, article: Article, number: int
) -> Article:
    """Bring back an earlier version (the current one is kept as a revision too)."""
    revision = await revisions.get_revision(
        session, resource=RESOURCE, resource_id=article.id, number=number
    )
    data = ArticleUpdate.model_validate(revision.data)
    restored = await update_article(session, user=user, article=article, data=data)
    await audit.record(
        session,
        user=user,
        action="restore",
        resource=RESOURCE,
        resource_id=article.id,
        revision=number,
    )
    return restored


def preview_token(settings: Settings, *, article: Article) -> tuple[str, datetime]:
    """A signed token that shows this article, as it is now, to whoever holds it. Load the
    article with `unpublished=True`: an author may only share their own."""
    return tokens.sign(
        settings,
        purpose="preview",
        ttl=timedelta(hours=settings.preview_token_hours),
        resource=RESOURCE,
        id=article.id,
        key=article.token_key,
    )


async def get_preview(session: AsyncSession, settings: Settings, *, token: str) -> Article:
    """The article a preview token was made for, in whatever status it is now; NotFound
    once that article is deleted, even if a new one got its id."""
    claims = tokens.read(settings, token, purpose="preview")
    if claims.get("resource") != RESOURCE:
        raise NotFound("This preview is not of an article.")
    gone = NotFound("The article this preview link was made for no longer exists.")
    try:
        article = await get_article(session, article_id=int(claims["id"]), user=None)
    except NotFound as exc:
        raise gone from exc
    if article.token_key != claims.get("key"):
        raise gone
    return article
