"""Building blocks shared by every domain's schemas."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


Timestamp = Annotated[
    datetime,
    PlainSerializer(_iso_utc, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2023-03-20T13:00:00+00:00"]}
    ),
]
"""A UTC instant rendered as ISO 8601 with an explicit offset."""


def drop_hidden(values: Any) -> Any:
    """Drop the None entries left where a linked row is not visible to the public."""
    if values is None or isinstance(values, str | bytes | dict):
        return values
    return [v for v in values if v is not None]


class ReadModel(BaseModel):
    """Base of every response schema: built from ORM rows."""

    model_config = ConfigDict(from_attributes=True)
