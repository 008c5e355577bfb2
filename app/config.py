"""Settings, read from the environment in one place."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from pydantic import AnyHttpUrl, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("data") / "pressroom.db"
DEV_SECRET = "development-only-secret-change-me-in-production"


class Settings(BaseSettings):
    """Everything the process can be told from outside."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}",
        description="Any SQLAlchemy async URL: sqlite+aiosqlite:// or postgresql+asyncpg://",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    site_name: str = "Pressroom"
    site_url: AnyHttpUrl = AnyHttpUrl("http://localhost:3000")
    site_timezone: str = "America/New_York"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "info"
    environment: str = "development"
    secret_key: str = Field(
        default=DEV_SECRET,
        min_length=32,
        description="Signs access and preview tokens. Required (not the default) in production.",
    )
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    preview_token_hours: int = Field(default=48, ge=1, le=24 * 30)
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_client: int = Field(default=20, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    cache_enabled: bool = Field(
        default=True,
        description="Share anonymous public GET answers through the response cache.",
    )
    cache_max_age: int = Field(
        default=60, ge=0, description="Cache-Control max-age of public GETs, in seconds."
    )
    cache_stale_while_revalidate: int = Field(
        default=300, ge=0, description="Cache-Control stale-while-revalidate, in seconds."
    )
    cache_ttl: int = Field(
        default=600,
        ge=1,
        description="Longest an answer stays in the response cache; writes purge it sooner, "
        "and the next scheduled publish time bounds it too.",
    )
    cache_max_entries: int = Field(default=10_000, ge=1, description="In-process cache size.")
    cache_max_bytes: int = Field(
        default=128 * 1024 * 1024, ge=1024, description="In-process cache size; largest entry."
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://host:port/db: share the response cache between workers.",
    )
    cache_prefix: str = Field(
        default="pressroom:cache:", min_length=1, description="Prefix of every Redis key."
    )

    @field_validator("site_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set in production")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests pass their own)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
