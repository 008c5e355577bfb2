"""The outbox (admins only): emails and webhook deliveries that wait or were given up, and
sending one again."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.worker import outbox
from app.worker.queue import QueueState
from app.worker.schemas import OutboxItem, OutboxKind

router = APIRouter(prefix="/outbox", tags=["Admin: outbox"])


@router.get(
    "",
    response_model=Page[OutboxItem],
    summary="List what waits to be sent",
    responses=problem_responses(401, 403, 422),
)
async def list_outbox(
    session: SessionDep,
    pager: PagerDep,
    kind: Annotated[list[OutboxKind] | None, Query(description="Repeatable, OR.")] = None,
    state: Annotated[
        list[QueueState] | None,
        Query(description="Repeatable, OR; default `pending` and `failed`."),
    ] = None,
) -> Page[OutboxItem]:
    """Emails and webhook deliveries, newest first: those still pending (with the error
    they wait out) and those given up, unless `state` asks for others."""
    filters = outbox.OutboxFilters(kinds=tuple(kind or ()), states=tuple(state or outbox.WAITING))
    items, total = await outbox.list_items(session, filters=filters, page=pager.params)
    return pager.page(items, total=total, schema=OutboxItem)


@router.post(
    "/{item_id}/retry",
    status_code=202,
    response_model=OutboxItem,
    summary="Send an email or webhook delivery again",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def retry_outbox_item(item_id: str, session: SessionDep, user: CurrentUser) -> OutboxItem:
    """Due now, with a fresh allowance of attempts and the same content; the worker sends it
    on its next pass (a webhook's once its endpoint is active). An email to an address
    that has unsubscribed is never sent again (409)."""
    return await outbox.retry(session, actor=user, item_id=item_id)
