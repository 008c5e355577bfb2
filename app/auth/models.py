import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.tokens import new_row_key
from app.db import Base, UTCDateTime, utcnow
from app.workflow import Timestamped, str_enum

if TYPE_CHECKING:
    from app.experts.models import Expert


class Role(enum.StrEnum):
    admin = "admin"
    editor = "editor"
    author = "author"


class User(Timestamped, Base):
    """Someone who signs in to the admin API."""

    __tablename__ = "user"
    __table_args__ = {"sqlite_autoincrement": True}  # a deleted user's id is never reused

    id: Mapped[int] = mapped_column(primary_key=True)
    # Access tokens carry it: a token names this row, not whichever row gets its id next.
    # (Migration 0011 gives it a random server default too, for rows inserted in SQL.)
    token_key: Mapped[str] = mapped_column(String(32), default=new_row_key)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    expert_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert.id", ondelete="SET NULL"), index=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    expert: Mapped[Optional["Expert"]] = relationship(lazy="raise")


class RefreshToken(Base):
    """A refresh token, stored as a hash. Tokens of one login form a family that rotates."""

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """A failed sign-in, counted per account and per client address for throttling."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_email_created_at", "email", "created_at"),
        Index("ix_login_failure_client_created_at", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    client: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKeyScope(enum.StrEnum):
    content_read = "content:read"
    embargo_read = "embargo:read"


class ApiKey(Base):
    """A partner's key. Only a hash of the secret is stored; `prefix` identifies it in lists."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
