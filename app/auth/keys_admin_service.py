"""Managing partner API keys (admins only): create, list, revoke, rotate; every write audited.

The secret leaves this module once, in the `MintedKey` a create or rotate returns; the
row keeps only its hash.
"""

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import api_keys
from app.auth.api_keys import MintedKey
from app.auth.keys_schemas import ApiKeyCreate, ApiKeyState
from app.auth.models import ApiKey, User
from app.db import utcnow
from app.editorial import audit
from app.errors import Conflict, NotFound
from app.pagination import PageParams

RESOURCE = "api_key"


def _state_condition(state: ApiKeyState) -> Any:
    now = utcnow()
    if state is ApiKeyState.revoked:
        return ApiKey.revoked_at.is_not(None)
    expired = and_(ApiKey.expires_at.is_not(None), ApiKey.expires_at <= now)
    if state is ApiKeyState.expired:
        return and_(ApiKey.revoked_at.is_(None), expired)
    return and_(ApiKey.revoked_at.is_(None), or_(ApiKey.expires_at.is_(None), ~expired))


async def list_keys(
    session: AsyncSession, *, state: ApiKeyState | None, page: PageParams
) -> tuple[list[ApiKey], int]:
    """One page of keys, newest first."""
    where = [] if state is None else [_state_condition(state)]
    total = await session.scalar(select(func.count()).select_from(ApiKey).where(*where))
    rows = await session.scalars(
        select(ApiKey)
        .where(*where)
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def get_key(session: AsyncSession, *, key_id: int) -> ApiKey:
    """The key with this id, or NotFound."""
    row = await session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"No API key with id {key_id}.")
    return row


async def create_key(
    session: AsyncSession, *, actor: User, data: ApiKeyCreate
) -> tuple[ApiKey, MintedKey]:
    """A new key and its secret (to show once)."""
    minted = api_keys.mint()
    row = ApiKey(
        name=data.name,
        prefix=minted.prefix,
        key_hash=minted.key_hash,
        scopes=[scope.value for scope in data.scopes],
        rate_limit_per_minute=data.rate_limit_per_minute,
        expires_at=data.expires_at,
        created_by_id=actor.id,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="create",
        resource=RESOURCE,
        resource_id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=row.scopes,
    )
    return row, minted


async def revoke_key(session: AsyncSession, *, actor: User, row: ApiKey) -> ApiKey:
    """Stop the key at once; revoking a revoked key changes nothing."""
    if row.revoked_at is not None:
        return row
    row.revoked_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="revoke",
        resource=RESOURCE,
        resource_id=row.id,
        prefix=row.prefix,
    )
    return row


async def rotate_key(
    session: AsyncSession, *, actor: User, row: ApiKey
) -> tuple[ApiKey, MintedKey]:
    """A new secret for the same key (same id, scopes, limit and usage); the old secret
    stops working at once. A revoked or expired key cannot be rotated (Conflict)."""
    if not row.usable(utcnow()):
        raise Conflict("This key is revoked or expired; create a new one instead.")
    old_prefix, minted = row.prefix, api_keys.mint()
    row.prefix, row.key_hash = minted.prefix, minted.key_hash
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="rotate",
        resource=RESOURCE,
        resource_id=row.id,
        old_prefix=old_prefix,
        prefix=row.prefix,
    )
    return row, minted
