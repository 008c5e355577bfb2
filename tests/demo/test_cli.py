"""`pressroom migrate` and `pressroom seed --demo`, run for real against a fresh SQLite file."""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path


def _pressroom(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/demo.db",
        "SITE_TIMEZONE": "America/New_York",
    }
    command = [str(Path(sys.executable).parent / "pressroom"), *args]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def test_seed_demo_twice_loads_once(tmp_path: Path):
    _pressroom(tmp_path, "migrate")

    first = _pressroom(tmp_path, "seed", "--demo")
    second = _pressroom(tmp_path, "seed", "--demo")

    assert first.stdout.strip() == (
        "demo content: 24 topics, 4 programs, 6 experts, 14 articles, 3 events, 6 pages, "
        "2 menus, 1 site"
    )
    assert second.stdout.strip() == "demo content: nothing new"
    with closing(sqlite3.connect(tmp_path / "demo.db")) as db:
        assert db.execute("SELECT count(*) FROM article").fetchone() == (14,)
        assert db.execute("SELECT count(*) FROM menu_item").fetchone() == (31,)
