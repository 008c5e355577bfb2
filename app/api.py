"""Mounts the public routers under /api/v1 and the admin routers under /api/v1/admin.

Authentication is attached here, where the admin routers are mounted, so a new admin
route is protected by default; role checks narrow it further per router.
"""

from fastapi import APIRouter, Depends

from app.articles.admin_router import router as articles_admin
from app.articles.router import preview_router
from app.articles.router import router as articles
from app.auth.dependencies import current_user
from app.auth.router import router as auth
from app.events.router import router as events
from app.experts.router import router as experts
from app.pages.router import router as pages
from app.programs.router import router as programs
from app.site.router import router as site
from app.topics.router import router as topics

public_router = APIRouter(prefix="/api/v1")
for router in (articles, experts, topics, programs, events, pages, site, preview_router):
    public_router.include_router(router)

admin_router = APIRouter(prefix="/api/v1/admin")
admin_router.include_router(auth)

_signed_in = [Depends(current_user)]
admin_router.include_router(articles_admin, dependencies=_signed_in)
