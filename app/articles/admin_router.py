from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app import urls
from app.articles import admin_service as service
from app.articles.dependencies import ArticleFiltersDep
from app.articles.models import Article
from app.articles.schemas import ArticleAdminRead, ArticleAdminSummary, ArticleCreate, ArticleUpdate
from app.articles.service import ArticleSort
from app.auth.dependencies import CurrentUser
from app.config import SettingsDep
from app.db import SessionDep
from app.editorial import revisions
from app.editorial.concurrency import check_if_match
from app.editorial.idempotency import IdempotencyDep
from app.editorial.responses import ETAG_HEADER, created, with_etag
from app.editorial.schemas import PreviewLink, RevisionRead
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.workflow import Status

router = APIRouter(prefix="/articles", tags=["Admin: articles"])

WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


async def article_by_id(article_id: RowId, session: SessionDep, user: CurrentUser) -> Article:
    """The article named in the path, in any status, if the user may read it, or 404."""
    return await service.get_article(session, article_id=article_id, user=user)


async def own_article_by_id(article_id: RowId, session: SessionDep, user: CurrentUser) -> Article:
    """The same, for what shows more than the public version (revisions, preview links):
    authors reach only their own articles here."""
    return await service.get_article(session, article_id=article_id, user=user, unpublished=True)


ArticleDep = Annotated[Article, Depends(article_by_id)]
OwnArticleDep = Annotated[Article, Depends(own_article_by_id)]


@router.get(
    "",
    response_model=Page[ArticleAdminSummary],
    summary="List articles in every status",
    responses=problem_responses(401, 422),
)
async def list_articles(
    session: SessionDep,
    user: CurrentUser,
    filters: ArticleFiltersDep,
    pager: PagerDep,
    status: Annotated[list[Status] | None, Query(description="Repeatable, OR.")] = None,
    sort: ArticleSort = ArticleSort.newest,
) -> Page[ArticleAdminSummary]:
    """Every article, drafts included, with the public list's filters plus `status`
    (authors: their own, and what is public)."""
    rows, total = await service.list_articles(
        session, user=user, filters=filters, statuses=status or [], sort=sort, page=pager.params
    )
    return pager.page(rows, total=total, schema=ArticleAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=ArticleAdminRead,
    summary="Create an article",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new article."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_article(
    body: ArticleCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create an article (a draft unless `status` says otherwise; authors only drafts).
    Send `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    article = await service.create_article(session, user=user, data=body)
    location = urls.url_for(request, "get_article_admin", article_id=article.id)
    response = created(ArticleAdminRead.model_validate(article), row=article, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{article_id}",
    response_model=ArticleAdminRead,
    summary="Get an article",
    name="get_article_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 404)},
)
async def get_article(article: ArticleDep, response: Response) -> ArticleAdminRead:
    """An article in any status, with its `ETag` for the next write."""
    with_etag(response, article)
    return ArticleAdminRead.model_validate(article)


@router.patch(
    "/{article_id}",
    response_model=ArticleAdminRead,
    summary="Edit an article",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def update_article(
    body: ArticleUpdate,
    article: ArticleDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> ArticleAdminRead:
    """Change the fields sent. Needs `If-Match` with the last `ETag` read (428 without it,
    412 if someone saved in between). A new `slug` keeps the old one as a redirect."""
    check_if_match(request, article)
    article = await service.update_article(session, user=user, article=article, data=body)
    with_etag(response, article)
    return ArticleAdminRead.model_validate(article)


@router.delete(
    "/{article_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an article",
    responses=problem_responses(401, 403, 404, 412, 428),
)
async def delete_article(
    article: ArticleDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete an article for good (archive it to keep it). Needs `If-Match`."""
    check_if_match(request, article)
    await service.delete_article(session, user=user, article=article)
    return Response(status_code=204)


@router.get(
    "/{article_id}/revisions",
    response_model=Page[RevisionRead],
    summary="List an article's revisions",
    responses=problem_responses(401, 404, 422),
)
async def list_revisions(
    article: OwnArticleDep, session: SessionDep, pager: PagerDep
) -> Page[RevisionRead]:
    """The versions before each save, newest first."""
    rows, total = await revisions.list_revisions(
        session, resource="article", resource_id=article.id, page=pager.params
    )
    return pager.page(rows, total=total, schema=RevisionRead)


@router.post(
    "/{article_id}/revisions/{number}/restore",
    response_model=ArticleAdminRead,
    summary="Restore a revision",
    responses={200: {"headers": ETAG_HEADER}, **WRITE_ERRORS},
)
async def restore_revision(
    number: RowId,
    article: OwnArticleDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> ArticleAdminRead:
    """Make an earlier version current again (the current one becomes a revision).
    Needs `If-Match`."""
    check_if_match(request, article)
    article = await service.restore_revision(session, user=user, article=article, number=number)
    with_etag(response, article)
    return ArticleAdminRead.model_validate(article)


@router.post(
    "/{article_id}/preview",
    response_model=PreviewLink,
    summary="Make a preview link",
    responses=problem_responses(401, 404),
)
async def preview_link(
    article: OwnArticleDep, request: Request, settings: SettingsDep
) -> PreviewLink:
    """A signed, expiring link that shows this article as it would look published, to
    anyone who has it: how a separate frontend shows drafts. It dies with the article."""
    token, expires = service.preview_token(settings, article=article)
    url = urls.url_for(request, "get_preview", token=token)
    return PreviewLink(token=token, url=url, expires_at=expires)
