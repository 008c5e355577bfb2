"""Request guards: NUL bytes, body size, Host names, proxy headers; docs on or off."""

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import AnyHttpUrl
from starlette.responses import PlainTextResponse

from app.config import Settings
from app.guards import BodyGuard
from app.main import create_app
from tests.conftest import _savepoint_sessions
from tests.factories import make_user


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles?topic=%00",
        "/api/v1/articles/a%00b",
        "/api/v1/experts?program=x%00y",
        "/api/v1/search?q=%00",
    ],
)
async def test_nul_bytes_in_the_url_are_a_400_problem(client: AsyncClient, url: str):
    response = await client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The URL contains a NUL character."


ARTICLES = "/api/v1/admin/articles"
SIGNUP = "/api/v1/newsletter/subscriptions"
TOKEN = "/api/v1/admin/auth/token"


def _nul_field(response) -> list[dict]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()["errors"]


async def test_a_nul_in_a_json_value_is_a_422_naming_the_field(client: AsyncClient):
    # JSON carries NUL as the escape \u0000; the decoded value is what would reach the database.
    body = b'{"email": "ada@example.org", "name": "Ada\\u0000Reader"}'
    response = await client.post(SIGNUP, content=body, headers={"Content-Type": "application/json"})
    assert _nul_field(response) == [
        {"field": "name", "in": "body", "message": "must not contain a NUL character"}
    ]


async def test_a_nul_deep_in_a_json_body_names_its_path(client: AsyncClient):
    response = await client.post(
        SIGNUP, json={"email": "a@example.org", "interests": ["asia", "x\x00y"]}
    )
    assert _nul_field(response)[0]["field"] == "interests.1"


async def test_an_escaped_backslash_is_not_a_nul(client: AsyncClient, session, sign_in):
    editor = sign_in(await make_user(session, role="editor"))
    response = await client.post(
        ARTICLES, json={"kind": "op-ed", "title": "A path: C:\\u0000"}, headers=editor
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "A path: C:\\u0000"


async def test_a_nul_in_the_sign_in_form_is_a_422_naming_the_field(client: AsyncClient):
    response = await client.post(TOKEN, data={"username": "a\x00@example.org", "password": "x"})
    assert _nul_field(response)[0] == {
        "field": "username",
        "in": "body",
        "message": "must not contain a NUL character",
    }


async def test_a_nul_in_a_multipart_form_field_is_a_422(client: AsyncClient):
    response = await client.post(
        TOKEN,
        data={"username": "a@example.org", "password": "pass\x00word"},
        files={"unused": ("f.bin", b"binary \x00 is fine in a file")},
    )
    assert _nul_field(response)[0]["field"] == "password"


async def test_a_body_over_max_body_bytes_is_a_413_before_it_is_read(client: AsyncClient):
    response = await client.post(
        SIGNUP,
        content=b'{"email": "' + b"a" * (1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "1048576 bytes" in response.json()["detail"]


async def test_a_chunked_body_is_counted_as_it_arrives(client: AsyncClient):
    sent: list[int] = []

    async def chunks():
        for n in range(1000):  # 64 MiB if it were all read
            sent.append(n)
            yield b"x" * 65536

    response = await client.post(
        SIGNUP, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert len(sent) <= 1024 * 1024 // 65536 + 2  # stopped just past the limit


async def test_a_path_can_have_its_own_body_limit():
    async def echo(scope, receive, send):
        message = await receive()
        await PlainTextResponse(str(len(message["body"])))(scope, receive, send)

    guarded = BodyGuard(echo, max_bytes=1024, limits={"/api/v1/admin/media": 4096})
    async with AsyncClient(transport=ASGITransport(app=guarded), base_url="http://t") as http:
        media = await http.post("/api/v1/admin/media/upload", content=b"x" * 3000)
        other = await http.post("/api/v1/admin/articles", content=b"x" * 3000)
    assert (media.status_code, media.text) == (200, "3000")
    assert other.status_code == 413


def _app_client(settings: Settings, connection, *, base_url="http://testserver", peer=None):
    app = create_app(settings, sessionmaker=_savepoint_sessions(connection))
    transport = ASGITransport(app=app, client=peer or ("127.0.0.1", 123))
    return AsyncClient(transport=transport, base_url=base_url)


async def test_an_unknown_host_is_a_400_problem(settings: Settings, connection):
    hosts = settings.model_copy(update={"allowed_hosts": ["api.example.org", "*.example.net"]})
    async with _app_client(hosts, connection) as other:
        refused = await other.get("/api/v1/articles")
        probe = await other.get("/healthz")
    async with _app_client(hosts, connection, base_url="http://api.example.org:8000") as named:
        named_ok = await named.get("/api/v1/articles")
    async with _app_client(hosts, connection, base_url="https://cdn.example.net") as wildcard:
        wildcard_ok = await wildcard.get("/api/v1/articles")

    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert "testserver" in refused.json()["detail"]
    assert probe.status_code == 200  # probes come by address
    assert (named_ok.status_code, wildcard_ok.status_code) == (200, 200)


async def test_production_answers_only_the_host_of_public_api_url(settings: Settings, connection):
    production = settings.model_copy(
        update={
            "environment": "production",
            "public_api_url": AnyHttpUrl("https://api.example.org/"),
        }
    )
    async with _app_client(production, connection, base_url="https://api.example.org") as ok:
        assert (await ok.get("/api/v1/articles")).status_code == 200
    async with _app_client(production, connection, base_url="http://evil.example") as evil:
        assert (await evil.get("/api/v1/articles")).status_code == 400


async def test_docs_can_be_turned_off(settings: Settings, connection):
    hidden = settings.model_copy(update={"docs_enabled": False})
    async with _app_client(hidden, connection) as off, _app_client(settings, connection) as on:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert (await on.get(path)).status_code == 200
            response = await off.get(path)
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"


async def _remaining(http: AsyncClient, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = await http.get("/api/v1/articles", headers=headers)
    return int(response.headers["ratelimit-remaining"])


async def test_a_trusted_proxy_names_the_client_for_the_rate_limit(settings, connection):
    async with _app_client(settings, connection) as proxy:  # 127.0.0.1: trusted by default
        peer = [await _remaining(proxy), await _remaining(proxy)]
        forwarded = [
            await _remaining(proxy, "198.51.100.7"),
            await _remaining(proxy, "203.0.113.1, 198.51.100.7"),  # the proxy's hop counts
        ]
    assert peer[0] - peer[1] == 1
    assert forwarded == [peer[0], peer[0] - 1]  # a count of its own


async def test_a_forwarded_value_that_is_no_address_is_ignored(settings, connection):
    async with _app_client(settings, connection) as proxy:
        counts = [await _remaining(proxy, f"not-an-address-{n}") for n in range(3)]
        counts.append(await _remaining(proxy))
    assert [counts[0] - count for count in counts] == [0, 1, 2, 3]  # one count: the peer's


async def test_an_untrusted_peer_cannot_choose_its_address(settings, connection):
    async with _app_client(settings, connection, peer=("192.0.2.9", 5)) as direct:
        counts = [await _remaining(direct, f"198.51.100.{n}") for n in range(3)]
    assert len(set(counts)) == 3  # all counted against 192.0.2.9
