from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import service
from app.auth.errors import RoleRequired
from app.auth.models import Role, User
from app.config import SettingsDep
from app.db import SessionDep
from app.errors import Unauthorized

TOKEN_URL = "/api/v1/admin/auth/token"

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    scheme_name="Editor sign-in",
    description="Sign in with your email and password; Swagger UI keeps the token.",
    auto_error=False,
)


async def current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    """The signed-in user, from the `Authorization: Bearer` access token."""
    if not token:
        raise Unauthorized("Sign in first: send `Authorization: Bearer <access token>`.")
    user = await service.user_from_access_token(session, settings, token=token)
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role):
    """A dependency that lets only these roles through (403 for the others)."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise RoleRequired(*roles)
        return user

    return Depends(check)


AdminOnly = require_role(Role.admin)
EditorOrAdmin = require_role(Role.admin, Role.editor)
