"""Signups with double opt-in, links from emails, and the admin's view of subscribers."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.config import Settings
from app.db import hold_lock, utcnow
from app.editorial import audit
from app.errors import InvalidParameter
from app.newsletter import emails, tokens
from app.newsletter.errors import InvalidLink, LinkAlreadyUsed, SubscriptionNotFound, TooManySignups
from app.newsletter.models import (
    EmailMessage,
    NewsletterSubscription,
    SignupAttempt,
    SubscriptionState,
)
from app.newsletter.models import subscription_program as sub_program
from app.newsletter.models import subscription_topic as sub_topic
from app.newsletter.schemas import SubscriptionRequest
from app.pagination import PageParams
from app.programs.models import Program
from app.topics.models import Topic
from app.worker.queue import QueueState

_WITH_INTERESTS = (
    selectinload(NewsletterSubscription.topics),
    selectinload(NewsletterSubscription.programs),
)


@dataclass(frozen=True, slots=True)
class Client:
    """Who sent a signup: their address (hashed before storing) and user agent."""

    address: str
    user_agent: str | None = None


async def _check_rate(
    session: AsyncSession, settings: Settings, *, client_hash: str, email_hash: str
) -> None:
    window = timedelta(minutes=settings.newsletter_signup_window_minutes)
    since = utcnow() - window
    for column, value, limit in (
        (SignupAttempt.client_hash, client_hash, settings.newsletter_signups_per_client),
        (SignupAttempt.email_hash, email_hash, settings.newsletter_signups_per_email),
    ):
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(SignupAttempt.created_at)).where(
                    column == value, SignupAttempt.created_at >= since
                )
            )
        ).one()
        if count >= limit and oldest is not None:
            raise TooManySignups(max(1, math.ceil((oldest + window - utcnow()).total_seconds())))


async def resolve_interests(
    session: AsyncSession, slugs: list[str]
) -> tuple[list[Topic], list[Program]]:
    """The topics and programs named by these slugs; a 422 naming `interests` if one is
    neither."""
    wanted = set(slugs)
    if not wanted:
        return [], []
    topics = list(await session.scalars(select(Topic).where(Topic.slug.in_(wanted))))
    programs = list(await session.scalars(select(Program).where(Program.slug.in_(wanted))))
    unknown = wanted - {t.slug for t in topics} - {p.slug for p in programs}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise InvalidParameter("interests", f"no topic or program {names}", location="body")
    return topics, programs


async def signup(
    session: AsyncSession, settings: Settings, *, data: SubscriptionRequest, client: Client
) -> None:
    """Record a signup and queue its confirmation email; the caller answers the same 202
    whatever happened here."""
    if data.website:
        return  # the honeypot: a bot filled in the hidden field
    topics, programs = await resolve_interests(session, data.interests)
    client_hash = tokens.keyed_hash(settings, client.address)
    # Per mailbox, so that `victim+1@`, `victim+2@`... cannot flood one inbox.
    email_hash = tokens.mailbox_hash(settings, data.email)
    # Count and record in turn, or a burst of parallel signups all count under the limits.
    await hold_lock(session, f"signup client {client_hash}")
    await hold_lock(session, f"signup email {email_hash}")
    await _check_rate(session, settings, client_hash=client_hash, email_hash=email_hash)
    session.add(SignupAttempt(client_hash=client_hash, email_hash=email_hash))
    row = await session.scalar(
        select(NewsletterSubscription)
        .where(NewsletterSubscription.email == data.email)
        .options(*_WITH_INTERESTS)
    )
    if row is None:
        row = await _create(session, data=data, topics=topics, programs=programs)
        if row is None:
            return  # the same address signed up in a concurrent request
    elif row.state is SubscriptionState.confirmed:
        return  # nothing to confirm; interests change only through a preferences link
    else:
        row.state = SubscriptionState.pending
        row.name = data.name or row.name
        row.topics, row.programs = topics, programs
    _record_consent(row, settings, data=data, client=client, client_hash=client_hash)
    await _send_confirmation(session, settings, row)


async def _create(
    session: AsyncSession,
    *,
    data: SubscriptionRequest,
    topics: list[Topic],
    programs: list[Program],
) -> NewsletterSubscription | None:
    row = NewsletterSubscription(
        email=data.email,
        name=data.name,
        state=SubscriptionState.pending,
        topics=topics,
        programs=programs,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    return row


def _record_consent(
    row: NewsletterSubscription,
    settings: Settings,
    *,
    data: SubscriptionRequest,
    client: Client,
    client_hash: str,
) -> None:
    row.source = data.source
    row.consent_at = utcnow()
    row.consent_text_version = settings.newsletter_consent_version
    row.consent_client_hash = client_hash
    row.consent_user_agent = (client.user_agent or "")[:300] or None


async def _send_confirmation(
    session: AsyncSession, settings: Settings, row: NewsletterSubscription
) -> None:
    """Queue the confirmation email, unless one went out less than an interval ago."""
    now = utcnow()
    interval = timedelta(minutes=settings.newsletter_resend_minutes)
    if row.confirmation_sent_at is not None and row.confirmation_sent_at > now - interval:
        return
    row.confirmation_sent_at = now
    session.add(emails.confirmation(settings, row))
    await session.flush()


async def _by_token(
    session: AsyncSession, settings: Settings, *, token: str, purpose: str
) -> tuple[NewsletterSubscription, dict[str, Any]]:
    claims = tokens.read(settings, token, purpose=purpose)
    row = await session.scalar(
        select(NewsletterSubscription)
        .where(NewsletterSubscription.id == int(claims["sub"]))
        .options(*_WITH_INTERESTS)
    )
    if row is None or not tokens.matches(settings, claims, row):
        raise InvalidLink()
    return row, claims


async def confirm(
    session: AsyncSession, settings: Settings, *, token: str
) -> NewsletterSubscription:
    """Confirm a pending subscription; each confirmation token works once."""
    row, claims = await _by_token(session, settings, token=token, purpose=tokens.CONFIRM)
    if row.state is not SubscriptionState.pending or claims.get("v") != row.token_version:
        raise LinkAlreadyUsed()
    row.state = SubscriptionState.confirmed
    row.confirmed_at = utcnow()
    row.unsubscribed_at = None
    row.token_version += 1
    return row


async def unsubscribe(
    session: AsyncSession, settings: Settings, *, token: str
) -> NewsletterSubscription:
    """Unsubscribe at once (again is fine), and drop the emails still waiting for them."""
    row, _ = await _by_token(session, settings, token=token, purpose=tokens.UNSUBSCRIBE)
    if row.state is not SubscriptionState.unsubscribed:
        row.state = SubscriptionState.unsubscribed
        row.unsubscribed_at = utcnow()
        row.token_version += 1  # a confirmation link still in the inbox stops working
    await session.execute(
        update(EmailMessage)
        .where(EmailMessage.subscription_id == row.id, EmailMessage.state == QueueState.pending)
        .values(state=QueueState.failed, last_error="cancelled: unsubscribed")
    )
    return row


async def preferences(
    session: AsyncSession, settings: Settings, *, token: str
) -> NewsletterSubscription:
    """The subscription a preferences link is for."""
    row, _ = await _by_token(session, settings, token=token, purpose=tokens.PREFERENCES)
    return row


async def update_preferences(
    session: AsyncSession, settings: Settings, *, token: str, interests: list[str]
) -> NewsletterSubscription:
    """Replace the interests of the subscription a preferences link is for."""
    row, _ = await _by_token(session, settings, token=token, purpose=tokens.PREFERENCES)
    row.topics, row.programs = await resolve_interests(session, interests)
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class SubscriptionFilters:
    email: str | None = None
    states: tuple[SubscriptionState, ...] = ()
    interest: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    confirmed_after: datetime | None = None
    confirmed_before: datetime | None = None


def _conditions(filters: SubscriptionFilters) -> list[ColumnElement[bool]]:
    sub = NewsletterSubscription
    where: list[ColumnElement[bool]] = []
    if filters.email:
        where.append(sub.email.contains(filters.email.strip().lower(), autoescape=True))
    if filters.states:
        where.append(sub.state.in_(filters.states))
    if filters.interest:
        where.append(_has_interest(filters.interest))
    for column, after, before in (
        (sub.created_at, filters.created_after, filters.created_before),
        (sub.confirmed_at, filters.confirmed_after, filters.confirmed_before),
    ):
        if after is not None:
            where.append(column >= after)
        if before is not None:
            where.append(column < before)
    return where


def _has_interest(slug: str) -> ColumnElement[bool]:
    topic_ids = select(sub_topic.c.subscription_id).join(Topic).where(Topic.slug == slug)
    program_ids = select(sub_program.c.subscription_id).join(Program).where(Program.slug == slug)
    return or_(NewsletterSubscription.id.in_(topic_ids), NewsletterSubscription.id.in_(program_ids))


async def list_subscriptions(
    session: AsyncSession, *, filters: SubscriptionFilters, page: PageParams
) -> tuple[list[NewsletterSubscription], int]:
    """One page of subscriptions, newest first."""
    where = _conditions(filters)
    total = await session.scalar(
        select(func.count()).select_from(NewsletterSubscription).where(*where)
    )
    rows = await session.scalars(
        select(NewsletterSubscription)
        .where(*where)
        .options(*_WITH_INTERESTS)
        .order_by(NewsletterSubscription.created_at.desc(), NewsletterSubscription.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def confirmed_subscribers(
    session: AsyncSession, *, filters: SubscriptionFilters
) -> list[NewsletterSubscription]:
    """Every confirmed subscriber matching the filters, oldest confirmation first."""
    where = _conditions(filters)
    rows = await session.scalars(
        select(NewsletterSubscription)
        .where(NewsletterSubscription.state == SubscriptionState.confirmed, *where)
        .options(*_WITH_INTERESTS)
        .order_by(NewsletterSubscription.confirmed_at, NewsletterSubscription.id)
    )
    return list(rows)


async def erase(
    session: AsyncSession, settings: Settings, *, user: User, subscription_id: int
) -> None:
    """Forget a person: their subscription, emails and signup attempts; the audit log keeps
    only a keyed hash of the address."""
    row = await session.get(NewsletterSubscription, subscription_id)
    if row is None:
        raise SubscriptionNotFound(subscription_id)
    email_hash = tokens.keyed_hash(settings, row.email)
    await session.execute(delete(EmailMessage).where(EmailMessage.subscription_id == row.id))
    await session.execute(
        delete(SignupAttempt).where(
            SignupAttempt.email_hash == tokens.mailbox_hash(settings, row.email)
        )
    )
    state = row.state.value
    await session.execute(
        delete(NewsletterSubscription).where(NewsletterSubscription.id == subscription_id)
    )
    await audit.record(
        session,
        user=user,
        action="erase",
        resource="newsletter_subscription",
        resource_id=subscription_id,
        email_hash=email_hash,
        state=state,
    )
    await session.flush()


async def list_outbox(
    session: AsyncSession, *, states: tuple[QueueState, ...], page: PageParams
) -> tuple[list[EmailMessage], int]:
    """One page of the email outbox, newest first."""
    where = [EmailMessage.state.in_(states)] if states else []
    total = await session.scalar(select(func.count()).select_from(EmailMessage).where(*where))
    rows = await session.scalars(
        select(EmailMessage)
        .where(*where)
        .order_by(EmailMessage.created_at.desc(), EmailMessage.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0
