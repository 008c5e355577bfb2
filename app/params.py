"""Query-parameter helpers shared by the list endpoints."""

from datetime import datetime

from app.config import get_settings


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
