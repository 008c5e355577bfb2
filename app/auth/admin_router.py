from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app import urls
from app.auth import admin_service as service
from app.auth.dependencies import CurrentUser
from app.auth.models import Role, User
from app.auth.schemas import UserAdminRead, UserCreate, UserUpdate
from app.db import SessionDep
from app.editorial.idempotency import IdempotencyDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId

router = APIRouter(prefix="/users", tags=["Admin: users"])


async def user_by_id(user_id: RowId, session: SessionDep) -> User:
    """The account named in the path, or 404."""
    return await service.get_user(session, user_id=user_id)


UserDep = Annotated[User, Depends(user_by_id)]


@router.get(
    "",
    response_model=Page[UserAdminRead],
    summary="List accounts",
    responses=problem_responses(401, 403, 422),
)
async def list_users(
    session: SessionDep,
    pager: PagerDep,
    role: Role | None = None,
    is_active: bool | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=320, description="Part of the email.")
    ] = None,
) -> Page[UserAdminRead]:
    """Every account, by email, filtered by role, active flag and part of the email."""
    filters = service.UserFilters(role=role, is_active=is_active, q=q)
    rows, total = await service.list_users(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=UserAdminRead)


@router.post(
    "",
    status_code=201,
    response_model=UserAdminRead,
    summary="Create an account",
    responses={
        201: {"headers": {"Location": {"description": "The new account."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_user(
    body: UserCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create an active account (409 if the email is taken). The password is never shown
    again. Send `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    created = await service.create_user(session, actor=user, data=body)
    location = urls.url_for(request, "get_user_admin", user_id=created.id)
    response = JSONResponse(
        UserAdminRead.model_validate(created).model_dump(mode="json"),
        status_code=201,
        headers={"Location": location},
    )
    await idempotency.remember(response)
    return response


@router.get(
    "/{user_id}",
    response_model=UserAdminRead,
    summary="Get an account",
    name="get_user_admin",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_user(user: UserDep) -> UserAdminRead:
    """One account, without its password."""
    return UserAdminRead.model_validate(user)


@router.patch(
    "/{user_id}",
    response_model=UserAdminRead,
    summary="Change an account",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_user(
    body: UserUpdate, user: UserDep, session: SessionDep, actor: CurrentUser
) -> UserAdminRead:
    """Change the fields sent. A new `password` or `is_active: false` signs the user out
    everywhere. You cannot deactivate yourself or drop your own admin role (409)."""
    user = await service.update_user(session, actor=actor, user=user, data=body)
    return UserAdminRead.model_validate(user)


@router.delete(
    "/{user_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an account",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def delete_user(user: UserDep, session: SessionDep, actor: CurrentUser) -> Response:
    """Delete an account for good (deactivate it to keep its history linked). What they
    wrote stays. You cannot delete yourself (409)."""
    await service.delete_user(session, actor=actor, user=user)
    return Response(status_code=204)
