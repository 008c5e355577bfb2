from typing import Annotated

from fastapi import Depends, Query

from app.search.query import MAX_LENGTH, SearchQuery, parse_query

QUERY_HELP = (
    'Words (all must match), "a quoted phrase" and -word to exclude; stemmed, so '
    f'`submarines` finds "submarine". At most {MAX_LENGTH} characters.'
)


def search_query(q: Annotated[str, Query(description=QUERY_HELP)]) -> SearchQuery:
    """The required `q`, parsed."""
    return parse_query(q)


def optional_search_query(
    q: Annotated[str | None, Query(description=QUERY_HELP)] = None,
) -> SearchQuery | None:
    """`q` when given, parsed."""
    return None if q is None else parse_query(q)


SearchQueryDep = Annotated[SearchQuery, Depends(search_query)]
OptionalSearchQueryDep = Annotated[SearchQuery | None, Depends(optional_search_query)]
