"""The migrations build the schema the models describe, and run forward and back."""

import os
import re

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.db import make_engine
from app.models import Base
from app.search.objects import is_search_object
from tests import dbutil
from tests.conftest import BACKEND, SERVER_URL


@pytest.fixture
def scratch_url(tmp_path, worker_id: str):
    """A fresh, empty database of the backend under test."""
    name = f"pressroom_migrations_{worker_id}_{os.getpid()}"
    if BACKEND == "postgresql":
        yield dbutil.fresh_postgres_database(SERVER_URL, name)
        dbutil.drop_postgres_database(SERVER_URL, name)
    else:
        yield dbutil.fresh_sqlite_database(tmp_path, name)


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    return {n for n in names if not is_search_object(n, "table")} - {"alembic_version"}


def test_upgrade_check_downgrade_upgrade(scratch_url: str):
    import asyncio

    config = dbutil.alembic_config(scratch_url)

    command.upgrade(config, "head")
    assert asyncio.run(_tables(scratch_url)) == set(Base.metadata.tables)
    command.check(config)  # raises if the models and the migrations disagree

    command.downgrade(config, "base")
    assert asyncio.run(_tables(scratch_url)) == set()

    command.upgrade(config, "head")
    assert asyncio.run(_tables(scratch_url)) == set(Base.metadata.tables)


def test_history_is_one_line_with_dated_files():
    script = ScriptDirectory.from_config(dbutil.alembic_config("sqlite://"))
    heads = script.get_heads()
    assert len(heads) == 1
    for revision in script.walk_revisions():
        filename = os.path.basename(revision.path)
        assert re.match(r"\d{4}-\d{2}-\d{2}-\d{4}_\w+\.py$", filename), filename
