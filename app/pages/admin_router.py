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
from app.openapi import problem_responses
from app.pages import admin_service as service
from app.pages.models import Page as StandingPage
from app.pages.schemas import PageAdminRead, PageAdminSummary, PageCreate, PageUpdate
from app.pages.service import RESOURCE
from app.pagination import Page, PagerDep
from app.params import RowId
from app.workflow import Status

router = APIRouter(prefix="/pages", tags=["Admin: pages"])

WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


async def page_by_id(page_id: RowId, session: SessionDep) -> StandingPage:
    """The page named in the path, in any status, or 404."""
    return await service.get_page(session, page_id=page_id)


PageDep = Annotated[StandingPage, Depends(page_by_id)]


@router.get(
    "",
    response_model=Page[PageAdminSummary],
    summary="List pages in every status",
    responses=problem_responses(401, 403, 422),
)
async def list_pages(
    session: SessionDep,
    pager: PagerDep,
    status: Annotated[list[Status] | None, Query(description="Repeatable, OR.")] = None,
) -> Page[PageAdminSummary]:
    """Every standing page by title, drafts included, optionally narrowed by `status`."""
    rows, total = await service.list_pages(session, statuses=status or [], page=pager.params)
    return pager.page(rows, total=total, schema=PageAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=PageAdminRead,
    summary="Create a page",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new page."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_page(
    body: PageCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create a standing page (a draft unless `status` says otherwise). Send
    `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    page = await service.create_page(session, user=user, data=body)
    location = urls.url_for(request, "get_page_admin", page_id=page.id)
    response = created(PageAdminRead.model_validate(page), row=page, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{page_id}",
    response_model=PageAdminRead,
    summary="Get a page",
    name="get_page_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404)},
)
async def get_page(page: PageDep, response: Response) -> PageAdminRead:
    """A standing page in any status, with its `ETag` for the next write."""
    with_etag(response, page)
    return PageAdminRead.model_validate(page)


@router.patch(
    "/{page_id}",
    response_model=PageAdminRead,
    summary="Edit a page",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def update_page(
    body: PageUpdate,
    page: PageDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> PageAdminRead:
    """Change the fields sent. Needs `If-Match` with the last `ETag` read (428 without it,
    412 if someone saved in between). A new `slug` keeps the old one as a redirect."""
    check_if_match(request, page)
    page = await service.update_page(session, user=user, page=page, data=body)
    with_etag(response, page)
    return PageAdminRead.model_validate(page)


@router.delete(
    "/{page_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a page",
    responses=problem_responses(401, 403, 404, 412, 428),
)
async def delete_page(
    page: PageDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete a page for good (archive it to keep it). Needs `If-Match`."""
    check_if_match(request, page)
    await service.delete_page(session, user=user, page=page)
    return Response(status_code=204)


@router.get(
    "/{page_id}/revisions",
    response_model=Page[RevisionRead],
    summary="List a page's revisions",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_revisions(page: PageDep, session: SessionDep, pager: PagerDep) -> Page[RevisionRead]:
    """The versions before each save, newest first."""
    rows, total = await revisions.list_revisions(
        session, resource=RESOURCE, resource_id=page.id, page=pager.params
    )
    return pager.page(rows, total=total, schema=RevisionRead)


@router.post(
    "/{page_id}/revisions/{number}/restore",
    response_model=PageAdminRead,
    summary="Restore a page revision",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def restore_revision(
    number: RowId,
    page: PageDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> PageAdminRead:
    """Make an earlier version current again (the current one becomes a revision).
    Needs `If-Match`."""
    check_if_match(request, page)
    page = await service.restore_revision(session, user=user, page=page, number=number)
    with_etag(response, page)
    return PageAdminRead.model_validate(page)
