from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import Role
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
