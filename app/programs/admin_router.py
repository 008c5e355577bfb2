from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app import urls
from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.editorial.concurrency import check_if_match
from app.editorial.idempotency import IdempotencyDep
from app.editorial.responses import ETAG_HEADER, created, with_etag
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.programs import admin_service as service
from app.programs.models import Program
from app.programs.schemas import (
    ProgramAdminRead,
    ProgramAdminSummary,
    ProgramCreate,
    ProgramUpdate,
)

router = APIRouter(prefix="/programs", tags=["Admin: programs"])


async def program_by_id(program_id: RowId, session: SessionDep) -> Program:
    """The program named in the path, or 404."""
    return await service.get_program(session, program_id=program_id)


ProgramDep = Annotated[Program, Depends(program_by_id)]


@router.get(
    "",
    response_model=Page[ProgramAdminSummary],
    summary="List programs for editing",
    responses=problem_responses(401, 403, 422),
)
async def list_programs(session: SessionDep, pager: PagerDep) -> Page[ProgramAdminSummary]:
    """Programs in display order, each with its director whatever the director's status."""
    rows, total = await service.list_programs(session, page=pager.params)
    return pager.page(rows, total=total, schema=ProgramAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=ProgramAdminRead,
    summary="Create a program",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new program."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_program(
    body: ProgramCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create a program; it is public at once (its experts only once they are). Send
    `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    program = await service.create_program(session, user=user, data=body)
    location = urls.url_for(request, "get_program_admin", program_id=program.id)
    response = created(ProgramAdminRead.model_validate(program), row=program, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{program_id}",
    response_model=ProgramAdminRead,
    summary="Get a program",
    name="get_program_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404, 422)},
)
async def get_program(program: ProgramDep, response: Response) -> ProgramAdminRead:
    """A program with its director and every member, and the `ETag` for the next write."""
    with_etag(response, program)
    return ProgramAdminRead.model_validate(program)


@router.patch(
    "/{program_id}",
    response_model=ProgramAdminRead,
    summary="Edit a program",
    responses={
        200: {"headers": ETAG_HEADER},
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
)
async def update_program(
    body: ProgramUpdate,
    program: ProgramDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> ProgramAdminRead:
    """Change the fields sent (`members` replaces the whole list). Needs `If-Match` with
    the last `ETag` read (428 without it, 412 if someone saved in between). A new `slug`
    keeps the old one as a redirect."""
    check_if_match(request, program)
    program = await service.update_program(session, user=user, program=program, data=body)
    with_etag(response, program)
    return ProgramAdminRead.model_validate(program)


@router.delete(
    "/{program_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a program",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def delete_program(
    program: ProgramDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete a program for good. Refused (409, naming them) while experts, content or
    earlier versions use it. Needs `If-Match`."""
    check_if_match(request, program)
    await service.delete_program(session, user=user, program=program)
    return Response(status_code=204)
