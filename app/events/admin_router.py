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
from app.events import admin_service as service
from app.events.dependencies import EventFiltersDep
from app.events.models import Event
from app.events.schemas import EventAdminRead, EventAdminSummary, EventCreate, EventUpdate
from app.events.service import RESOURCE, EventSort
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.workflow import Status

router = APIRouter(prefix="/events", tags=["Admin: events"])

WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


async def event_by_id(event_id: RowId, session: SessionDep) -> Event:
    """The event named in the path, in any status, or 404."""
    return await service.get_event(session, event_id=event_id)


EventDep = Annotated[Event, Depends(event_by_id)]


@router.get(
    "",
    response_model=Page[EventAdminSummary],
    summary="List events in every status",
    responses=problem_responses(401, 403, 422),
)
async def list_events(
    session: SessionDep,
    filters: EventFiltersDep,
    pager: PagerDep,
    status: Annotated[list[Status] | None, Query(description="Repeatable, OR.")] = None,
    sort: Annotated[
        EventSort | None,
        Query(description="`starts_at` or `-starts_at`; the default depends on `when`."),
    ] = None,
) -> Page[EventAdminSummary]:
    """Every event, drafts included, with the public list's filters plus `status`."""
    rows, total = await service.list_events(
        session, filters=filters, statuses=status or [], sort=sort, page=pager.params
    )
    return pager.page(rows, total=total, schema=EventAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=EventAdminRead,
    summary="Create an event",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new event."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_event(
    body: EventCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create an event (a draft unless `status` says otherwise). Speakers are experts by
    slug or outside guests by name. Send `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    event = await service.create_event(session, user=user, data=body)
    location = urls.url_for(request, "get_event_admin", event_id=event.id)
    response = created(EventAdminRead.model_validate(event), row=event, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{event_id}",
    response_model=EventAdminRead,
    summary="Get an event",
    name="get_event_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404)},
)
async def get_event(event: EventDep, response: Response) -> EventAdminRead:
    """An event in any status, with its `ETag` for the next write."""
    with_etag(response, event)
    return EventAdminRead.model_validate(event)


@router.patch(
    "/{event_id}",
    response_model=EventAdminRead,
    summary="Edit an event",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def update_event(
    body: EventUpdate,
    event: EventDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> EventAdminRead:
    """Change the fields sent (`speakers`, `topics` and `programs` are replaced whole).
    Needs `If-Match` with the last `ETag` read (428 without it, 412 if someone saved in
    between). A new `slug` keeps the old one as a redirect."""
    check_if_match(request, event)
    event = await service.update_event(session, user=user, event=event, data=body)
    with_etag(response, event)
    return EventAdminRead.model_validate(event)


@router.delete(
    "/{event_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an event",
    responses=problem_responses(401, 403, 404, 412, 428),
)
async def delete_event(
    event: EventDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete an event for good (archive it, or set `cancelled`, to keep it). Needs
    `If-Match`."""
    check_if_match(request, event)
    await service.delete_event(session, user=user, event=event)
    return Response(status_code=204)


@router.get(
    "/{event_id}/revisions",
    response_model=Page[RevisionRead],
    summary="List an event's revisions",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_revisions(
    event: EventDep, session: SessionDep, pager: PagerDep
) -> Page[RevisionRead]:
    """The versions before each save, newest first."""
    rows, total = await revisions.list_revisions(
        session, resource=RESOURCE, resource_id=event.id, page=pager.params
    )
    return pager.page(rows, total=total, schema=RevisionRead)


@router.post(
    "/{event_id}/revisions/{number}/restore",
    response_model=EventAdminRead,
    summary="Restore an event revision",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def restore_revision(
    number: RowId,
    event: EventDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> EventAdminRead:
    """Make an earlier version current again (the current one becomes a revision).
    Needs `If-Match`."""
    check_if_match(request, event)
    event = await service.restore_revision(session, user=user, event=event, number=number)
    with_etag(response, event)
    return EventAdminRead.model_validate(event)
