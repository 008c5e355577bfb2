from typing import Annotated

from fastapi import APIRouter

from app.db import SessionDep
from app.experts import service
from app.experts.dependencies import ExpertFiltersDep
from app.experts.schemas import ExpertRead, ExpertSummary
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pagination import Page, PagerDep

router = APIRouter(prefix="/experts", tags=["Experts"])


@router.get(
    "",
    response_model=Page[ExpertSummary],
    summary="List public experts",
    responses=problem_responses(422),
)
async def list_experts(
    session: SessionDep,
    filters: ExpertFiltersDep,
    pager: PagerDep,
    fields: Annotated[FieldSet, field_set(ExpertSummary)],
) -> Page[ExpertSummary]:
    """Public experts by family name, then given name. Repeat a filter for OR
    (`topic=china&topic=russia`); different filters combine with AND
    (`topic=china&program=asia-program`)."""
    rows, total = await service.list_public_experts(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=ExpertSummary, fields=fields)


@router.get(
    "/{slug}",
    response_model=ExpertRead,
    summary="Get one expert",
    responses=problem_responses(404),
)
async def get_expert(
    slug: str, session: SessionDep, fields: Annotated[FieldSet, field_set(ExpertRead)]
) -> ExpertRead:
    """A public expert's full profile, with bio and links, by slug."""
    expert = await service.get_public_expert(session, slug=slug)
    return fields.respond(ExpertRead.model_validate(expert))
