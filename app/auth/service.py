"""Accounts, sign-in with throttling, and the access/refresh token pair."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords, throttling, tokens
from app.auth.errors import InvalidCredentials, InvalidToken
from app.auth.models import RefreshToken, Role, User
from app.config import Settings
from app.db import hold_lock, utcnow
from app.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def authenticate(
    session: AsyncSession, settings: Settings, *, email: str, password: str, client: str
) -> User:
    """The active user with these credentials; failures are counted and throttled."""
    email = normalize_email(email)
    await throttling.check(session, settings, email=email, client=client)
    user = await session.scalar(select(User).where(User.email == email))
    valid = await passwords.matches(password, user.password_hash if user else None)
    if not valid or user is None or not user.is_active:
        throttling.record_failure(session, email=email, client=client)
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


def access_token(
    settings: Settings, user: User, *, ttl: timedelta | None = None
) -> tuple[str, datetime]:
    """A signed access token for this user (this row: it carries the row's `token_key`)."""
    return tokens.sign(
        settings,
        purpose="access",
        ttl=ttl or timedelta(minutes=settings.access_token_minutes),
        sub=str(user.id),
        key=user.token_key,
        role=user.role.value,
    )


async def issue_tokens(session: AsyncSession, settings: Settings, *, user: User) -> TokenPair:
    """A new access token and the first refresh token of a new family."""
    access, access_exp = access_token(settings, user)
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
    token_hash = tokens.hash_refresh_token(token)
    spent = await _spend(session, token_hash)
    if spent is None:
        await _refuse(session, token_hash)
    user_id, family = spent
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidToken()
    access, access_exp = access_token(settings, user)
    new_refresh, refresh_exp = await _store_refresh(session, settings, user=user, family=family)
    return TokenPair(access, access_exp, new_refresh, refresh_exp)


async def _spend(session: AsyncSession, token_hash: str) -> tuple[int, str] | None:
    """Mark the token used, if it is usable, in one statement: of two parallel refreshes
    of one token exactly one gets a row back (the other waits for its lock, then sees
    `used_at` set)."""
    now = utcnow()
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(RefreshToken.user_id, RefreshToken.family)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else (row.user_id, row.family)


async def _refuse(session: AsyncSession, token_hash: str) -> NoReturn:
    """Why a token could not be spent, as InvalidToken; a spent one revokes its family."""
    stored = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))
    if stored is None:
        raise InvalidToken()
    if stored.used_at is not None or stored.revoked_at is not None:
        await _revoke_family(session, stored.family)
        raise InvalidToken("This refresh token was already used or revoked.")
    raise InvalidToken("This refresh token has expired.")


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
    try:
        user = await session.get(User, int(claims["sub"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidToken() from exc
    # The key tells this row from a later one given the same id (and from a deleted one).
    if user is None or not user.is_active or user.token_key != claims.get("key"):
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
    # Held until commit: a parallel create of this email waits, then sees it taken (409).
    await hold_lock(session, f"user email {email}")
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with email {email!r} exists.", field="email")
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        password_hash=await passwords.hashed(password),
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
    user.password_hash = await passwords.hashed(password)
    await sign_out_everywhere(session, user=user)


async def sign_out_everywhere(session: AsyncSession, *, user: User) -> None:
    """End every session at once: live refresh tokens are revoked, and a new `token_key`
    makes the access tokens already issued fail (401) instead of living out their minutes."""
    user.token_key = tokens.new_row_key()
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
