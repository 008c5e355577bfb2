"""The application factory."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import app.models  # noqa: F401  (every mapper, so foreign keys resolve)
from app import health
from app.access_log import install_access_log_redaction
from app.api import admin_router, public_router
from app.articles.fastlane import FastArticleList, close_pool
from app.auth.dependencies import current_reader
from app.cache import install_cache
from app.config import Settings, check_runnable, get_settings
from app.db import make_engine, make_sessionmaker, pg_timeouts
from app.errors import install_error_handlers
from app.feeds.router import router as feeds_router
from app.guards import BodyGuard, ForwardedClient, RejectNulBytes, TrustedHosts
from app.openapi import install_openapi, problem_responses
from app.ratelimit import RATE_LIMIT_HEADERS, install_rate_limit

DESCRIPTION = """
Pressroom serves a policy publisher's content — articles, experts, topics, programs,
events and pages — as JSON for frontends, feeds for partners, and an admin API for editors.

* **Lists** answer `{"data": [...], "meta": {"total", "page", "per_page", "pages"}}` with
  RFC 8288 `Link` headers (`first`, `prev`, `next`, `last`).
* **Errors** are RFC 9457 `application/problem+json` documents; validation problems list
  each failing field in `errors`.
* **Timestamps** are ISO 8601 in UTC with an explicit offset.
* Only public content is served here: published, or scheduled with its time passed.
"""

TAGS = [
    {"name": "Articles", "description": "Op-eds, media appearances, press releases, research."},
    {"name": "Experts", "description": "The people behind the by-lines."},
    {"name": "Topics", "description": "Subjects; featured ones form the Policy Topics menu."},
    {"name": "Programs", "description": "Research programs, their directors and members."},
    {"name": "Events", "description": "Talks and panels, upcoming and past."},
    {"name": "Pages", "description": "Standing pages: about, mission, jobs, contact, legal."},
    {"name": "Site", "description": "Name, menus, footer, newsletter box, display labels."},
    {"name": "Search", "description": "Ranked full-text search across every public type."},
    {"name": "Changes", "description": "What changed since a cursor, for partners' mirrors."},
    {"name": "Newsletter", "description": "Double opt-in signups, confirm, unsubscribe."},
    {"name": "Health", "description": "Liveness and readiness probes."},
    {"name": "Admin: sign-in", "description": "Tokens for the admin API (Authorize button)."},
    {"name": "Admin: articles", "description": "Create, edit, schedule, publish, revise."},
    {"name": "Admin: experts", "description": "Expert profiles (editors and admins)."},
    {"name": "Admin: topics", "description": "Topics and their hierarchy (editors and admins)."},
    {"name": "Admin: programs", "description": "Programs (editors and admins)."},
    {"name": "Admin: events", "description": "Events (editors and admins)."},
    {"name": "Admin: pages", "description": "Standing pages (editors and admins)."},
    {"name": "Admin: site", "description": "Site settings and navigation (editors and admins)."},
    {"name": "Admin: users", "description": "Accounts and roles (admins)."},
    {"name": "Admin: audit", "description": "Who did what, when (admins)."},
    {
        "name": "Admin: newsletter",
        "description": "Subscribers, consent records, CSV export, erasure, outbox (admins).",
    },
    {"name": "Admin: webhooks", "description": "Signed POSTs to partners on changes (admins)."},
    {"name": "Admin: API keys", "description": "Partner keys, their limits and usage (admins)."},
]

log = logging.getLogger("app")


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a file-backed SQLite database."""
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        Path(url.removeprefix(prefix)).parent.mkdir(parents=True, exist_ok=True)


def engine_options(settings: Settings) -> dict[str, Any]:
    """The API's engine: pre-ping as configured; on PostgreSQL, bounded waits."""
    options: dict[str, Any] = {"pool_pre_ping": settings.database_pre_ping}
    if not settings.is_sqlite:
        options["connect_args"] = pg_timeouts(settings)
    return options


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        if getattr(app.state, "sessionmaker", None) is not None:
            yield
            return
        settings: Settings = app.state.settings
        ensure_sqlite_dir(settings.database_url)
        engine = make_engine(settings.database_url, **engine_options(settings))
        app.state.sessionmaker = make_sessionmaker(engine)
        try:
            yield
        finally:
            await app.state.rate_limits.close()
            await close_pool(app.state)
            await engine.dispose()
    finally:
        await app.state.cache.close()


def create_app(
    settings: Settings | None = None,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own sessionmaker; otherwise the lifespan makes one."""
    settings = settings or get_settings()
    check_runnable(settings)  # no secret, or production with no known host: refuse
    install_access_log_redaction()
    docs = settings.docs_enabled
    app = FastAPI(
        title="Pressroom",
        version="1.0.0",
        summary="A headless publishing API for policy publishers.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    app.state.sessionmaker = sessionmaker
    # Innermost: the hot list, answered before routing, and cached, limited, conditional
    # like every other answer because the middleware below is added after it.
    app.add_middleware(FastArticleList)
    # Then the cache, so that whatever is added later wraps it.
    install_cache(app, settings)
    # Bodies are checked inside the limiter: a limited client is refused before its body is read.
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes)
    install_rate_limit(app, settings)  # outside the cache: a cache hit is limited too
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            # POST and PUT: the newsletter forms post from the frontend's pages. No cookies
            # are involved anywhere (allow_credentials stays off).
            allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT"],
            allow_headers=["If-None-Match", "Accept", "Content-Type"],
            expose_headers=["Link", "ETag", "Last-Modified", *RATE_LIMIT_HEADERS],
            allow_credentials=False,
        )
    app.add_middleware(RejectNulBytes)
    app.add_middleware(ForwardedClient, trusted=settings.forwarded_allow_ips)
    app.add_middleware(TrustedHosts, allowed_hosts=settings.trusted_hosts)  # outermost
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(public_router)
    app.include_router(admin_router)
    app.include_router(
        feeds_router,
        dependencies=[Depends(current_reader)],
        responses=problem_responses(401, 429),
    )
    install_openapi(app)
    return app
