"""Editing programs: director and members by expert slug, slug history, audit."""

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.db import utcnow
from app.editorial import audit, redirects
from app.editorial.models import SlugRedirect
from app.editorial.relations import claim_slug, rows_by_slug
from app.editorial.usage import refuse_if_used
from app.errors import NotFound
from app.experts.models import Expert
from app.pagination import PageParams
from app.programs.models import Program
from app.programs.schemas import ProgramCreate, ProgramUpdate
from app.programs.service import RESOURCE

_DETAIL_OPTIONS = (joinedload(Program.director), selectinload(Program.members))
_SEPARATE_FIELDS = {"director", "members", "slug"}


async def list_programs(session: AsyncSession, *, page: PageParams) -> tuple[list[Program], int]:
    """One page of programs in display order, each with its director in any status."""
    total = await session.scalar(select(func.count()).select_from(Program))
    stmt = (
        select(Program)
        .order_by(Program.position, func.lower(Program.name), Program.id)
        .limit(page.per_page)
        .offset(page.offset)
        .options(joinedload(Program.director))
    )
    return list(await session.scalars(stmt)), total or 0


async def get_program(session: AsyncSession, *, program_id: int) -> Program:
    """The program with this id, its director and members in any status, or NotFound."""
    stmt = select(Program).where(Program.id == program_id).options(*_DETAIL_OPTIONS)
    program = await session.scalar(stmt)
    if program is None:
        raise NotFound(f"No program with id {program_id}.")
    return program


async def _apply_relations(session: AsyncSession, program: Program, data: dict[str, Any]) -> None:
    if "director" in data:
        slugs = [data["director"]] if data["director"] else []
        directors = await rows_by_slug(session, Expert, slugs, field="director")
        program.director = directors[0] if directors else None
    if "members" in data:
        program.members = await rows_by_slug(
            session, Expert, data["members"] or [], field="members"
        )


def _apply_fields(program: Program, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field not in _SEPARATE_FIELDS:
            setattr(program, field, value)


async def create_program(session: AsyncSession, *, user: User, data: ProgramCreate) -> Program:
    """A new program with its director and members."""
    values = data.model_dump()
    program = Program(
        name=data.name,
        slug=await claim_slug(session, Program, requested=data.slug, title=data.name),
        director=None,
    )
    program.members = []
    _apply_fields(program, values)
    await _apply_relations(session, program, values)
    session.add(program)
    await session.flush()
    await audit.record(
        session, user=user, action="create", resource=RESOURCE, resource_id=program.id
    )
    return await _reloaded(session, program)


async def update_program(
    session: AsyncSession, *, user: User, program: Program, data: ProgramUpdate
) -> Program:
    """Apply the fields sent; a new slug keeps the old one as a redirect."""
    values = data.model_dump(exclude_unset=True)
    if values.get("slug") and values["slug"] != program.slug:
        old_slug = program.slug
        program.slug = await claim_slug(
            session, Program, requested=values["slug"], title=program.name, exclude_id=program.id
        )
        await redirects.remember_rename(
            session,
            resource=RESOURCE,
            target_id=program.id,
            old_slug=old_slug,
            new_slug=program.slug,
        )
    _apply_fields(program, values)
    await _apply_relations(session, program, values)
    program.updated_at = utcnow()  # always an UPDATE, so the version moves on
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="update",
        resource=RESOURCE,
        resource_id=program.id,
        fields=sorted(values),
    )
    return await _reloaded(session, program)


async def _reloaded(session: AsyncSession, program: Program) -> Program:
    """The program read back after a write, with its director and members."""
    program_id = program.id
    session.expire(program)
    return await get_program(session, program_id=program_id)


async def delete_program(session: AsyncSession, *, user: User, program: Program) -> None:
    """Delete a program and its slug history; a 409 while anything uses it."""
    await refuse_if_used(session, program, kind="Program", instead="remove it from them first")
    await session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.resource == RESOURCE, SlugRedirect.target_id == program.id
        )
    )
    await session.delete(program)
    await session.flush()
    await audit.record(
        session,
        user=user,
        action="delete",
        resource=RESOURCE,
        resource_id=program.id,
        slug=program.slug,
        name=program.name,
    )
