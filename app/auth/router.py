from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import CurrentUser
from app.auth.schemas import RefreshRequest, TokenResponse, UserRead
from app.config import SettingsDep
from app.db import SessionDep, utcnow
from app.editorial import audit
from app.openapi import problem_responses

router = APIRouter(prefix="/auth", tags=["Admin: sign-in"])


def _seconds_until(moment: datetime) -> int:
    return max(0, int((moment - utcnow()).total_seconds()))


def _token_response(pair: service.TokenPair, response: Response) -> TokenResponse:
    # RFC 6749 5.1: an answer holding tokens is never kept by a cache.
    response.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
    return TokenResponse(
        access_token=pair.access_token,
        expires_in=_seconds_until(pair.access_expires_at),
        refresh_token=pair.refresh_token,
        refresh_expires_in=_seconds_until(pair.refresh_expires_at),
    )


@router.post(
    "/token",
    response_model=TokenResponse,
    summary="Sign in (OAuth2 password flow)",
    responses=problem_responses(401, 422, 429),
)
async def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    response: Response,
) -> TokenResponse:
    """Exchange an email (`username`) and password for tokens. Failed attempts are
    throttled per (account, client address) and per address; the answer never says which
    part was wrong or whether the account exists."""
    client = request.client.host if request.client else "unknown"
    user = await service.authenticate(
        session, settings, email=form.username, password=form.password, client=client
    )
    pair = await service.issue_tokens(session, settings, user=user)
    await audit.record(session, user=user, action="login", resource="user", resource_id=user.id)
    return _token_response(pair, response)


@router.post(
    "/refresh",
    response_model=TokenResponse,
    summary="Rotate a refresh token",
    responses=problem_responses(401, 422),
)
async def refresh(
    body: RefreshRequest, session: SessionDep, settings: SettingsDep, response: Response
) -> TokenResponse:
    """A new access token and a new refresh token; the one sent is spent. Sending a spent
    token again revokes every token of that sign-in."""
    pair = await service.refresh(session, settings, token=body.refresh_token)
    return _token_response(pair, response)


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    summary="Sign out",
    responses=problem_responses(422),
)
async def logout(body: RefreshRequest, session: SessionDep) -> Response:
    """Revoke the refresh token and every token rotated from the same sign-in."""
    await service.logout(session, token=body.refresh_token)
    return Response(status_code=204)


@router.get(
    "/me", response_model=UserRead, summary="The signed-in user", responses=problem_responses(401)
)
async def me(user: CurrentUser) -> UserRead:
    """Who the access token belongs to."""
    return UserRead.model_validate(user)
