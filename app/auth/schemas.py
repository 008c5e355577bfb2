from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from app.auth.models import Role
from app.editorial.schemas import Slug, Text, WriteModel, reject_null
from app.refs import LYLE, ExpertRef
from app.schemas import ReadModel, Timestamp


class TokenResponse(BaseModel):
    """An access token for `Authorization: Bearer`, and a refresh token to get the next one."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds the access token lives.")
    refresh_token: str = Field(description="Single use: each refresh answers a new one.")
    refresh_expires_in: int
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "0sQbHq3m5v8W...",
                    "refresh_expires_in": 1209600,
                }
            ]
        }
    )


class RefreshRequest(BaseModel):
    """A refresh token, to rotate or to revoke."""

    refresh_token: str = Field(min_length=1, max_length=500)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"refresh_token": "0sQbHq3m5v8W..."}]}
    )


class UserRead(ReadModel):
    """An account, without its password."""

    id: int
    email: str
    display_name: str
    role: Role
    is_active: bool
    expert_id: int | None = None
    last_login_at: Timestamp | None = None
    created_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "email": "editor@defensepriorities.org",
                    "display_name": "Managing Editor",
                    "role": "editor",
                    "is_active": True,
                    "expert_id": None,
                    "last_login_at": "2026-11-28T14:00:00+00:00",
                    "created_at": "2026-01-05T09:00:00+00:00",
                }
            ]
        }
    )


PASSWORD_MIN_LENGTH = 12


def check_email(value: str) -> str:
    """A plausible address: one `@`, something before it, a dotted domain, no spaces.
    Deliberately loose (no email-validator here); the mail server is the real judge."""
    local, _, domain = value.partition("@")
    labels = domain.split(".")
    if (
        value.count("@") != 1
        or not local
        or len(labels) < 2
        or not all(labels)
        or any(c.isspace() for c in value)
    ):
        raise ValueError("must be an email address like name@example.org")
    return value.lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=320),
    AfterValidator(check_email),
]
PASSWORD_MAX_LENGTH = 1000
Password = Annotated[
    str,
    StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH),
    WithJsonSchema(
        {
            "type": "string",
            "format": "password",
            "minLength": PASSWORD_MIN_LENGTH,
            "maxLength": PASSWORD_MAX_LENGTH,
        }
    ),
]
DisplayName = Text(min_length=1, max_length=200)


class UserCreate(WriteModel):
    """A new account. The password is stored as an Argon2 hash and never shown again."""

    email: Email
    password: Password = Field(description=f"At least {PASSWORD_MIN_LENGTH} characters.")
    role: Role
    display_name: DisplayName | None = Field(
        default=None, description="Defaults to the part of the email before the `@`."
    )
    expert: Slug | None = Field(default=None, description="The slug of their expert profile.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "lyle.goldstein@defensepriorities.org",
                    "password": "correct horse battery staple",
                    "role": "author",
                    "display_name": "Lyle Goldstein",
                    "expert": "lyle-goldstein",
                }
            ]
        }
    )


class UserUpdate(WriteModel):
    """Changes to an account: only the fields sent are touched. A new password, a
    deactivation or a new role signs the user out everywhere, access tokens included."""

    display_name: DisplayName | None = None
    role: Role | None = None
    is_active: bool | None = Field(default=None, description="`false` blocks sign-in at once.")
    expert: Slug | None = Field(default=None, description="An expert slug; `null` unlinks.")
    password: Password | None = Field(
        default=None, description=f"At least {PASSWORD_MIN_LENGTH} characters."
    )

    _not_null = field_validator("role", "is_active", "display_name", "password")(reject_null)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "editor"}, {"is_active": False}]}
    )


class UserAdminRead(UserRead):
    """An account as admins see it, without its password."""

    expert: ExpertRef | None = Field(default=None, description="Their expert profile, if any.")
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "email": "lyle.goldstein@defensepriorities.org",
                    "display_name": "Lyle Goldstein",
                    "role": "author",
                    "is_active": True,
                    "expert_id": 1,
                    "expert": LYLE,
                    "last_login_at": None,
                    "created_at": "2026-01-05T09:00:00+00:00",
                    "updated_at": "2026-01-05T09:00:00+00:00",
                }
            ]
        }
    )
