from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BeforeValidator

from app import urls
from app.db import SessionDep
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import split_values
from app.search import service
from app.search.dependencies import SearchQueryDep
from app.search.schemas import SearchResult
from app.search.sources import SOURCES, SearchType

router = APIRouter(prefix="/search", tags=["Search"])


@router.get(
    "",
    response_model=Page[SearchResult],
    summary="Search everything public",
    responses=problem_responses(422),
)
async def search(
    request: Request,
    session: SessionDep,
    query: SearchQueryDep,
    pager: PagerDep,
    types: Annotated[
        list[SearchType] | None,
        BeforeValidator(split_values),
        Query(alias="type", description="Only these types; repeat or comma-separate."),
    ] = None,
) -> Page[SearchResult]:
    """Public articles, experts, events and pages matching `q`, best match first, each
    with its URL and a highlighted snippet. The newest 1,000 matches of each type are
    ranked; when more matched, `meta.total_exact` is `false`."""
    hits, total, exact = await service.search(
        session, query=query, types=list(dict.fromkeys(types or [])), page=pager.params
    )
    results = [
        SearchResult(
            type=hit.type,
            slug=hit.slug,
            title=hit.title,
            url=urls.url_for(request, SOURCES[hit.type].route, slug=hit.slug),
            snippet=hit.snippet,
            published_at=hit.published_at,
        )
        for hit in hits
    ]
    return pager.page(results, total=total, schema=SearchResult, exact=exact)
