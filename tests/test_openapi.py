"""The OpenAPI document is complete enough for an editor to work from /docs alone."""

import pytest
from httpx import AsyncClient


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
        for response in op["responses"].values():
            assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
                response["headers"]
            ), name
    # What is documented is what is sent.
    sent = await client.get("/api/v1/articles")
    documented = spec["paths"]["/api/v1/articles"]["get"]["responses"]["200"]["headers"]
    assert {name.lower() for name in documented} <= set(sent.headers)
    admin = spec["paths"]["/api/v1/admin/articles"]["get"]["responses"]["200"]
    assert "RateLimit-Limit" not in admin.get("headers", {})
