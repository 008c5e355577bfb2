"""`pressroom serve` (and `pressroom worker`) as users run them: real processes on real
sockets, for the tests that must see what an HTTP server checks and the in-process
transport does not."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The command under test: this venv's, or (CI's image check) a non-editable install's,
# run in a folder laid out like the image's /srv/pressroom (alembic.ini, migrations/).
PRESSROOM = os.environ.get("PRESSROOM_BIN") or str(Path(sys.executable).parent / "pressroom")
WORKDIR = Path(os.environ.get("PRESSROOM_WORKDIR") or ROOT)
START_SECONDS = 90  # a busy two-core machine migrates and starts slowly


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pressroom_env(data: Path, **overrides: str) -> dict[str, str]:
    """The environment of a development process on a SQLite database in `data` (no
    SECRET_KEY: serve keeps one there), with `overrides` (DATABASE_URL, REDIS_URL, ...)."""
    return {
        **{k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
        "ENVIRONMENT": "development",
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/pressroom.db",
        "HOST": "127.0.0.1",
        **overrides,
    }


def pressroom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a `pressroom` command to its end; fail the test with its output if it fails."""
    done = subprocess.run([PRESSROOM, *args], cwd=WORKDIR, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"pressroom {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


class Server:
    """`pressroom serve ARGS` on a spare port, answering /healthz before the test goes on."""

    def __init__(self, data: Path, *args: str, **env: str) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = pressroom_env(data, PORT=str(self.port), **env)
        self.log = data.parent / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [PRESSROOM, "serve", *args], cwd=WORKDIR, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        output = self.stop()
        pytest.fail(f"the server did not answer within {START_SECONDS} s:\n{output}")

    def stop(self) -> str:
        """Stop the process (SIGTERM, as an orchestrator would); what it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()
