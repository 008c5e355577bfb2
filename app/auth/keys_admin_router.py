"""Partner API keys (admins only). Revoking is `POST .../revoke`, not DELETE: the row stays,
with its usage, for the record."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from app import urls
from app.auth import keys_admin_service as service
from app.auth.dependencies import CurrentUser
from app.auth.keys_schemas import ApiKeyCreate, ApiKeyRead, ApiKeySecret, ApiKeyState, with_secret
from app.auth.models import ApiKey
from app.db import SessionDep
from app.editorial.idempotency import IdempotencyDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId

router = APIRouter(prefix="/api-keys", tags=["Admin: API keys"])

NO_STORE = {"Cache-Control": "no-store"}  # an answer holding a secret is never kept


async def key_by_id(key_id: RowId, session: SessionDep) -> ApiKey:
    """The key named in the path, or 404."""
    return await service.get_key(session, key_id=key_id)


KeyDep = Annotated[ApiKey, Depends(key_by_id)]


@router.get(
    "",
    response_model=Page[ApiKeyRead],
    summary="List API keys",
    responses=problem_responses(401, 403, 422),
)
async def list_keys(
    session: SessionDep, pager: PagerDep, state: ApiKeyState | None = None
) -> Page[ApiKeyRead]:
    """Every partner key, newest first, with its usage; never a secret."""
    rows, total = await service.list_keys(session, state=state, page=pager.params)
    return pager.page(rows, total=total, schema=ApiKeyRead)


@router.post(
    "",
    status_code=201,
    response_model=ApiKeySecret,
    summary="Create an API key",
    responses={
        201: {"headers": {"Location": {"description": "The new key."}}},
        **problem_responses(401, 403, 422),
    },
)
async def create_key(
    body: ApiKeyCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create a partner key. The secret is in `key`, in this answer only: it is stored as a
    hash. With `Idempotency-Key`, a retry answers the same key without its secret."""
    if replayed := await idempotency.replay():
        return replayed
    row, minted = await service.create_key(session, actor=user, data=body)
    headers = {
        "Location": urls.url_for(request, "get_api_key_admin", key_id=row.id),
        **NO_STORE,
    }
    answer = with_secret(row, minted.key)
    # What is remembered for a retry must not hold the secret.
    await idempotency.remember(
        JSONResponse(answer.model_copy(update={"key": None}).model_dump(mode="json"), 201, headers)
    )
    return JSONResponse(answer.model_dump(mode="json"), status_code=201, headers=headers)


@router.get(
    "/{key_id}",
    response_model=ApiKeyRead,
    summary="Get an API key",
    name="get_api_key_admin",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_key(row: KeyDep) -> ApiKeyRead:
    """One key and its usage, without its secret."""
    return ApiKeyRead.model_validate(row)


@router.post(
    "/{key_id}/revoke",
    response_model=ApiKeyRead,
    summary="Revoke an API key",
    responses=problem_responses(401, 403, 404, 422),
)
async def revoke_key(row: KeyDep, session: SessionDep, user: CurrentUser) -> ApiKeyRead:
    """Stop the key at once (its next request is a 401). The row stays, with its usage;
    revoking it again changes nothing."""
    row = await service.revoke_key(session, actor=user, row=row)
    return ApiKeyRead.model_validate(row)


@router.post(
    "/{key_id}/rotate",
    response_model=ApiKeySecret,
    summary="Rotate an API key",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def rotate_key(
    row: KeyDep, session: SessionDep, user: CurrentUser, response: Response
) -> ApiKeySecret:
    """A new secret for the same key, shown this once; the old one stops working at once.
    A revoked or expired key cannot be rotated (409)."""
    row, minted = await service.rotate_key(session, actor=user, row=row)
    response.headers.update(NO_STORE)
    return with_secret(row, minted.key)
