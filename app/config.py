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
    article_url_pattern: str = Field(
        default="/{kind}/{slug}/",
        description="Path of an article on the website, under SITE_URL: {kind}, {slug}, {id}.",
    )
    event_url_pattern: str = Field(
        default="/events/{slug}/", description="Path of an event on the website: {slug}, {id}."
    )
    page_url_pattern: str = Field(
        default="/{slug}/", description="Path of a page on the website: {slug}, {id}."
    )
    expert_url_pattern: str = Field(
        default="/experts/{slug}/", description="Path of an expert on the website: {slug}, {id}."
    )
    topic_url_pattern: str = Field(
        default="/topics/{slug}/", description="Path of a topic on the website: {slug}, {id}."
    )
    program_url_pattern: str = Field(
        default="/programs/{slug}/", description="Path of a program on the website: {slug}, {id}."
    )

    @field_validator("site_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator(
        "article_url_pattern",
        "event_url_pattern",
        "page_url_pattern",
        "expert_url_pattern",
        "topic_url_pattern",
        "program_url_pattern",
    )
    @classmethod
    def _usable_pattern(cls, value: str) -> str:
        try:
            value.format(kind="op-ed", slug="slug", id=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"unusable URL pattern {value!r}: {exc}") from exc
        if not value.startswith("/"):
            raise ValueError(f"URL pattern {value!r} must start with /")
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
