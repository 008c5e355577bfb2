"""Mounts the public routers under /api/v1. The admin router (auth attached) joins here."""

from fastapi import APIRouter

from app.articles.router import router as articles
from app.events.router import router as events
from app.experts.router import router as experts
from app.pages.router import router as pages
from app.programs.router import router as programs
from app.site.router import router as site
from app.topics.router import router as topics

public_router = APIRouter(prefix="/api/v1")
for router in (articles, experts, topics, programs, events, pages, site):
    public_router.include_router(router)
