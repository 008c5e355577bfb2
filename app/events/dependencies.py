from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator

from app.errors import InvalidParameter
from app.events.models import EventFormat
from app.events.service import EventFilters, EventWhen
from app.params import as_aware, split_values

CommaList = BeforeValidator(split_values)


def event_filters(
    when: Annotated[
        EventWhen | None,
        Query(
            description="`upcoming`: not yet over (an event in progress counts); "
            "`past`: already over."
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        Query(description="Topic slug (that topic itself, not its subtopics); repeatable, OR."),
    ] = None,
    program: Annotated[list[str] | None, Query(description="Program slug; repeatable, OR.")] = None,
    formats: Annotated[
        list[EventFormat] | None,
        CommaList,
        Query(
            alias="format",
            description="`virtual`, `in-person` or `hybrid`; repeat or comma-separate for any.",
        ),
    ] = None,
    starts_after: Annotated[
        datetime | None,
        Query(
            description="ISO 8601 date or date-time, inclusive. Without an offset it is read in "
            "the site time zone."
        ),
    ] = None,
    starts_before: Annotated[
        datetime | None, Query(description="ISO 8601 date or date-time, exclusive.")
    ] = None,
) -> EventFilters:
    """The event filters from the query string; different names combine with AND."""
    after, before = as_aware(starts_after), as_aware(starts_before)
    if after and before and after >= before:
        raise InvalidParameter("starts_before", "must be later than starts_after")
    return EventFilters(
        when=when,
        topic=split_values(topic),
        program=split_values(program),
        format=list(dict.fromkeys(formats or [])),
        starts_after=after,
        starts_before=before,
    )


EventFiltersDep = Annotated[EventFilters, Depends(event_filters)]
