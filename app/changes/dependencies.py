from typing import Annotated

from fastapi import Depends, Query

from app.errors import InvalidParameter

MAX_CURSOR = 2**63 - 1


def cursor(
    since: Annotated[
        str,
        Query(description="`meta.next_cursor` of the previous page; `0` for the beginning."),
    ] = "0",
) -> int:
    """The feed position to read after."""
    if not since.isascii() or not since.isdigit() or int(since) > MAX_CURSOR:
        raise InvalidParameter("since", "not a cursor from `meta.next_cursor` (use 0 to start)")
    return int(since)


CursorDep = Annotated[int, Depends(cursor)]
