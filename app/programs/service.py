"""Queries over programs. Programs are always public; their experts only when public."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import LoaderCriteriaOption, joinedload, selectinload, with_loader_criteria

from app.db import utcnow
from app.editorial import redirects
from app.errors import Moved
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.errors import ProgramNotFound
from app.programs.models import Program
from app.workflow import public

RESOURCE = "program"


def _hide_experts(now: datetime) -> LoaderCriteriaOption:
    # A director or member who is not public loads as absent, on the one shared rule.
    return with_loader_criteria(Expert, public(Expert, now=now))


async def list_programs(session: AsyncSession, *, page: PageParams) -> tuple[list[Program], int]:
    """One page of programs in display order, and how many there are."""
    total = await session.scalar(select(func.count()).select_from(Program))
    stmt = (
        select(Program)
        .order_by(Program.position, func.lower(Program.name), Program.id)
        .limit(page.per_page)
        .offset(page.offset)
        .options(joinedload(Program.director), _hide_experts(utcnow()))
    )
    return list(await session.scalars(stmt)), total or 0


async def get_program(session: AsyncSession, *, slug: str) -> Program:
    """The program with this slug (public director and members), Moved, or ProgramNotFound."""
    stmt = (
        select(Program)
        .where(Program.slug == slug)
        .options(
            joinedload(Program.director), selectinload(Program.members), _hide_experts(utcnow())
        )
    )
    program = await session.scalar(stmt)
    if program is None:
        await _raise_moved(session, slug=slug)
        raise ProgramNotFound(slug)
    return program


async def _raise_moved(session: AsyncSession, *, slug: str) -> None:
    target = await redirects.redirect_target(session, resource=RESOURCE, slug=slug)
    if target is not None:
        new_slug = await session.scalar(select(Program.slug).where(Program.id == target))
        if new_slug is not None:
            raise Moved(slug, new_slug)
