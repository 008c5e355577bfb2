from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.articles import admin_service, service
from app.articles.dependencies import ArticleFiltersDep, CommaList, PublicArticleSortDep
from app.articles.schemas import ArticleRead, ArticleSummary
from app.articles.service import Facet
from app.auth.dependencies import ReaderDep
from app.config import SettingsDep
from app.db import SessionDep
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.search.dependencies import OptionalSearchQueryDep

router = APIRouter(prefix="/articles", tags=["Articles"])


@router.get(
    "",
    response_model=Page[ArticleSummary],
    summary="List public articles",
    responses=problem_responses(422),
)
async def list_articles(
    session: SessionDep,
    reader: ReaderDep,
    filters: ArticleFiltersDep,
    pager: PagerDep,
    q: OptionalSearchQueryDep,
    sort: PublicArticleSortDep,
    fields: Annotated[FieldSet, field_set(ArticleSummary)],
    facets: Annotated[
        list[Facet] | None,
        CommaList,
        Query(
            description="Counts per value for this filter, in `meta.facets`: any of "
            "`topic`, `kind`, `program`, `expert`, `year`, comma-separated."
        ),
    ] = None,
) -> Page[ArticleSummary]:
    """Public articles, newest first (best match first with `q`). Repeat a filter for OR
    (`topic=china&topic=taiwan`); different filters, and `q`, combine with AND
    (`topic=china&kind=op-ed&q=submarines`). A key with `embargo:read` also gets embargoed
    articles before their time, with `embargoed_until`. A search ranks the newest 1,000
    matches; when more matched, `meta.total_exact` is `false`."""
    embargo = reader.sees_embargoed
    rows, total, exact = await service.list_public_summaries(
        session, filters=filters, q=q, sort=sort, page=pager.params, sees_embargoed=embargo
    )
    counts = None
    if facets:
        wanted = list(dict.fromkeys(facets))
        counts = await service.count_facets(
            session, filters=filters, q=q, facets=wanted, sees_embargoed=embargo
        )
    return pager.page(
        rows, total=total, schema=ArticleSummary, fields=fields, facets=counts, exact=exact
    )


@router.get(
    "/{slug}",
    response_model=ArticleRead,
    summary="Get one article",
    responses=problem_responses(404),
)
async def get_article(
    slug: str,
    session: SessionDep,
    reader: ReaderDep,
    fields: Annotated[FieldSet, field_set(ArticleRead)],
) -> ArticleRead:
    """A public article with its body, by slug. A key with `embargo:read` also gets
    embargoed articles before their time, with `embargoed_until`."""
    article = await service.get_public_article(
        session, slug=slug, sees_embargoed=reader.sees_embargoed
    )
    return fields.respond(ArticleRead.model_validate(article))


@router.get(
    "/{slug}/related",
    response_model=Page[ArticleSummary],
    summary="Articles related to one article",
    responses=problem_responses(404, 422),
)
async def related_articles(
    slug: str,
    session: SessionDep,
    pager: PagerDep,
    fields: Annotated[FieldSet, field_set(ArticleSummary)],
) -> Page[ArticleSummary]:
    """Public articles sharing the most topics with this one, then the newest; never itself."""
    article = await service.get_public_article(session, slug=slug)
    rows, total = await service.list_related_articles(session, article=article, page=pager.params)
    return pager.page(rows, total=total, schema=ArticleSummary, fields=fields)


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
