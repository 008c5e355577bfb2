import csv
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.auth.dependencies import CurrentUser
from app.config import SettingsDep
from app.db import SessionDep
from app.newsletter import service
from app.newsletter.models import SubscriptionState
from app.newsletter.schemas import OutboxEmailRead, SubscriptionAdminRead
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.worker.queue import QueueState

router = APIRouter(prefix="/newsletter", tags=["Admin: newsletter"])

CSV_COLUMNS = ("email", "name", "interests", "source", "confirmed_at", "consent_at",
               "consent_text_version")  # fmt: skip


def subscription_filters(
    email: Annotated[str | None, Query(max_length=320, description="Part of the address.")] = None,
    state: Annotated[list[SubscriptionState] | None, Query(description="Repeatable, OR.")] = None,
    interest: Annotated[str | None, Query(description="A topic or program slug.")] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    confirmed_after: datetime | None = None,
    confirmed_before: datetime | None = None,
) -> service.SubscriptionFilters:
    """The filters of the subscription list and export."""
    return service.SubscriptionFilters(
        email=email,
        states=tuple(state or ()),
        interest=interest,
        created_after=created_after,
        created_before=created_before,
        confirmed_after=confirmed_after,
        confirmed_before=confirmed_before,
    )


FiltersDep = Annotated[service.SubscriptionFilters, Depends(subscription_filters)]


@router.get(
    "/subscriptions",
    response_model=Page[SubscriptionAdminRead],
    summary="List newsletter subscriptions",
    responses=problem_responses(401, 403, 422),
)
async def list_subscriptions(
    session: SessionDep, filters: FiltersDep, pager: PagerDep
) -> Page[SubscriptionAdminRead]:
    """Subscriptions in every state with their consent record, newest first."""
    rows, total = await service.list_subscriptions(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=SubscriptionAdminRead)


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # A leading = + - @ makes spreadsheets run the cell as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = {c: getattr(row, c) for c in CSV_COLUMNS}
        values["interests"] = " ".join(row.interests)
        writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


@router.get(
    "/subscriptions/export.csv",
    summary="Export confirmed subscribers as CSV",
    response_class=Response,
    responses={
        200: {
            "description": "One row per confirmed subscriber: " + ", ".join(CSV_COLUMNS) + ".",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(401, 403, 422),
    },
)
async def export_subscriptions(session: SessionDep, filters: FiltersDep) -> Response:
    """Every confirmed subscriber matching the filters (the `state` filter aside), as CSV
    for the mailing tool."""
    rows = await service.confirmed_subscribers(session, filters=filters)
    return Response(
        _csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="newsletter-subscribers.csv"'},
    )


@router.delete(
    "/subscriptions/{subscription_id}",
    status_code=204,
    response_class=Response,
    summary="Erase a subscriber",
    responses=problem_responses(401, 403, 404),
)
async def erase_subscription(
    subscription_id: RowId, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """Forget a person (right to erasure): the subscription, its consent record and its
    emails go; the audit log keeps only a keyed hash of the address."""
    await service.erase(session, settings, user=user, subscription_id=subscription_id)
    return Response(status_code=204)


@router.get(
    "/outbox",
    response_model=Page[OutboxEmailRead],
    summary="List outgoing emails",
    responses=problem_responses(401, 403, 422),
)
async def list_outbox(
    session: SessionDep,
    pager: PagerDep,
    state: Annotated[list[QueueState] | None, Query(description="Repeatable, OR.")] = None,
) -> Page[OutboxEmailRead]:
    """The email outbox, newest first: what was sent, what waits for a retry and why, and
    (with no SMTP server configured) what was only written to the log."""
    rows, total = await service.list_outbox(session, states=tuple(state or ()), page=pager.params)
    return pager.page(rows, total=total, schema=OutboxEmailRead)
