"""Response helpers for the admin API: ETag on every read, 201 with Location on create."""

from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.editorial.concurrency import etag


def with_etag(response: Response, row: Any) -> None:
    """Put the row's ETag on the response."""
    response.headers["ETag"] = etag(row)


def created(body: BaseModel, *, row: Any, location: str) -> JSONResponse:
    """`201 Created` with the object, its `Location` and its `ETag`."""
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=201,
        headers={"Location": location, "ETag": etag(row)},
    )


ETAG_HEADER = {
    "ETag": {"description": "The version to send back in `If-Match`.", "schema": {"type": "string"}}
}
