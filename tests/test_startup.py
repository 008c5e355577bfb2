"""`pressroom serve` on a real socket: the development secret it keeps, the access log it
writes, the client address it believes."""

import logging
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.access_log import ACCESS_LOGGER
from app.config import Settings
from app.main import create_app
from tests.server import PRESSROOM, ROOT, Server


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve") / "data"


@pytest.fixture(scope="module")
def server(data: Path) -> Iterator[Server]:
    running = Server(data, "--migrate")
    yield running
    running.stop()


def _sign_in(server: Server, base_url: str) -> dict[str, str]:
    subprocess.run(
        [PRESSROOM, "users", "create", "--email", "ed@example.org", "--password", "a" * 12,
         "--role", "editor"],
        cwd=ROOT, env=server.env, check=True, capture_output=True,
    )  # fmt: skip
    token = httpx.post(
        f"{base_url}/api/v1/admin/auth/token",
        data={"username": "ed@example.org", "password": "a" * 12},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_serve_keeps_a_random_secret_in_the_data_folder_and_reuses_it(server: Server, data):
    key_file = data / "secret_key"
    key = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    editor = _sign_in(server, server.url)

    again = Server(data)  # the next start, the same folder
    try:
        assert key_file.read_text() == key
        # A token the first process signed is good on the second: one secret.
        assert httpx.get(f"{again.url}/api/v1/admin/articles", headers=editor).status_code == 200
    finally:
        again.stop()


def test_tokens_in_urls_stay_out_of_the_access_log(server: Server):
    for path in (
        "/api/v1/newsletter/preferences?token=SEKRIT-PREFS",
        "/api/v1/newsletter/unsubscribe/one-click?token=SEKRIT-UNSUB",
        "/api/v1/preview/SEKRIT-PREVIEW?x=1",
    ):
        httpx.get(server.url + path)
    httpx.get(f"{server.url}/healthz?last=1")
    deadline = time.monotonic() + 10
    while "/healthz?last=1" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.log.read_text()

    assert "/api/v1/newsletter/preferences?token=[redacted]" in log
    assert "/api/v1/newsletter/unsubscribe/one-click?token=[redacted]" in log
    assert "/api/v1/preview/[redacted]?x=1" in log
    assert "SEKRIT" not in log


def test_a_forwarded_for_that_is_no_address_is_not_a_rate_limit_identity(server: Server):
    def remaining(forwarded: str) -> int:
        response = httpx.get(
            f"{server.url}/api/v1/articles", headers={"X-Forwarded-For": forwarded}
        )
        return int(response.headers["ratelimit-remaining"])

    garbage = [remaining(f"garbage-{n}") for n in range(3)]
    own = [remaining("198.51.100.23"), remaining("198.51.100.23")]

    assert [garbage[0] - n for n in garbage] == [0, 1, 2]  # all the proxy's own count
    assert own == [599, 598]  # a real address from the trusted proxy: a count of its own


def test_the_access_log_filter_redacts_token_values(settings: Settings, caplog):
    create_app(settings, sessionmaker=object())  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        logging.getLogger(ACCESS_LOGGER).info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/api/v1/newsletter/preferences?x=1&token=eyJsecret.part",
            "1.1",
            200,
        )
    assert "token=[redacted]" in caplog.text
    assert "eyJsecret" not in caplog.text
