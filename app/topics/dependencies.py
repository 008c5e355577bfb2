from typing import Annotated

from fastapi import Depends, Query

from app.topics.service import TopicFilters


def topic_filters(
    featured: Annotated[
        bool | None,
        Query(
            description="`true`: only the navigation's featured policy topics; `false`: the rest."
        ),
    ] = None,
    parent: Annotated[
        str | None,
        Query(description="A topic slug: only its direct subtopics (`parent=asia`)."),
    ] = None,
) -> TopicFilters:
    """The topic filters from the query string; they combine with AND."""
    return TopicFilters(featured=featured, parent=parent)


TopicFiltersDep = Annotated[TopicFilters, Depends(topic_filters)]
