from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.articles import service
from app.articles.dependencies import ArticleFiltersDep
from app.articles.schemas import ArticleRead, ArticleSummary
from app.articles.service import ArticleSort
from app.db import SessionDep
from app.openapi import problem_responses
from app.pagination import Page, PageDep, make_page, set_link_header

router = APIRouter(prefix="/articles", tags=["Articles"])


@router.get(
    "",
    response_model=Page[ArticleSummary],
    summary="List public articles",
    responses=problem_responses(422),
)
async def list_articles(
    request: Request,
    response: Response,
    session: SessionDep,
    filters: ArticleFiltersDep,
    page: PageDep,
    sort: Annotated[
        ArticleSort, Query(description="`-published_at` (newest first), `published_at`, `title`.")
    ] = ArticleSort.newest,
) -> Page[ArticleSummary]:
    """Public articles, newest first. Repeat a filter for OR (`topic=china&topic=taiwan`);
    different filters combine with AND (`topic=china&kind=op-ed`)."""
    rows, total = await service.list_public_articles(session, filters=filters, sort=sort, page=page)
    result = make_page([ArticleSummary.model_validate(r) for r in rows], total=total, params=page)
    set_link_header(request, response, result.meta)
    return result


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
async def related_articles(
    slug: str, request: Request, response: Response, session: SessionDep, page: PageDep
) -> Page[ArticleSummary]:
    """Public articles sharing the most topics with this one, then the newest; never itself."""
    article = await service.get_public_article(session, slug=slug)
    rows, total = await service.list_related_articles(session, article=article, page=page)
    result = make_page([ArticleSummary.model_validate(r) for r in rows], total=total, params=page)
    set_link_header(request, response, result.meta)
    return result
