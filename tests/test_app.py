"""Health probes, CORS and the shape of errors that no domain raises."""

from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app


async def test_healthz_answers_without_the_database(client: AsyncClient):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_when_the_database_does(client: AsyncClient):
    response = await client.get("/readyz")
    assert response.status_code == 200


async def test_readyz_is_503_when_the_database_is_down(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    app = create_app(Settings(), sessionmaker=make_sessionmaker(engine))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/readyz")
    await engine.dispose()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Database unavailable"


async def test_unknown_path_is_a_problem_document(client: AsyncClient):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/api/v1/nothing-here"


async def test_wrong_method_is_a_problem_document(client: AsyncClient):
    response = await client.delete("/api/v1/articles")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_crash_never_shows_a_stack_trace(settings: Settings):
    app = create_app(settings, sessionmaker=object())  # type: ignore[arg-type]

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals at line 42")

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text
    assert "Traceback" not in response.text


async def test_cors_lets_a_configured_frontend_read(client: AsyncClient):
    response = await client.options(
        "/api/v1/articles",
        headers={
            "Origin": "https://frontend.example.org",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://frontend.example.org"
    assert "access-control-allow-credentials" not in response.headers
    listing = await client.get(
        "/api/v1/articles", headers={"Origin": "https://frontend.example.org"}
    )
    assert "Link" in listing.headers["access-control-expose-headers"]


async def test_cors_refuses_other_origins_and_credentialed_writes(client: AsyncClient):
    other = await client.options(
        "/api/v1/articles",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in other.headers
    # The frontend may not send an editor's token: the admin API is not for other origins.
    signed_in = await client.options(
        "/api/v1/admin/articles",
        headers={
            "Origin": "https://frontend.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert signed_in.status_code == 400


async def test_cors_lets_the_frontend_post_the_newsletter_form(client: AsyncClient):
    preflight = await client.options(
        "/api/v1/newsletter/subscriptions",
        headers={
            "Origin": "https://frontend.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://frontend.example.org"
    assert "POST" in preflight.headers["access-control-allow-methods"]
