from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from app import urls
from app.auth.dependencies import CurrentUser
from app.config import SettingsDep
from app.db import SessionDep
from app.editorial.idempotency import IdempotencyDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.webhooks import service
from app.webhooks.models import WebhookEndpoint
from app.webhooks.schemas import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["Admin: webhooks"])

NO_STORE = {"Cache-Control": "no-store"}  # an answer holding a secret is never kept


async def endpoint_by_id(webhook_id: RowId, session: SessionDep) -> WebhookEndpoint:
    """The endpoint named in the path, or 404."""
    return await service.get_endpoint(session, endpoint_id=webhook_id)


EndpointDep = Annotated[WebhookEndpoint, Depends(endpoint_by_id)]


@router.get(
    "",
    response_model=Page[WebhookRead],
    summary="List webhook endpoints",
    responses=problem_responses(401, 403, 422),
)
async def list_webhooks(session: SessionDep, pager: PagerDep) -> Page[WebhookRead]:
    """Every registered endpoint, oldest first, without secrets."""
    rows, total = await service.list_endpoints(session, page=pager.params)
    return pager.page(rows, total=total, schema=WebhookRead)


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    summary="Register a webhook endpoint",
    responses={
        201: {"headers": {"Location": {"description": "The new endpoint."}}},
        **problem_responses(401, 403, 422),
    },
)
async def create_webhook(
    body: WebhookCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Register a URL for the events named. The answer carries the signing `secret`, this
    once only (`Cache-Control: no-store`). In production a URL resolving to a private
    address is refused (422). Send `Idempotency-Key` to make retries safe: a retry answers
    the same endpoint with `secret: null`."""
    if replayed := await idempotency.replay():
        return replayed
    endpoint, secret = await service.create_endpoint(
        session, actor=user, data=body, settings=settings
    )
    created = WebhookCreated(**WebhookRead.model_validate(endpoint).model_dump(), secret=secret)
    headers = {
        "Location": urls.url_for(request, "get_webhook", webhook_id=endpoint.id),
        **NO_STORE,
    }
    # What is remembered for a retry must not hold the secret.
    forgotten = created.model_copy(update={"secret": None}).model_dump(mode="json")
    await idempotency.remember(JSONResponse(forgotten, status_code=201, headers=headers))
    return JSONResponse(created.model_dump(mode="json"), status_code=201, headers=headers)


@router.get(
    "/{webhook_id}",
    response_model=WebhookRead,
    summary="Get a webhook endpoint",
    name="get_webhook",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_webhook(endpoint: EndpointDep) -> WebhookRead:
    """One endpoint, without its secret."""
    return WebhookRead.model_validate(endpoint)


@router.patch(
    "/{webhook_id}",
    response_model=WebhookRead,
    summary="Change a webhook endpoint",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_webhook(
    body: WebhookUpdate,
    endpoint: EndpointDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> WebhookRead:
    """Change the fields sent. `is_active: true` re-enables a disabled endpoint, resets its
    failure count, and its pending deliveries go out again."""
    endpoint = await service.update_endpoint(
        session, actor=user, endpoint=endpoint, data=body, settings=settings
    )
    return WebhookRead.model_validate(endpoint)


@router.delete(
    "/{webhook_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a webhook endpoint",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_webhook(endpoint: EndpointDep, session: SessionDep, user: CurrentUser) -> Response:
    """Delete an endpoint, its pending deliveries and its delivery log."""
    await service.delete_endpoint(session, actor=user, endpoint=endpoint)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Page[DeliveryRead],
    summary="Read an endpoint's delivery log",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_deliveries(
    endpoint: EndpointDep, session: SessionDep, pager: PagerDep
) -> Page[DeliveryRead]:
    """Deliveries to this endpoint, newest first, each with every attempt made."""
    rows, total = await service.list_deliveries(session, endpoint=endpoint, page=pager.params)
    return pager.page(rows, total=total, schema=DeliveryRead)


@router.post(
    "/{webhook_id}/ping",
    status_code=202,
    response_model=DeliveryRead,
    summary="Send a test event",
    responses=problem_responses(401, 403, 404, 422),
)
async def ping_webhook(
    endpoint: EndpointDep, session: SessionDep, user: CurrentUser
) -> DeliveryRead:
    """Queue a signed `ping` delivery to this endpoint; the worker sends it on its next pass."""
    delivery = await service.ping(session, actor=user, endpoint=endpoint)
    return DeliveryRead.model_validate(delivery)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryRead,
    summary="Send a delivery again",
    responses=problem_responses(401, 403, 404, 422),
)
async def retry_delivery(
    delivery_id: RowId, endpoint: EndpointDep, session: SessionDep, user: CurrentUser
) -> DeliveryRead:
    """Queue this delivery again, due now, with the same body and a fresh allowance of
    attempts (sent or failed alike)."""
    delivery = await service.retry_delivery(
        session, actor=user, endpoint=endpoint, delivery_id=delivery_id
    )
    return DeliveryRead.model_validate(delivery)


@router.post(
    "/{webhook_id}/rotate",
    response_model=WebhookCreated,
    summary="Rotate a webhook secret",
    responses=problem_responses(401, 403, 404, 422),
)
async def rotate_webhook_secret(
    endpoint: EndpointDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    response: Response,
) -> WebhookCreated:
    """A new signing secret, shown this once (`Cache-Control: no-store`); deliveries sent
    from now on are signed with it, retries included."""
    endpoint, secret = await service.rotate_secret(
        session, actor=user, endpoint=endpoint, settings=settings
    )
    response.headers.update(NO_STORE)
    return WebhookCreated(**WebhookRead.model_validate(endpoint).model_dump(), secret=secret)
