from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app import urls
from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.editorial import revisions
from app.editorial.concurrency import check_if_match
from app.editorial.idempotency import IdempotencyDep
from app.editorial.responses import ETAG_HEADER, created, with_etag
from app.editorial.schemas import RevisionRead
from app.experts import admin_service as service
from app.experts.dependencies import ExpertFiltersDep
from app.experts.models import Expert
from app.experts.schemas import ExpertAdminRead, ExpertAdminSummary, ExpertCreate, ExpertUpdate
from app.experts.service import RESOURCE
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.workflow import Status

router = APIRouter(prefix="/experts", tags=["Admin: experts"])

WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


async def expert_by_id(expert_id: RowId, session: SessionDep) -> Expert:
    """The expert named in the path, in any status, or 404."""
    return await service.get_expert(session, expert_id=expert_id)


ExpertDep = Annotated[Expert, Depends(expert_by_id)]


@router.get(
    "",
    response_model=Page[ExpertAdminSummary],
    summary="List experts in every status",
    responses=problem_responses(401, 403, 422),
)
async def list_experts(
    session: SessionDep,
    filters: ExpertFiltersDep,
    pager: PagerDep,
    status: Annotated[list[Status] | None, Query(description="Repeatable, OR.")] = None,
) -> Page[ExpertAdminSummary]:
    """Every expert, drafts included, by family name, with the public list's filters plus
    `status`."""
    rows, total = await service.list_experts(
        session, filters=filters, statuses=status or [], page=pager.params
    )
    return pager.page(rows, total=total, schema=ExpertAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=ExpertAdminRead,
    summary="Create an expert",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new expert."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_expert(
    body: ExpertCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create an expert profile (a draft unless `status` says otherwise). Send
    `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    expert = await service.create_expert(session, user=user, data=body)
    location = urls.url_for(request, "get_expert_admin", expert_id=expert.id)
    response = created(ExpertAdminRead.model_validate(expert), row=expert, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{expert_id}",
    response_model=ExpertAdminRead,
    summary="Get an expert",
    name="get_expert_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404, 422)},
)
async def get_expert(expert: ExpertDep, response: Response) -> ExpertAdminRead:
    """An expert in any status, with the `ETag` for the next write."""
    with_etag(response, expert)
    return ExpertAdminRead.model_validate(expert)


@router.patch(
    "/{expert_id}",
    response_model=ExpertAdminRead,
    summary="Edit an expert",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def update_expert(
    body: ExpertUpdate,
    expert: ExpertDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> ExpertAdminRead:
    """Change the fields sent. Needs `If-Match` with the last `ETag` read (428 without it,
    412 if someone saved in between). A new `slug` keeps the old one as a redirect."""
    check_if_match(request, expert)
    expert = await service.update_expert(session, user=user, expert=expert, data=body)
    with_etag(response, expert)
    return ExpertAdminRead.model_validate(expert)


@router.delete(
    "/{expert_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an expert",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def delete_expert(
    expert: ExpertDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete an expert for good. Refused (409, naming them) while by-lines, events,
    programs, accounts or earlier versions use them: archive them instead. Needs `If-Match`."""
    check_if_match(request, expert)
    await service.delete_expert(session, user=user, expert=expert)
    return Response(status_code=204)


@router.get(
    "/{expert_id}/revisions",
    response_model=Page[RevisionRead],
    summary="List an expert's revisions",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_revisions(
    expert: ExpertDep, session: SessionDep, pager: PagerDep
) -> Page[RevisionRead]:
    """The versions before each save, newest first."""
    rows, total = await revisions.list_revisions(
        session, resource=RESOURCE, resource_id=expert.id, page=pager.params
    )
    return pager.page(rows, total=total, schema=RevisionRead)


@router.post(
    "/{expert_id}/revisions/{number}/restore",
    response_model=ExpertAdminRead,
    summary="Restore an expert's revision",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def restore_revision(
    number: RowId,
    expert: ExpertDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> ExpertAdminRead:
    """Make an earlier version current again (the current one becomes a revision).
    Needs `If-Match`."""
    check_if_match(request, expert)
    expert = await service.restore_revision(session, user=user, expert=expert, number=number)
    with_etag(response, expert)
    return ExpertAdminRead.model_validate(expert)
