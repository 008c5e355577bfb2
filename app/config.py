"""Settings, read from the environment in one place."""

import enum
import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from pydantic import AnyHttpUrl, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("data") / "pressroom.db"
SECRET_KEY_FILE = "secret_key"
SECRET_KEY_MIN_LENGTH = 32
# ENVIRONMENT=test without SECRET_KEY: random, and the same for every Settings in the process.
_TEST_SECRET = secrets.token_urlsafe(48)


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigError(RuntimeError):
    """Settings a server or worker refuses to run with; the message says what to set."""


class Settings(BaseSettings):
    """Everything the process can be told from outside."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}",
        description="Any SQLAlchemy async URL: sqlite+aiosqlite:// or postgresql+asyncpg://",
    )
    database_pre_ping: bool = Field(
        default=False,
        description="Test each pooled PostgreSQL connection with a round trip before use. "
        "Off (~0.2 ms a request saved): connections a restart closed are replaced anyway; "
        "one a network drop left half-open fails a request (503). On: none does.",
    )
    database_connect_timeout: float = Field(
        default=5.0,
        gt=0,
        description="PostgreSQL: seconds to wait for a connection before answering 503.",
    )
    database_statement_timeout: float = Field(
        default=30.0,
        gt=0,
        description="PostgreSQL: seconds a statement may run before it is cancelled and the "
        "request answers 503.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    site_name: str = "Pressroom"
    site_url: AnyHttpUrl = AnyHttpUrl("http://localhost:3000")
    site_timezone: str = "America/New_York"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "info"
    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="development, test or production; anything else refuses to start.",
    )
    secret_key: str | None = Field(
        default=None,
        min_length=SECRET_KEY_MIN_LENGTH,
        description="Signs tokens and encrypts webhook secrets. Required in production; in "
        "development `pressroom serve` generates one into the data folder.",
    )
    docs_enabled: bool = Field(default=True, description="Serve /docs, /redoc and /openapi.json.")
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body; larger ones are a 413."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Host names served (*.example.org for subdomains, * for "
        "any); others are a 400. Default: the host of PUBLIC_API_URL in production, else *.",
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Comma-separated proxy addresses or networks (or *) whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed.",
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
    rate_limit_enabled: bool = Field(
        default=True,
        description="Limit public reads per API key and per anonymous client address "
        "(shared through REDIS_URL when set, else per process).",
    )
    rate_limit_anonymous_per_minute: int = Field(
        default=600, ge=1, description="Requests a minute per client address without a key."
    )
    rate_limit_partner_per_minute: int = Field(
        default=3000,
        ge=1,
        description="Requests a minute per API key that has no rate_limit_per_minute of its own.",
    )
    rate_limit_strategy: Literal["sliding-window-counter", "moving-window"] = Field(
        default="sliding-window-counter",
        description="sliding-window-counter: two counters a client, approximate near the turn "
        "of a minute; moving-window: exact, one timestamp per request in the window.",
    )
    rate_limit_prefix: str = Field(
        default="pressroom:ratelimit", min_length=1, description="Prefix of rate limit Redis keys."
    )
    api_key_usage_flush_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How often each process writes the API key request counts it has kept.",
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
    webhook_max_attempts: int = Field(
        default=12,
        ge=1,
        le=50,
        description="Tries per webhook delivery (backoff 10 s doubling to 1 h, ~3.5 h in all) "
        "before it is marked failed.",
    )
    webhook_disable_after: int = Field(
        default=20,
        ge=1,
        description="Failed attempts in a row, across deliveries, that disable an endpoint.",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=60, description="Seconds to wait for a webhook receiver."
    )
    webhook_batch: int = Field(
        default=20, ge=1, le=500, description="Deliveries one worker claims per pass."
    )
    public_api_url: AnyHttpUrl | None = Field(
        default=None,
        description="Absolute URL of this API, for links in emails (List-Unsubscribe); "
        "default http://HOST:PORT.",
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for outgoing email; unset: emails are logged."
    )
    smtp_port: int | None = Field(
        default=None, ge=1, le=65535, description="Default 465 with SMTP_TLS=tls, else 587/25."
    )
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: Literal["starttls", "tls", "none"] | None = Field(
        default=None, description="Default starttls when SMTP_USER is set, else none."
    )
    smtp_timeout: float = Field(default=30.0, gt=0, description="Seconds per SMTP exchange.")
    mail_from: str = Field(
        default="Pressroom <newsletter@localhost>", description="The From of every email."
    )
    newsletter_confirm_path: str = Field(
        default="/newsletter/confirm",
        description="Frontend page (under SITE_URL) that confirms a signup; gets ?token=.",
    )
    newsletter_preferences_path: str = Field(
        default="/newsletter/preferences",
        description="Frontend page (under SITE_URL) to change interests; gets ?token=.",
    )
    newsletter_consent_version: str = Field(
        default="2026-11", description="Version of the consent wording the signup box shows."
    )
    newsletter_confirm_hours: int = Field(
        default=72, ge=1, description="How long a confirmation link works."
    )
    newsletter_link_days: int = Field(
        default=365, ge=1, description="How long unsubscribe and preferences links work."
    )
    newsletter_resend_minutes: int = Field(
        default=15, ge=0, description="A pending address is sent at most one email per interval."
    )
    newsletter_signups_per_client: int = Field(
        default=10, ge=1, description="Signups per client address per window."
    )
    newsletter_signups_per_email: int = Field(
        default=3, ge=1, description="Signups per email address per window."
    )
    newsletter_signup_window_minutes: int = Field(default=60, ge=1)
    newsletter_max_attempts: int = Field(
        default=10,
        ge=1,
        description="Failed SMTP attempts after which an email is reported (logged as an "
        "error once); it is still retried, at most hourly, until the server takes it.",
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
    def _random_secret_in_tests(self) -> "Settings":
        if self.environment == Environment.TEST and self.secret_key is None:
            self.secret_key = _TEST_SECRET
        return self

    @field_validator("cors_origins", "allowed_hosts", "forwarded_allow_ips", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _host_patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if "*" in pattern.removeprefix("*.") and pattern != "*":
                raise ValueError(f"{pattern!r}: a wildcard is * alone or *.domain")
        return [pattern.lower() for pattern in value]

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            if item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def smtp_security(self) -> str:
        return self.smtp_tls or ("starttls" if self.smtp_user else "none")

    @property
    def api_url(self) -> str:
        """Where this API is reached from outside, without a trailing slash."""
        return str(self.public_api_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host names served: ALLOWED_HOSTS, else PUBLIC_API_URL's in production, else *."""
        if self.allowed_hosts:
            return self.allowed_hosts
        if self.environment != Environment.PRODUCTION:
            return ["*"]
        return (
            [self.public_api_url.host] if self.public_api_url and self.public_api_url.host else []
        )

    @property
    def data_dir(self) -> Path:
        """The folder of the SQLite database (./data on PostgreSQL): generated files live there."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix)).parent
        return DEFAULT_SQLITE_PATH.parent


def check_runnable(settings: Settings, *, serving: bool = True) -> None:
    """Refuse to run a server (or, `serving=False`, a worker) with no secret or no known host."""
    if settings.secret_key is None:
        how = (
            "`pressroom serve` and `pressroom worker` keep one in "
            f"{settings.data_dir / SECRET_KEY_FILE}"
            if settings.environment == Environment.DEVELOPMENT
            else "python -c 'import secrets; print(secrets.token_urlsafe(48))' makes one"
        )
        raise ConfigError(
            f"SECRET_KEY is not set (ENVIRONMENT={settings.environment}): set it to a random "
            f"value of {SECRET_KEY_MIN_LENGTH}+ characters; {how}."
        )
    if serving and not settings.trusted_hosts:
        raise ConfigError(
            "ENVIRONMENT=production needs PUBLIC_API_URL (the API's public URL; its host is "
            "then the one allowed) or ALLOWED_HOSTS (the Host names to answer)."
        )


def keep_secret_key(settings: Settings) -> str:
    """The development secret in the data folder, created (random, mode 0600) on first use."""
    path = settings.data_dir / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < SECRET_KEY_MIN_LENGTH:
            raise ConfigError(f"{path} holds no usable key: delete it to make a new one") from None
        return key
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests pass their own)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
