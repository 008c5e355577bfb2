"""Contract fuzzing: every operation in the OpenAPI document, as each kind of caller.

schemathesis draws requests from the document (valid and invalid data, a fixed seed, a
few per operation); some get real slugs and ids from the demo site instead. Each is sent
in-process to an app on a seeded database. Every answer must be what the document says:
no 5xx, a documented status and media type, a body that matches its schema, a problem
document for every 4xx, and header fields that may go on the wire.
"""

import contextlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as fuzz_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.articles.models import Article
from app.auth import api_keys, tokens
from app.auth.models import ApiKey, User
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.demo.loader import load_demo
from app.errors import PROBLEM_MEDIA_TYPE
from app.events.models import Event
from app.experts.models import Expert
from app.main import create_app
from app.newsletter.models import NewsletterSubscription
from app.pages.models import Page
from app.programs.models import Program
from app.site.models import Menu
from app.topics.models import Topic
from app.webhooks.models import WebhookEndpoint
from tests.conftest import _savepoint_sessions
from tests.factories import make_user
from tests.helpers import assert_legal_headers

# Per operation and generation mode; CONTRACT_EXAMPLES=50 for a deeper search by hand.
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "2"))
BASE = "http://testserver"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
ROLES = ("admin", "editor", "author")
# The rows a path parameter names, by the parameter (and, for a slug, the segment before it).
REAL: dict[str, Any] = {
    "articles/{slug}": Article.slug,
    "experts/{slug}": Expert.slug,
    "topics/{slug}": Topic.slug,
    "programs/{slug}": Program.slug,
    "events/{slug}": Event.slug,
    "pages/{slug}": Page.slug,
    "menus/{slug}": Menu.slug,
    "article_id": Article.id,
    "expert_id": Expert.id,
    "topic_id": Topic.id,
    "program_id": Program.id,
    "event_id": Event.id,
    "page_id": Page.id,
    "user_id": User.id,
    "key_id": ApiKey.id,
    "webhook_id": WebhookEndpoint.id,
    "subscription_id": NewsletterSubscription.id,
}
FIXED = {"ext": ["rss", "atom", "json"], "kind_name": ["report", "op-ed"], "number": [1]}


