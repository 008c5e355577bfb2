from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.articles import admin_service, service
from app.articles.dependencies import ArticleFiltersDep
from app.articles.schemas import ArticleRead, ArticleSummary
from app.articles.service import ArticleSort
from app.config import SettingsDep
from app.db import SessionDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep

router = APIRouter(prefix="/articles", tags=["Articles"])


@router.get(
    "",
    response_model=Page[ArticleSummary],
    summary="List public articles",
    responses=problem_responses(422),
)
async def list_articles(
    session: SessionDep,
    filters: ArticleFiltersDep,
    pager: PagerDep,
    sort: Annotated[
        ArticleSort, Query(description="`-published_at` (newest first), `published_at`, `title`.")
    ] = ArticleSort.newest,
) -> Page[ArticleSummary]:
    """Public articles, newest first. Repeat a filter for OR (`topic=china&topic=taiwan`);
    different filters combine with AND (`topic=china&kind=op-ed`)."""
    rows, total = await service.list_public_articles(
        session, filters=filters, sort=sort, page=pager.params
    )
    return pager.page(rows, total=total, schema=ArticleSummary)


@router.get(
    "/{slug}",
    response_model=ArticleRead,
    summary="Get one article",
    responses=problem_responses(404),
)
async def get_article(slug: str, session: SessionDep) -> ArticleRead:
    """A public article with its body, by slug."""
    article = await service.get_public_article(session, slug=slug)
    return ArticleRead.model_validate(article)


@router.get(
    "/{slug}/related",
    response_model=Page[ArticleSummary],
    summary="Articles related to one article",
    responses=problem_responses(404, 422),
)
async def related_articles(slug: str, session: SessionDep, pager: PagerDep) -> Page[ArticleSummary]:
    """Public articles sharing the most topics with this one, then the newest; never itself."""
    article = await service.get_public_article(session, slug=slug)
    rows, total = await service.list_related_articles(session, article=article, page=pager.params)
    return pager.page(rows, total=total, schema=ArticleSummary)


preview_router = APIRouter(prefix="/preview", tags=["Articles"])


@preview_router.get(
    "/{token}",
    response_model=ArticleRead,
    summary="Preview an article",
    name="get_preview",
    responses=problem_responses(401, 404),
)
async def get_preview(
    token: str, response: Response, session: SessionDep, settings: SettingsDep
) -> ArticleRead:
    """The article a preview link was made for, as it would look published, whatever its
    status. Never cached."""
    article = await admin_service.get_preview(session, settings, token=token)
    response.headers["Cache-Control"] = "no-store"
    return ArticleRead.model_validate(article)
