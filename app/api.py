"""Mounts the public routers under /api/v1 and the admin routers under /api/v1/admin.

Authentication is attached here, where the admin routers are mounted, so a new admin
route is protected by default; role checks narrow it further per router.
"""

from fastapi import APIRouter, Depends

from app.articles.admin_router import router as articles_admin
from app.articles.router import preview_router
from app.articles.router import router as articles
from app.auth.admin_router import router as users_admin
from app.auth.dependencies import AdminOnly, EditorOrAdmin, current_reader, current_user
from app.auth.keys_admin_router import router as api_keys_admin
from app.auth.router import router as auth
from app.changes.router import router as changes
from app.editorial.admin_router import router as audit_admin
from app.events.admin_router import router as events_admin
from app.events.router import router as events
from app.experts.admin_router import router as experts_admin
from app.experts.router import router as experts
from app.newsletter.admin_router import router as newsletter_admin
from app.newsletter.router import router as newsletter
from app.openapi import problem_responses
from app.pages.admin_router import router as pages_admin
from app.pages.router import router as pages
from app.programs.admin_router import router as programs_admin
from app.programs.router import router as programs
from app.search.router import router as search
from app.site.admin_router import router as site_admin
from app.site.router import router as site
from app.topics.admin_router import router as topics_admin
from app.topics.router import router as topics
from app.webhooks.admin_router import router as webhooks_admin
from app.worker.admin_router import router as outbox_admin

# A wrong, revoked or expired X-API-Key is a 401 on every public read; none is anonymous.
public_router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(current_reader)],
    responses=problem_responses(401, 429),  # a wrong key; past the rate limit
)
for router in (articles, experts, topics, programs, events, pages, site, search, preview_router):
    public_router.include_router(router)
public_router.include_router(changes)
public_router.include_router(newsletter)

admin_router = APIRouter(prefix="/api/v1/admin")
admin_router.include_router(auth)

# Authors work on articles (their own drafts, checked per row); editors on all content;
# admins on everything, users and the audit log too.
_signed_in = [Depends(current_user)]
admin_router.include_router(articles_admin, dependencies=_signed_in)
for router in (experts_admin, topics_admin, programs_admin, events_admin, pages_admin, site_admin):
    admin_router.include_router(router, dependencies=[*_signed_in, EditorOrAdmin])
for router in (users_admin, audit_admin):
    admin_router.include_router(router, dependencies=[*_signed_in, AdminOnly])
admin_router.include_router(api_keys_admin, dependencies=[*_signed_in, AdminOnly])
admin_router.include_router(webhooks_admin, dependencies=[*_signed_in, AdminOnly])
admin_router.include_router(newsletter_admin, dependencies=[*_signed_in, AdminOnly])
admin_router.include_router(outbox_admin, dependencies=[*_signed_in, AdminOnly])
