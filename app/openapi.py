"""OpenAPI helpers: documented error responses, and a document that says what we really send."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.cache.keys import is_public_path
from app.errors import PROBLEM_MEDIA_TYPE, Problem
from app.ratelimit.middleware import is_limited

_DESCRIPTIONS = {
    304: "Not modified: the `ETag` you sent still matches.",
    400: "The request is malformed: a NUL in the URL, or a `Host` this API does not serve.",
    401: "Authentication is required.",
    403: "You are not allowed to do this.",
    404: "Not found (or, on the public API, not public).",
    409: "That conflicts with something that exists.",
    412: "Someone saved it since your `If-Match` ETag: reload and retry.",
    413: "The request body is larger than this API accepts (MAX_BODY_BYTES).",
    422: "A parameter or field is invalid; `errors` names each one.",
    428: "Send `If-Match` with the ETag you last read.",
    429: "Too many requests; see `Retry-After`.",
    503: "The database cannot answer right now: try again after `Retry-After` seconds.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for the error statuses a route can answer."""
    return {s: {"model": Problem, "description": _DESCRIPTIONS.get(s, "Error.")} for s in statuses}


_RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed in the window (a minute) for this address or key.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window frees a request.",
    "RateLimit-Policy": "The limit and its window, as `600;w=60`.",
}


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
_STRING = {"type": "string"}
_CONDITIONAL_HEADERS = {
    "ETag": "A strong tag of this answer: send it back in `If-None-Match`.",
    "Last-Modified": "When the newest item of this answer changed.",
    "Cache-Control": "How long shared caches may keep this answer.",
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` you hold: a 304 with no body if it still matches.",
    "schema": _STRING,
}


def _operations(schema: dict[str, Any]) -> Any:
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if method in _HTTP_METHODS:
                yield path, method, operation


_NO_DATABASE = frozenset({"/healthz"})


def _document_what_is_sent(schema: dict[str, Any]) -> None:
    """What middleware answers on routes that never say so themselves: 400 anywhere (a NUL
    in the URL, an unknown Host), 413 to a body, 304 to a public GET, 429 past a limit,
    503 while the database is out (app.errors.is_database_outage)."""
    for path, method, operation in _operations(schema):
        responses = operation.setdefault("responses", {})
        if "requestBody" in operation:
            responses.setdefault("413", _problem(413))
        if method == "get" and is_public_path(path):
            _document_conditional_get(operation)
        if path not in _NO_DATABASE:
            responses.setdefault("503", _problem(503))
        if is_limited(path):
            _document_rate_limit(responses)
        # Last: the 400s are answered outside the rate limiter, with no RateLimit-* headers.
        responses.setdefault("400", _problem(400))
        for status, response in responses.items():
            _complete_headers(str(status), response)


def _problem(status: int) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[status], "content": {}}


def _document_conditional_get(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == "If-None-Match" for p in parameters):
        parameters.append(dict(_IF_NONE_MATCH))
    responses = operation["responses"]
    ok = responses.get("200")
    if ok is not None:
        headers = ok.setdefault("headers", {})
        for name, description in _CONDITIONAL_HEADERS.items():
            headers.setdefault(name, {"description": description, "schema": _STRING})
    responses.setdefault(
        "304",
        {
            "description": _DESCRIPTIONS[304],
            "headers": {"ETag": {"description": _CONDITIONAL_HEADERS["ETag"], "schema": _STRING}},
        },
    )


def _document_rate_limit(responses: dict[str, Any]) -> None:
    """A rate-limited operation: every answer carries `RateLimit-*`, and it may be a 429."""
    responses.setdefault("429", _problem(429))
    for response in responses.values():
        headers = response.setdefault("headers", {})
        for name, description in _RATE_LIMIT_HEADERS.items():
            kind = "string" if name == "RateLimit-Policy" else "integer"
            headers[name] = {"description": description, "schema": {"type": kind}}


def _complete_headers(status: str, response: dict[str, Any]) -> None:
    """A 429 or 503 says when to retry; every header has a schema (`Location` is a URI)."""
    headers = response.get("headers", {})
    if status in ("429", "503"):
        headers = response.setdefault("headers", {})
        headers.setdefault(
            "Retry-After",
            {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
        )
    for name, header in headers.items():
        if name == "Location":
            header["schema"] = {"type": "string", "format": "uri"}
        else:
            header.setdefault("schema", _STRING)


def _fix_error_media_types(schema: dict[str, Any]) -> None:
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith(("4", "5")):
                    continue
                content = response.get("content") or {}
                example = Problem.model_config["json_schema_extra"]["examples"][  # type: ignore[index]
                    1 if str(status) == "422" else 0
                ]
                content.pop("application/json", None)
                content[PROBLEM_MEDIA_TYPE] = {"schema": problem_ref, "example": example}
                response["content"] = content
                if str(status) == "422":
                    response["description"] = _DESCRIPTIONS[422]
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


_PLACEHOLDERS = {"string": "string", "integer": 0, "number": 0, "boolean": False}
_FORM_VALUES = {"username": "editor@example.org", "password": "correct horse battery staple"}


def _form_example(component: dict[str, Any]) -> dict[str, Any]:
    """An example for a form body FastAPI generated (the OAuth2 sign-in form)."""
    example = {}
    for name, prop in component.get("properties", {}).items():
        if name in _FORM_VALUES:
            example[name] = _FORM_VALUES[name]
        elif name in component.get("required", []):
            example[name] = _PLACEHOLDERS.get(prop.get("type", "string"), "string")
    return example


def _complete_examples(schema: dict[str, Any]) -> None:
    """Give generated schemas (enums, `Page[...]` envelopes) an example of their own."""
    components = schema.get("components", {}).get("schemas", {})
    for name, component in components.items():
        if "examples" in component or "example" in component:
            continue
        if "enum" in component:
            component["examples"] = [component["enum"][0]]
        elif name.startswith("Body_"):
            component["examples"] = [_form_example(component)]
        elif name.startswith("Page_"):
            item = components.get(name.removeprefix("Page_").rstrip("_"), {})
            component["examples"] = [
                {
                    "data": item.get("examples", [])[:1],
                    "meta": {"total": 1, "page": 1, "per_page": 20, "pages": 1},
                }
            ]


def install_openapi(app: FastAPI) -> None:
    """Build the OpenAPI document once, with problem+json for every error response."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            servers=app.servers,
        )
        _document_what_is_sent(schema)
        _fix_error_media_types(schema)
        _complete_examples(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
