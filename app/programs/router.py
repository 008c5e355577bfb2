from typing import Annotated

from fastapi import APIRouter

from app.db import SessionDep
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.programs import service
from app.programs.schemas import ProgramDetail, ProgramRead

router = APIRouter(prefix="/programs", tags=["Programs"])


@router.get(
    "",
    response_model=Page[ProgramRead],
    summary="List programs",
    responses=problem_responses(422),
)
async def list_programs(
    session: SessionDep, pager: PagerDep, fields: Annotated[FieldSet, field_set(ProgramRead)]
) -> Page[ProgramRead]:
    """Research programs in the order the site shows them, each with its director when
    the director's profile is public."""
    rows, total = await service.list_programs(session, page=pager.params)
    return pager.page(rows, total=total, schema=ProgramRead, fields=fields)


@router.get(
    "/{slug}",
    response_model=ProgramDetail,
    summary="Get one program",
    responses=problem_responses(404),
)
async def get_program(
    slug: str, session: SessionDep, fields: Annotated[FieldSet, field_set(ProgramDetail)]
) -> ProgramDetail:
    """A program with its director and its public member experts, by slug."""
    program = await service.get_program(session, slug=slug)
    return fields.respond(ProgramDetail.model_validate(program))
