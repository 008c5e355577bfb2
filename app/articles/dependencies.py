from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator

from app.articles.models import ArticleKind
from app.articles.service import ArticleFilters, PublicArticleSort, TopicMatch
from app.errors import InvalidParameter
from app.params import as_aware, split_values
from app.search.dependencies import OptionalSearchQueryDep

CommaList = BeforeValidator(split_values)


def article_filters(
    kind: Annotated[
        list[ArticleKind] | None,
        CommaList,
        Query(description="Article kind; repeat or comma-separate for any of several."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        Query(description="Topic slug (that topic itself, not its subtopics); repeatable, OR."),
    ] = None,
    topic_match: Annotated[
        TopicMatch,
        Query(description="`any` (default): articles with any `topic`; `all`: with every one."),
    ] = TopicMatch.any,
    exclude_topic: Annotated[
        list[str] | None,
        Query(
            description="Drop articles carrying this topic, whatever else they carry; repeatable."
        ),
    ] = None,
    expert: Annotated[
        list[str] | None,
        Query(description="Expert slug, as author or featured expert; repeatable, OR."),
    ] = None,
    program: Annotated[list[str] | None, Query(description="Program slug; repeatable, OR.")] = None,
    published_after: Annotated[
        datetime | None,
        Query(
            description="ISO 8601 date or date-time, inclusive. Without an offset it is read in "
            "the site time zone."
        ),
    ] = None,
    published_before: Annotated[
        datetime | None, Query(description="ISO 8601 date or date-time, exclusive.")
    ] = None,
) -> ArticleFilters:
    """The article filters from the query string; different names combine with AND."""
    after, before = as_aware(published_after), as_aware(published_before)
    if after and before and after >= before:
        raise InvalidParameter("published_before", "must be later than published_after")
    return ArticleFilters(
        kind=list(dict.fromkeys(kind or [])),
        topic=split_values(topic),
        topic_match=topic_match,
        exclude_topic=split_values(exclude_topic),
        expert=split_values(expert),
        program=split_values(program),
        published_after=after,
        published_before=before,
    )


ArticleFiltersDep = Annotated[ArticleFilters, Depends(article_filters)]


def public_article_sort(
    q: OptionalSearchQueryDep,
    sort: Annotated[
        PublicArticleSort | None,
        Query(
            description="`-published_at` (newest first), `published_at`, `title`, or "
            "`relevance` (only with `q`). Default: `relevance` with `q`, else `-published_at`."
        ),
    ] = None,
) -> PublicArticleSort:
    """The public list's order; searching defaults to best match first."""
    if sort is None:
        return PublicArticleSort.relevance if q is not None else PublicArticleSort.newest
    return sort


PublicArticleSortDep = Annotated[PublicArticleSort, Depends(public_article_sort)]