@dataclass
class World:
    """The seeded database: who may call, and real values for path parameters."""

    engine: AsyncEngine
    settings: Settings
    auth: dict[str, dict[str, str]]
    values: dict[str, list[Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def contract_settings(scratch_url: str) -> Settings:
    """The test settings, on the module's database, with no limit in the fuzzer's way."""
    return Settings(
        environment="test",
        secret_key="test-secret-" + "x" * 32,
        database_url=scratch_url,
        site_url="https://www.example.org",
        redis_url=None,
        public_api_url=BASE,
        rate_limit_enabled=False,
        login_failures_per_account=100_000,
        login_failures_per_client=100_000,
    )


@pytest.fixture(scope="module")
async def world(contract_settings: Settings) -> AsyncIterator[World]:
    engine = make_engine(contract_settings.database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        await load_demo(session, tz=contract_settings.tz)
        users = {role: await make_user(session, role=role) for role in ROLES}
        minted = api_keys.mint()
        scopes = ["content:read", "embargo:read"]
        session.add(
            ApiKey(name="Fuzz", prefix=minted.prefix, key_hash=minted.key_hash, scopes=scopes)
        )
        await session.commit()
    auth = {role: _bearer(contract_settings, user) for role, user in users.items()}
    auth["partner"] = {"X-API-Key": minted.key}
    auth["anonymous"] = {}
    await _seed_through_api(create_app(contract_settings, sessionmaker=sessions), auth["admin"])
    world = World(engine, contract_settings, auth)
    async with sessions() as session:
        for name, column in REAL.items():
            world.values[name] = list(await session.scalars(select(column).order_by(column)))
    world.values.update(FIXED)
    yield world
    await engine.dispose()


def _bearer(settings: Settings, user: User) -> dict[str, str]:
    token, _ = tokens.sign(
        settings,
        purpose="access",
        ttl=timedelta(hours=1),
        sub=str(user.id),
        key=user.token_key,
        role=user.role.value,
    )
    return {"Authorization": f"Bearer {token}"}


async def _seed_through_api(app: FastAPI, admin: dict[str, str]) -> None:
    """A webhook endpoint and a newsletter signup, made the way users make them."""
    async with _client(app) as client:
        hook = {"url": "https://hooks.example.org/in", "events": ["article.published"]}
        response = await client.post("/api/v1/admin/webhooks", json=hook, headers=admin)
        assert response.status_code == 201, response.text
        signup = {"email": "reader@example.org", "interests": ["china"]}
        response = await client.post("/api/v1/newsletter/subscriptions", json=signup)
        assert response.status_code == 202, response.text


def _client(app: Any) -> AsyncClient:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    return AsyncClient(transport=transport, base_url=BASE)


@pytest.fixture(scope="module")
def operations(contract_settings: Settings) -> list[tuple[APIOperation, list[Case]]]:
    """Each operation of the document with the requests drawn for it (the same on every
    run: the seed is fixed)."""
    schema = schemathesis.openapi.from_dict(create_app(contract_settings).openapi())
    return [(op, _draw(op)) for op in (r.ok() for r in schema.get_all_operations())]


def _draw(operation: APIOperation) -> list[Case]:
    cases: list[Case] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @fuzz_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode))
        def collect(case: Case) -> None:
            cases.append(case)

        # Unsatisfiable: nothing in the document can be made invalid (no parameters, no body).
        with contextlib.suppress(Unsatisfiable):
            collect()
    return cases


def _signed_in(operation: APIOperation) -> bool:
    return any("EditorSignIn" in s for s in operation.definition.raw.get("security", []))


def _with_real_rows(case: Case, index: int, world: World) -> bool:
    """Every other valid case names real rows: the path parameters get values from the
    database (chosen by the index, so runs repeat). True if it did."""
    if index % 2 or not case.path_parameters or case.meta.generation.mode.is_negative:
        return False
    for name in case.path_parameters:
        match = re.search(rf"([a-z-]+)/[^/]*{{{name}}}", case.operation.path)
        key = f"{match.group(1)}/{{{name}}}" if match and name == "slug" else name
        values = world.values.get(key)
        if not values:
            return False
        case.path_parameters[name] = values[index // 2 % len(values)]
    return True


async def _current_etag(client: AsyncClient, case: Case, auth: dict[str, str]) -> str | None:
    """The ETag of the row a write names (what a client read before it writes)."""
    path = re.sub(r"(/\{[^}]+\}).*", r"\1", case.operation.path)
    path = path.format(**case.path_parameters) if "{" in path else path
    response = await client.get(path, headers=auth)
    return response.headers.get("etag") if response.status_code == 200 else None


def _request(case: Case, auth: dict[str, str], if_match: str | None) -> requests.PreparedRequest:
    """What schemathesis would send, with the caller's credentials."""
    kwargs = case.as_transport_kwargs(base_url=BASE)
    kwargs.pop("cookies", None)
    headers = {
        k: v for k, v in kwargs.pop("headers").items() if k.lower() != "x-api-key" or not auth
    }
    headers.update(auth)
    if if_match:
        headers["If-Match"] = if_match
    return requests.Request(headers=headers, **kwargs).prepare()


def _problems(response: Response) -> list[str]:
    """What is wrong with an answer beyond the document's checks: a 4xx that is not a
    problem document, or a header field that could not go on the wire."""
    found = []
    try:
        assert_legal_headers(response)
    except AssertionError as error:
        found.append(f"illegal header: {error}")
    if 400 <= response.status_code < 500:
        media = response.headers.get("content-type", "").split(";")[0]
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if media != PROBLEM_MEDIA_TYPE or not isinstance(body, dict):
            found.append(f"{response.status_code} is not a problem document ({media})")
        elif body.get("status") != response.status_code or not body.get("title"):
            found.append(f"{response.status_code} problem document says {body}")
    return found


async def _fuzz(
    client: AsyncClient, operation: APIOperation, cases: list[Case], world: World, who: str
) -> list[str]:
    auth = world.auth[who]
    failures = []
    for index, case in enumerate(cases):
        if_match = None
        if _with_real_rows(case, index, world) and operation.method.upper() != "GET":
            if_match = await _current_etag(client, case, auth)
        prepared = _request(case, auth, if_match)
        response = await client.request(
            prepared.method,
            prepared.url,
            headers=[
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in prepared.headers.items()
            ],
            content=prepared.body,
        )
        found = _problems(response)
        try:
            case.validate_response(response, checks=CHECKS, headers=dict(prepared.headers))
        except Exception as error:  # schemathesis reports every failed check in one error
            found.append(str(error))
        failures += [f"{prepared.method} {prepared.url} as {who}:\n{f}" for f in found]
    return failures


@pytest.mark.parametrize("who", ["anonymous", "partner", *ROLES])
async def test_every_operation_keeps_its_contract(
    who: str, world: World, operations: list[tuple[APIOperation, list[Case]]]
) -> None:
    """Public and sign-in operations as anonymous and as a partner key; every admin
    operation as each role. Each operation's writes are rolled back before the next."""
    failures: list[str] = []
    async with world.engine.connect() as connection:
        transaction = await connection.begin()
        app = create_app(world.settings, sessionmaker=_savepoint_sessions(connection))
        async with _client(app) as client:
            for operation, cases in operations:
                if _signed_in(operation) != (who in ROLES):
                    continue
                savepoint = await connection.begin_nested()
                failures += await _fuzz(client, operation, cases, world, who)
                await savepoint.rollback()
        await transaction.rollback()
    assert not failures, f"{len(failures)} answers break the contract:\n\n" + "\n\n".join(
        failures[:400]
    )


async def _echo_header(scope: dict, receive: Any, send: Any) -> None:
    """An app that puts what it is given into a header: a CRLF becomes a second field."""
    value = b"a\r\nSet-Cookie: session=stolen"
    start = {"type": "http.response.start", "status": 200, "headers": [(b"x-echo", value)]}
    await send(start)
    await send({"type": "http.response.body", "body": b""})


async def test_an_illegal_header_fails_whichever_test_received_it() -> None:
    """The conftest check on every in-process answer (and so on every existing test)."""
    async with AsyncClient(transport=ASGITransport(app=_echo_header), base_url=BASE) as client:
        with pytest.raises(AssertionError, match="x-echo"):
            await client.get("/")


def test_a_4xx_that_is_not_a_problem_document_is_reported() -> None:
    plain = Response(404, text="Not Found", headers={"Content-Type": "text/plain"})
    problem = Response(404, json={"type": "about:blank", "title": "Not found", "status": 410})
    problem.headers["Content-Type"] = PROBLEM_MEDIA_TYPE
    assert _problems(plain) == ["404 is not a problem document (text/plain)"]
    assert [p.split(" says")[0] for p in _problems(problem)] == ["404 problem document"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/admin/topics/235703640480946063409152",  # fuzzer: OverflowError, a 500
        "/api/v1/admin/articles/2147483648",  # past PostgreSQL's integer
        "/api/v1/admin/articles/-440730952430",  # fuzzer (PostgreSQL): a 500
        "/api/v1/admin/audit?user_id=99999999999",  # fuzzer (PostgreSQL): a 500
        "/api/v1/admin/audit?resource_id=99999999999999999999999",
    ],
)
async def test_an_id_too_large_for_the_database_is_a_422(
    path: str, client: AsyncClient, session, sign_in
) -> None:
    admin = sign_in(await make_user(session, role="admin"))
    response = await client.get(path, headers=admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
