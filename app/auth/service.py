"""Accounts, sign-in with throttling, and the access/refresh token pair."""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords, tokens
from app.auth.errors import InvalidCredentials, InvalidToken, TooManyAttempts
from app.auth.models import LoginFailure, RefreshToken, Role, User
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def _retry_after(
    session: AsyncSession, *, column, value: str, limit: int, since: datetime, window: timedelta
) -> int | None:
    stmt = select(func.count(), func.min(LoginFailure.created_at)).where(
        column == value, LoginFailure.created_at >= since
    )
    count, oldest = (await session.execute(stmt)).one()
    if count < limit or oldest is None:
        return None
    return max(1, math.ceil((oldest + window - utcnow()).total_seconds()))


async def _check_throttle(
    session: AsyncSession, settings: Settings, email: str, client: str
) -> None:
    window = timedelta(minutes=settings.login_failure_window_minutes)
    since = utcnow() - window
    for column, value, limit in (
        (LoginFailure.email, email, settings.login_failures_per_account),
        (LoginFailure.client, client, settings.login_failures_per_client),
    ):
        wait = await _retry_after(
            session, column=column, value=value, limit=limit, since=since, window=window
        )
        if wait is not None:
            raise TooManyAttempts(wait)


async def authenticate(
    session: AsyncSession, settings: Settings, *, email: str, password: str, client: str
) -> User:
    """The active user with these credentials; failures are counted and throttled."""
    email = normalize_email(email)
    await _check_throttle(session, settings, email, client)
    user = await session.scalar(select(User).where(User.email == email))
    valid = passwords.verify_password(password, user.password_hash if user else None)
    if not valid or user is None or not user.is_active:
        session.add(LoginFailure(email=email, client=client))
        raise InvalidCredentials()
    user.last_login_at = utcnow()
    return user


async def _store_refresh(
    session: AsyncSession, settings: Settings, *, user: User, family: str
) -> tuple[str, datetime]:
    token, token_hash = tokens.new_refresh_token()
    expires = utcnow() + timedelta(days=settings.refresh_token_days)
    session.add(
        RefreshToken(user_id=user.id, family=family, token_hash=token_hash, expires_at=expires)
    )
    await session.flush()
    return token, expires


def _access_token(settings: Settings, user: User) -> tuple[str, datetime]:
    return tokens.sign(
        settings,
        purpose="access",
        ttl=timedelta(minutes=settings.access_token_minutes),
        sub=str(user.id),
        role=user.role.value,
    )


async def issue_tokens(session: AsyncSession, settings: Settings, *, user: User) -> TokenPair:
    """A new access token and the first refresh token of a new family."""
    access, access_exp = _access_token(settings, user)
    refresh, refresh_exp = await _store_refresh(
        session, settings, user=user, family=uuid.uuid4().hex
    )
    return TokenPair(access, access_exp, refresh, refresh_exp)


async def _revoke_family(session: AsyncSession, family: str) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def refresh(session: AsyncSession, settings: Settings, *, token: str) -> TokenPair:
    """Rotate a refresh token: the old one is spent; reusing a spent one revokes its family."""
    stored = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == tokens.hash_refresh_token(token))
    )
    if stored is None:
        raise InvalidToken()
    if stored.used_at is not None or stored.revoked_at is not None:
        await _revoke_family(session, stored.family)
        raise InvalidToken("This refresh token was already used or revoked.")
    if stored.expires_at <= utcnow():
        raise InvalidToken("This refresh token has expired.")
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidToken()
    stored.used_at = utcnow()
    access, access_exp = _access_token(settings, user)
    new_refresh, refresh_exp = await _store_refresh(
        session, settings, user=user, family=stored.family
    )
    return TokenPair(access, access_exp, new_refresh, refresh_exp)


async def logout(session: AsyncSession, *, token: str) -> None:
    """Revoke the refresh token's whole family (this sign-in on every device it reached)."""
    stored = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == tokens.hash_refresh_token(token))
    )
    if stored is not None:
        await _revoke_family(session, stored.family)


async def user_from_access_token(session: AsyncSession, settings: Settings, *, token: str) -> User:
    """The active user an access token was issued to, or InvalidToken."""
    claims = tokens.read(settings, token, purpose="access")
    user = await session.get(User, int(claims["sub"]))
    if user is None or not user.is_active:
        raise InvalidToken()
    return user


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    expert_id: int | None = None,
) -> User:
    """A new active account; Conflict if the email is taken."""
    email = normalize_email(email)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with email {email!r} exists.", field="email")
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        password_hash=passwords.hash_password(password),
        expert_id=expert_id,
    )
    session.add(user)
    await session.flush()
    return user


async def get_user_by_email(session: AsyncSession, *, email: str) -> User:
    """The user with this email, or NotFound."""
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound(f"No user with email {email!r}.")
    return user


async def set_password(session: AsyncSession, *, user: User, password: str) -> None:
    """Replace the password and sign the user out everywhere."""
    user.password_hash = passwords.hash_password(password)
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
