from typing import Annotated

from fastapi import APIRouter

from app.db import SessionDep
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pages import service
from app.pages.schemas import PageRead, PageSummary
from app.pagination import Page, PagerDep

router = APIRouter(prefix="/pages", tags=["Pages"])


@router.get(
    "",
    response_model=Page[PageSummary],
    summary="List public pages",
    responses=problem_responses(422),
)
async def list_pages(
    session: SessionDep, pager: PagerDep, fields: Annotated[FieldSet, field_set(PageSummary)]
) -> Page[PageSummary]:
    """Public standing pages (about, mission, jobs, contact, legal) by title, without bodies."""
    rows, total = await service.list_public_pages(session, page=pager.params)
    return pager.page(rows, total=total, schema=PageSummary, fields=fields)


@router.get(
    "/{slug}",
    response_model=PageRead,
    summary="Get one page",
    responses=problem_responses(404),
)
async def get_page(
    slug: str, session: SessionDep, fields: Annotated[FieldSet, field_set(PageRead)]
) -> PageRead:
    """A public standing page with its body and search-engine fields, by slug."""
    found = await service.get_public_page(session, slug=slug)
    return fields.respond(PageRead.model_validate(found))
