from typing import Annotated

from fastapi import Depends, Query

from app.experts.service import ExpertFilters
from app.params import split_values


def expert_filters(
    topic: Annotated[
        list[str] | None,
        Query(description="Topic slug (that topic itself, not its subtopics); repeatable, OR."),
    ] = None,
    program: Annotated[list[str] | None, Query(description="Program slug; repeatable, OR.")] = None,
) -> ExpertFilters:
    """The expert filters from the query string; different names combine with AND."""
    return ExpertFilters(topic=split_values(topic), program=split_values(program))


ExpertFiltersDep = Annotated[ExpertFilters, Depends(expert_filters)]
