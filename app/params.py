"""Query-parameter helpers shared by the list endpoints."""

from datetime import datetime
from typing import Annotated

from fastapi import Path

from app.config import get_settings

# Ids are positive 32-bit integers on PostgreSQL (64-bit on SQLite): any other in a path is a
# 422 naming the parameter, not a database error.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def split_values(values: list[str] | None) -> list[str]:
    """Repeatable values, also accepted comma-separated: `?topic=china,russia`."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return list(dict.fromkeys(out))


def as_aware(value: datetime | None) -> datetime | None:
    """A naive date or time from a query string is read in the site's time zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=get_settings().tz)
