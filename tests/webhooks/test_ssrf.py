"""In production, webhook targets that resolve to loopback or private addresses are refused,
at registration and again right before each send; development allows them."""

import ipaddress

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.webhooks import service, ssrf
from app.webhooks.models import WebhookDelivery
from tests.webhooks.conftest import register

PRIVATE = [
    "http://127.0.0.1:9/",
    "http://10.0.0.1/",
    "http://192.168.1.20/hook",
    "http://172.16.0.5/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd00::1]/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://localhost:8000/",
]


@pytest.fixture
def production(settings: Settings) -> Settings:
    return settings.model_copy(update={"environment": "production", "secret_key": "p" * 40})


@pytest.fixture
async def prod_client(connection, production):
    from httpx import ASGITransport, AsyncClient

    from app.main import create_app
    from tests.conftest import _savepoint_sessions

    app = create_app(production, sessionmaker=_savepoint_sessions(connection))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def prod_admin(session: AsyncSession, production):
    from datetime import timedelta

    from app.auth import tokens
    from tests.factories import make_user

    user = await make_user(session, role="admin")
    token, _ = tokens.sign(
        production,
        purpose="access",
        ttl=timedelta(minutes=5),
        sub=str(user.id),
        key=user.token_key,
        role="admin",
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("url", PRIVATE)
async def test_production_refuses_private_targets_naming_url(prod_client, prod_admin, url):
    response = await prod_client.post(
        "/api/v1/admin/webhooks",
        json={"url": url, "events": ["article.published"]},
        headers=prod_admin,
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "url"
    assert error["in"] == "body"
    listed = await prod_client.get("/api/v1/admin/webhooks", headers=prod_admin)
    assert listed.json()["meta"]["total"] == 0


async def test_production_refuses_a_patch_to_a_private_target(prod_client, prod_admin):
    created = await register(prod_client, prod_admin, "http://93.184.215.14/hooks")
    response = await prod_client.patch(
        f"/api/v1/admin/webhooks/{created['id']}",
        json={"url": "http://10.1.2.3/"},
        headers=prod_admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"


async def test_production_refuses_a_name_that_does_not_resolve(prod_client, prod_admin):
    response = await prod_client.post(
        "/api/v1/admin/webhooks",
        json={"url": "http://no-such-host.invalid/", "events": ["article.published"]},
        headers=prod_admin,
    )
    assert response.status_code == 422
    assert "does not resolve" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://10.0.0.1/", "http://localhost/"])
async def test_development_accepts_local_targets(client, admin, url):
    created = await register(client, admin, url)
    assert created["url"] == url


def test_public_addresses_pass_and_mapped_loopback_does_not():
    assert not ssrf.is_forbidden(ipaddress.ip_address("93.184.215.14"))
    assert not ssrf.is_forbidden(ipaddress.ip_address("2606:4700::1111"))
    assert ssrf.is_forbidden(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert ssrf.is_forbidden(ipaddress.ip_address("100.64.0.1"))  # carrier-grade NAT


async def test_a_send_to_a_target_now_private_is_refused_and_logged(
    client, admin, receiver, worker_sessions, settings, session
):
    """Registered while allowed (or DNS changed since): the worker checks again, sends
    nothing, and logs a failed attempt."""
    from app.webhooks import worker

    await register(client, admin, receiver.url)
    [queued] = await service.enqueue(session, event="article.published", object={"a": 1})
    await session.flush()
    production = settings.model_copy(update={"environment": "production"})
    assert await worker.run_once(worker_sessions, production, worker="test") == 1
    assert receiver.requests == []
    session.expunge_all()
    delivery = await session.get(WebhookDelivery, queued.id)
    assert delivery.state == "pending"
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("refused:")
    assert "127.0.0.1" in delivery.last_error
