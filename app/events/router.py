from typing import Annotated

from fastapi import APIRouter, Query

from app.db import SessionDep
from app.events import service
from app.events.dependencies import EventFiltersDep
from app.events.schemas import EventRead, EventSummary
from app.events.service import EventSort
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pagination import Page, PagerDep

router = APIRouter(prefix="/events", tags=["Events"])


@router.get(
    "",
    response_model=Page[EventSummary],
    summary="List public events",
    responses=problem_responses(422),
)
async def list_events(
    session: SessionDep,
    filters: EventFiltersDep,
    pager: PagerDep,
    fields: Annotated[FieldSet, field_set(EventSummary)],
    sort: Annotated[
        EventSort | None,
        Query(
            description="`starts_at` (soonest first) or `-starts_at` (latest first). Default: "
            "`starts_at` with `when=upcoming`, otherwise `-starts_at`."
        ),
    ] = None,
) -> Page[EventSummary]:
    """Public events, cancelled ones included and flagged. Repeat a filter for OR
    (`topic=china&topic=russia`); different filters combine with AND
    (`topic=china&format=virtual`)."""
    rows, total = await service.list_public_events(
        session, filters=filters, sort=sort, page=pager.params
    )
    return pager.page(rows, total=total, schema=EventSummary, fields=fields)


@router.get(
    "/{slug}",
    response_model=EventRead,
    summary="Get one event",
    responses=problem_responses(404),
)
async def get_event(
    slug: str, session: SessionDep, fields: Annotated[FieldSet, field_set(EventRead)]
) -> EventRead:
    """A public event with its body, speakers, topics and programs, by slug."""
    event = await service.get_public_event(session, slug=slug)
    return fields.respond(EventRead.model_validate(event))
