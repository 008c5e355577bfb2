"""`pressroom users ...`, run for real on a fresh SQLite file migrated by `pressroom migrate`."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app

PASSWORD = "first long password"
NEW_PASSWORD = "second long password"


def _migrated(directory: Path) -> str:
    url = f"sqlite+aiosqlite:///{directory}/users.db"
    migrated = _pressroom(directory, url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    return url


@pytest.fixture
def database(tmp_path: Path) -> str:
    return _migrated(tmp_path)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One editor in a database the failing commands below must leave as it is."""
    directory = tmp_path_factory.mktemp("cli-users")
    url = _migrated(directory)
    created = _pressroom(
        directory, url, "users", "create", "--email", "ed@example.org",
        "--password", PASSWORD, "--role", "editor",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    return directory, url


def _pressroom(cwd: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "pressroom"), *args]
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _sign_in_status(url: str, email: str, password: str) -> int:
    engine = make_engine(url)
    app = create_app(Settings(database_url=url), sessionmaker=make_sessionmaker(engine))
    try:
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post(
                "/api/v1/admin/auth/token", data={"username": email, "password": password}
            )
            return response.status_code
    finally:
        await engine.dispose()


def _sign_in(url: str, email: str, password: str) -> int:
    return asyncio.run(_sign_in_status(url, email, password))


def test_users_commands_create_list_set_password_and_deactivate(tmp_path: Path, database: str):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _pressroom(tmp_path, database, "users", *args)

    created = run(
        "create", "--email", "Ed@Example.org", "--password", PASSWORD, "--role", "editor",
        "--name", "Managing Editor",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "created editor ed@example.org (id 1)"
    assert PASSWORD not in created.stdout + created.stderr

    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["1\ted@example.org\teditor\tactive\tManaging Editor"]
    assert _sign_in(database, "ed@example.org", PASSWORD) == 200

    changed = run("set-password", "--email", "ed@example.org", "--password", NEW_PASSWORD)
    assert changed.returncode == 0, changed.stderr
    assert "ed@example.org" in changed.stdout
    assert _sign_in(database, "ed@example.org", PASSWORD) == 401
    assert _sign_in(database, "ed@example.org", NEW_PASSWORD) == 200

    deactivated = run("deactivate", "--email", "ed@example.org")
    assert deactivated.returncode == 0, deactivated.stderr
    assert deactivated.stdout.strip() == "deactivated ed@example.org"
    assert "\tinactive\t" in run("list").stdout
    assert _sign_in(database, "ed@example.org", NEW_PASSWORD) == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("create", "--email", "ed@example.org", "--password", PASSWORD, "--role", "admin"),
            "error: A user with email 'ed@example.org' exists.",
        ),
        (
            ("create", "--email", "x@example.org", "--password", PASSWORD, "--role", "owner"),
            "error: --role must be one of admin, editor, author, not 'owner'",
        ),
        (
            ("create", "--email", "not-an-email", "--password", PASSWORD, "--role", "admin"),
            "error: --email must be an email address like name@example.org",
        ),
        (
            ("create", "--email", "x@example.org", "--password", "short", "--role", "admin"),
            "error: --password must be at least 12 characters",
        ),
        (
            ("set-password", "--email", "nobody@example.org", "--password", PASSWORD),
            "error: No user with email 'nobody@example.org'.",
        ),
        (("deactivate", "--email", "nobody@example.org"), "error: No user with email"),
    ],
)
def test_errors_are_one_line_and_exit_1(
    seeded: tuple[Path, str], args: tuple[str, ...], message: str
):
    directory, database = seeded

    result = _pressroom(directory, database, "users", *args)

    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
