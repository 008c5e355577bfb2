from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator

from app.articles.models import ArticleKind
from app.articles.service import ArticleFilters
from app.errors import InvalidParameter
from app.params import as_aware, split_values

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
        expert=split_values(expert),
        program=split_values(program),
        published_after=after,
        published_before=before,
    )


ArticleFiltersDep = Annotated[ArticleFilters, Depends(article_filters)]
