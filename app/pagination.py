"""The one list envelope, its page parameters and the RFC 8288 Link header."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app import urls

if TYPE_CHECKING:
    from app.fields import FieldSet

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number.")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description=f"Items per page, at most {MAX_PER_PAGE}.")
    ] = DEFAULT_PER_PAGE,
) -> PageParams:
    """Page and page size from the query string."""
    return PageParams(page=page, per_page=per_page)


PageDep = Annotated[PageParams, Depends(page_params)]


class FacetValue(BaseModel):
    """How many items of the current filter carry one value."""

    value: str = Field(examples=["china"])
    label: str = Field(examples=["China"])
    count: int = Field(examples=[12])
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"value": "china", "label": "China", "count": 12}]},
    )


class PageMeta(BaseModel):
    """Where this page sits among all the matching items."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"total": 42, "page": 1, "per_page": 20, "pages": 3}]}
    )
    total: int = Field(description="Items matching the request, on all pages.", examples=[42])
    page: int = Field(description="This page, 1-based.", examples=[1])
    per_page: int = Field(description="Items per page.", examples=[20])
    pages: int = Field(description="Number of pages (0 when nothing matches).", examples=[3])
    total_exact: bool | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only on searches that matched more than they rank: `false`, and "
        "`total` counts what can be paged through (the newest 1,000 matches of each type).",
    )
    facets: dict[str, list["FacetValue"]] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only when asked for with `facets=`: counts per value for this filter.",
    )


class Page(BaseModel, Generic[T]):
    """A page of results: `data` and `meta`; the `Link` header carries first/prev/next/last."""

    data: list[T]
    meta: PageMeta


def make_page(items: list[T], *, total: int, params: PageParams, exact: bool = True) -> Page[T]:
    """Wrap a page of items in the envelope."""
    pages = math.ceil(total / params.per_page) if total else 0
    meta = PageMeta(
        total=total,
        page=params.page,
        per_page=params.per_page,
        pages=pages,
        total_exact=None if exact else False,
    )
    return Page[T](data=items, meta=meta)


def link_header(url: str, query_string: bytes, *, page: int, pages: int) -> str:
    """`<...>; rel="next"` and friends: `url` with the query's other parameters kept in
    order and `page` last, re-encoded so that no request byte reaches the header as sent."""
    links = {"first": 1, "last": max(pages, 1)}
    if page > 1:
        links["prev"] = min(page - 1, max(pages, 1))
    if page < pages:
        links["next"] = page + 1
    query = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    kept = [(name, value) for name, value in query if name != "page"]
    return ", ".join(
        f'<{url}?{urlencode([*kept, ("page", number)])}>; rel="{rel}"'
        for rel, number in links.items()
    )


def set_link_header(request: Request, response: Response, meta: PageMeta) -> None:
    """Add the Link header for this page, on PUBLIC_API_URL."""
    url = urls.absolute(request.app.state.settings, request.scope["path"])
    query = request.scope["query_string"]
    response.headers["Link"] = link_header(url, query, page=meta.page, pages=meta.pages)


@dataclass(frozen=True, slots=True)
class Pager:
    """What a list handler needs to answer one page: the parameters, and where links go."""

    request: Request
    response: Response
    params: PageParams

    def page(
        self,
        rows: Iterable[Any],
        *,
        total: int,
        schema: type[BaseModel],
        fields: "FieldSet | None" = None,
        facets: dict[str, list[Any]] | None = None,
        exact: bool = True,
    ) -> Any:
        """The envelope for these rows, with the Link header set on the response; trimmed
        to `fields` when the client asked for only some. `exact=False`: `total` is what
        a search ranked, not all it matched."""
        result = make_page(
            [schema.model_validate(r) for r in rows], total=total, params=self.params, exact=exact
        )
        if facets is not None:
            result.meta.facets = {
                name: [FacetValue.model_validate(v) for v in values]
                for name, values in facets.items()
            }
        set_link_header(self.request, self.response, result.meta)
        return fields.respond(result, headers=self.response) if fields else result


def pager(request: Request, response: Response, params: PageDep) -> Pager:
    return Pager(request=request, response=response, params=params)


PagerDep = Annotated[Pager, Depends(pager)]
