from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from app.auth import api_keys, service
from app.auth.api_keys import ANONYMOUS, Reader
from app.auth.errors import InvalidApiKey, RoleRequired, ScopeRequired
from app.auth.models import ApiKeyScope, Role, User
from app.config import SettingsDep
from app.db import SessionDep
from app.errors import Unauthorized

TOKEN_URL = "/api/v1/admin/auth/token"

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    scheme_name="EditorSignIn",  # a component name: letters, digits, . _ -
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


api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="PartnerKey",
    description="A partner API key (admins create them at /api/v1/admin/api-keys).",
    auto_error=False,
)


async def current_reader(
    request: Request,
    session: SessionDep,
    key: Annotated[str | None, Depends(api_key_header)],
) -> Reader:
    """Who is reading: anonymous without `X-API-Key`; a wrong, revoked or expired key is 401."""
    if key is None:
        return ANONYMOUS
    row = await api_keys.find_usable(session, key=key)
    if row is None:
        raise InvalidApiKey()
    reader = Reader(key_id=row.id, scopes=frozenset(row.scopes))
    request.state.reader = reader
    return reader


ReaderDep = Annotated[Reader, Depends(current_reader)]


async def partner_reader(reader: ReaderDep) -> Reader:
    """A reader with a key that may read content (`content:read`)."""
    if not reader.is_partner:
        raise InvalidApiKey()
    if ApiKeyScope.content_read.value not in reader.scopes:
        raise ScopeRequired(ApiKeyScope.content_read.value)
    return reader


PartnerDep = Annotated[Reader, Depends(partner_reader)]
