"""Managing accounts (admins only): list, create, change, delete; every write audited."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.auth import service
from app.auth.models import Role, User
from app.auth.schemas import UserCreate, UserUpdate
from app.db import utcnow
from app.editorial import audit
from app.editorial.relations import rows_by_slug
from app.errors import Conflict, NotFound
from app.experts.models import Expert
from app.pagination import PageParams

RESOURCE = "user"


@dataclass(frozen=True, slots=True)
class UserFilters:
    role: Role | None = None
    is_active: bool | None = None
    q: str | None = None


def _conditions(filters: UserFilters) -> list[Any]:
    where: list[Any] = []
    if filters.role is not None:
        where.append(User.role == filters.role)
    if filters.is_active is not None:
        where.append(User.is_active.is_(filters.is_active))
    if filters.q:
        where.append(User.email.contains(service.normalize_email(filters.q), autoescape=True))
    return where


async def list_users(
    session: AsyncSession, *, filters: UserFilters, page: PageParams
) -> tuple[list[User], int]:
    """One page of accounts, by email."""
    where = _conditions(filters)
    total = await session.scalar(select(func.count()).select_from(User).where(*where))
    rows = await session.scalars(
        select(User)
        .where(*where)
        .options(joinedload(User.expert))
        .order_by(User.email, User.id)
        .limit(page.per_page)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def get_user(session: AsyncSession, *, user_id: int) -> User:
    """The account with this id, its expert profile loaded, or NotFound."""
    user = await session.scalar(
        select(User).where(User.id == user_id).options(joinedload(User.expert))
    )
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


async def _expert_id(session: AsyncSession, slug: str | None) -> int | None:
    if slug is None:
        return None
    [expert] = await rows_by_slug(session, Expert, [slug], field="expert")
    return expert.id


async def create_user(session: AsyncSession, *, actor: User, data: UserCreate) -> User:
    """A new active account; Conflict if the email is taken."""
    user = await service.create_user(
        session,
        email=data.email,
        password=data.password,
        role=data.role,
        display_name=data.display_name,
        expert_id=await _expert_id(session, data.expert),
    )
    await audit.record(
        session,
        user=actor,
        action="create",
        resource=RESOURCE,
        resource_id=user.id,
        email=user.email,
        role=user.role.value,
    )
    return await _reloaded(session, user)


def _check_not_self(actor: User, user: User, values: dict[str, Any]) -> None:
    if actor.id != user.id:
        return
    if values.get("is_active") is False:
        raise Conflict("You cannot deactivate your own account; ask another admin.")
    if values.get("role", Role.admin) is not Role.admin:
        raise Conflict("You cannot take away your own admin role; ask another admin.")


async def update_user(session: AsyncSession, *, actor: User, user: User, data: UserUpdate) -> User:
    """Apply the fields sent. A new password, a deactivation or a new role signs the user
    out everywhere."""
    values = data.model_dump(exclude_unset=True)
    _check_not_self(actor, user, values)
    signs_out = values.get("is_active") is False or values.get("role", user.role) != user.role
    if "expert" in values:
        user.expert_id = await _expert_id(session, values["expert"])
    for field in ("display_name", "role", "is_active"):
        if field in values:
            setattr(user, field, values[field])
    if "password" in values:
        await service.set_password(session, user=user, password=values["password"])  # signs out
    elif signs_out:
        await service.sign_out_everywhere(session, user=user)
    user.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        user=actor,
        action="update",
        resource=RESOURCE,
        resource_id=user.id,
        fields=sorted(values),  # names only: a password never reaches the log
    )
    return await _reloaded(session, user)


async def delete_user(session: AsyncSession, *, actor: User, user: User) -> None:
    """Delete an account; its content stays, no longer linked to it."""
    if actor.id == user.id:
        raise Conflict("You cannot delete your own account; ask another admin.")
    user_id, email = user.id, user.email
    await session.delete(user)
    await session.flush()
    await audit.record(
        session, user=actor, action="delete", resource=RESOURCE, resource_id=user_id, email=email
    )


async def _reloaded(session: AsyncSession, user: User) -> User:
    user_id = user.id
    session.expire(user)
    return await get_user(session, user_id=user_id)
