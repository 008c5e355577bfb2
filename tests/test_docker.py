"""The Dockerfile lints clean, and the command it starts really serves the API."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.server import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def _cmd() -> list[str]:
    match = re.search(r"^CMD (\[.*\])\s*$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match, "the Dockerfile has an exec-form CMD"
    return json.loads(match.group(1))


def _image_env() -> dict[str, str]:
    """The ENV of the runtime stage (PATH aside), as the container starts with it."""
    runtime = DOCKERFILE.read_text().split("\nFROM ")[-1].replace("\\\n", " ")
    pairs = [
        pair.partition("=")
        for line in runtime.splitlines()
        if line.startswith("ENV ")
        for pair in shlex.split(line.removeprefix("ENV "))
    ]
    return {key: value for key, _, value in pairs if key != "PATH"}


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multi_stage_non_root_with_a_healthcheck():
    text = DOCKERFILE.read_text()
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2
    assert re.search(r"^USER (?!root|0\b)", text, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", text, re.MULTILINE)


def test_make_run_and_the_image_start_the_same_way():
    cmd = _cmd()
    assert cmd[:4] == ["pressroom", "serve", "--migrate", "--with-worker"]
    makefile = (ROOT / "Makefile").read_text()
    assert "$(BIN)/" + " ".join(cmd) in makefile


def test_the_image_runs_as_production():
    assert _image_env()["ENVIRONMENT"] == "production"


def test_the_image_refuses_to_start_without_a_secret(tmp_path: Path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
        **_image_env(),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/fresh.db",
    }
    executable = str(Path(sys.executable).parent / _cmd()[0])
    result = subprocess.run(
        [executable, *_cmd()[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: SECRET_KEY is not set (ENVIRONMENT=production)")
    assert not (tmp_path / "fresh.db").exists()  # refused before touching anything


def test_the_image_command_migrates_and_serves(tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        **_image_env(),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/fresh.db",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SECRET_KEY": "docker-test-" + "k" * 32,
        "PUBLIC_API_URL": f"http://127.0.0.1:{port}",
    }
    executable = str(Path(sys.executable).parent / _cmd()[0])
    process = subprocess.Popen(
        [executable, *_cmd()[1:]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer /healthz within 60 s")
        assert httpx.get(f"{base}/readyz").status_code == 200
        listing = httpx.get(f"{base}/api/v1/articles")
        assert listing.status_code == 200
        assert listing.json()["meta"]["total"] == 0
        # Production answers only the host of PUBLIC_API_URL.
        other_host = httpx.get(f"{base}/api/v1/articles", headers={"Host": "evil.example"})
        assert other_host.status_code == 400
        assert other_host.headers["content-type"] == "application/problem+json"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
        print(output)  # shown when the test fails
    # The worker ran beside the API and stopped with it.
    assert re.search(r"worker \S+ started", output), output
    assert re.search(r"worker \S+ stopped", output), output
