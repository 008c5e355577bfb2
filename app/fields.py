"""Sparse fieldsets: `fields=slug,title,published_at` trims lists and details to those keys."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.errors import InvalidParameter
from app.params import split_values


@dataclass(frozen=True, slots=True)
class FieldSet:
    """The fields a client asked for; None means all of them."""

    names: frozenset[str] | None = None

    def respond(self, body: BaseModel, *, headers: Response | None = None) -> Any:
        """The body as is, or trimmed to the asked fields (as a ready JSON response)."""
        if self.names is None:
            return body
        include: Any = self.names
        if "data" in type(body).model_fields and "meta" in type(body).model_fields:
            include = {"data": {"__all__": self.names}, "meta": True}
        response = JSONResponse(body.model_dump(mode="json", include=include))
        if headers is not None:
            response.headers.update({k: v for k, v in headers.headers.items() if k == "link"})
        return response


def field_set(schema: type[BaseModel]) -> Any:
    """A `fields` query parameter checked against the fields of `schema`."""
    known = sorted(schema.model_fields)

    def parse(
        fields: Annotated[
            list[str] | None,
            Query(
                description="Only these fields of each object, comma-separated or repeated: "
                f"{', '.join(known)}."
            ),
        ] = None,
    ) -> FieldSet:
        names = split_values(fields)
        if not names:
            return FieldSet()
        unknown = [name for name in names if name not in schema.model_fields]
        if unknown:
            raise InvalidParameter(
                "fields",
                f"unknown field {', '.join(map(repr, unknown))}; known: {', '.join(known)}",
            )
        return FieldSet(frozenset(names))

    return Depends(parse)
