"""The audit log: one row per change, written in the same transaction as the change."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.editorial.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    user: User | None,
    action: str,
    resource: str,
    resource_id: int | None,
    **detail: Any,
) -> None:
    """Note that `user` did `action` to a row."""
    session.add(
        AuditEntry(
            user_id=user.id if user else None,
            user_email=user.email if user else None,
            action=action,
            resource=resource,
            resource_id=resource_id,
            detail=detail,
        )
    )
