"""The OpenAPI document is complete enough for an editor to work from /docs alone."""

import pytest
from httpx import AsyncClient
from openapi_spec_validator import validate
from sqlalchemy.ext.asyncio import AsyncSession

from app.cache.keys import is_public_path
from tests.factories import make_user
from tests.helpers import assert_legal_headers


@pytest.fixture
async def spec(client: AsyncClient) -> dict:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


async def test_every_operation_has_a_summary_and_a_description(spec: dict):
    missing = [
        name for name, op in _operations(spec) if not op.get("summary") or not op.get("description")
    ]
    assert missing == []


async def test_every_success_response_has_a_schema(spec: dict):
    missing = []
    for name, op in _operations(spec):
        status, response = next((s, r) for s, r in op["responses"].items() if s.startswith("2"))
        if status == "204":
            assert "content" not in response, name
        elif not all(
            media.get("schema") for media in response.get("content", {}).values()
        ) or not response.get("content"):
            missing.append(name)
    assert missing == []


async def test_errors_are_documented_as_problem_json(spec: dict):
    for name, op in _operations(spec):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == ["application/problem+json"], (name, status)
                assert response["content"]["application/problem+json"]["example"]["status"]


async def test_fastapi_default_validation_schema_is_gone(spec: dict):
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "Problem" in schemas


async def test_detail_routes_document_404_and_lists_document_422(spec: dict):
    for name, op in _operations(spec):
        if "{slug}" in name:
            assert "404" in op["responses"], name
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            assert "422" in op["responses"], name


async def test_every_schema_has_an_example(spec: dict):
    missing = [
        name
        for name, schema in spec["components"]["schemas"].items()
        if not (schema.get("examples") or schema.get("example"))
    ]
    assert missing == []


async def test_swagger_ui_and_redoc_are_served(client: AsyncClient):
    for path in ("/docs", "/redoc"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "/openapi.json" in response.text


async def test_rate_limited_operations_document_their_headers_and_429(
    spec: dict, client: AsyncClient
):
    limited = {name: op for name, op in _operations(spec) if " /api/v1/admin" not in name}
    limited = {
        name: op for name, op in limited.items() if " /api/v1/" in name or " /feeds/" in name
    }
    assert "GET /api/v1/articles" in limited
    assert "GET /feeds/events.ics" in limited
    for name, op in limited.items():
        assert "429" in op["responses"], name
        assert "Retry-After" in op["responses"]["429"]["headers"], name
        for status, response in op["responses"].items():
            if status == "400":  # answered outside the limiter: a NUL, an unknown Host
                continue
            assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
                response["headers"]
            ), name
    # What is documented is what is sent.
    sent = await client.get("/api/v1/articles")
    documented = spec["paths"]["/api/v1/articles"]["get"]["responses"]["200"]["headers"]
    assert {name.lower() for name in documented} <= set(sent.headers)
    admin = spec["paths"]["/api/v1/admin/articles"]["get"]["responses"]["200"]
    assert "RateLimit-Limit" not in admin.get("headers", {})


async def test_the_document_validates_as_openapi(spec: dict):
    validate(spec)  # raises, naming the first invalid part


async def test_every_operation_documents_the_400_for_a_malformed_request(
    spec: dict, client: AsyncClient
):
    sent = await client.get("/api/v1/articles/a%00b")

    assert sent.status_code == 400
    assert [name for name, op in _operations(spec) if "400" not in op["responses"]] == []


async def test_public_gets_document_304_and_if_none_match(spec: dict, client: AsyncClient):
    public = [
        (name, op)
        for name, op in _operations(spec)
        if name.startswith("GET ") and is_public_path(name.split(" ", 1)[1])
    ]
    first = await client.get("/api/v1/topics")
    again = await client.get("/api/v1/topics", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert len(public) > 20
    for name, op in public:
        assert "ETag" in op["responses"]["304"]["headers"], name
        assert "If-None-Match" in [p["name"] for p in op["parameters"] if p["in"] == "header"]
        assert {"ETag", "Last-Modified"} <= set(op["responses"]["200"]["headers"]), name
    admin = spec["paths"]["/api/v1/admin/articles"]["get"]
    assert "304" not in admin["responses"]


async def test_operations_with_a_body_document_413(spec: dict):
    with_body = [(name, op) for name, op in _operations(spec) if "requestBody" in op]

    assert "POST /api/v1/admin/articles" in dict(with_body)
    assert [name for name, op in with_body if "413" not in op["responses"]] == []


async def test_throttled_operations_document_429_with_retry_after(spec: dict):
    for path in ("/api/v1/admin/auth/token", "/api/v1/newsletter/subscriptions"):
        response = spec["paths"][path]["post"]["responses"]["429"]
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer"}, path


async def test_a_created_location_is_documented_as_a_uri_and_sent_as_one(
    spec: dict, client: AsyncClient, session: AsyncSession, sign_in
):
    editor = sign_in(await make_user(session, role="editor"))
    created = await client.post("/api/v1/admin/topics", json={"name": "Trade"}, headers=editor)

    assert_legal_headers(created)
    assert created.headers["location"].startswith("http://testserver/api/v1/admin/topics/")
    for name, op in _operations(spec):
        for status, response in op["responses"].items():
            for header, described in response.get("headers", {}).items():
                assert "schema" in described, (name, status, header)
                if header == "Location":
                    assert described["schema"] == {"type": "string", "format": "uri"}, name
