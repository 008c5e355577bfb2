"""Creating and migrating throwaway test databases, on SQLite or PostgreSQL."""

import asyncio
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    """An Alembic config aimed at `url`, quiet."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def _dsn(url: str, database: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", database=database)
    return parsed.render_as_string(hide_password=False)


async def _recreate(url: str, name: str) -> None:
    conn = await asyncpg.connect(_dsn(url, make_url(url).database or "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def fresh_postgres_database(url: str, name: str) -> str:
    """Drop and create database `name` on the server of `url`; return its URL."""
    asyncio.run(_recreate(url, name))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _drop(url: str, name: str) -> None:
    conn = await asyncpg.connect(_dsn(url, make_url(url).database or "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def drop_postgres_database(url: str, name: str) -> None:
    asyncio.run(_drop(url, name))


def fresh_sqlite_database(directory: Path, name: str) -> str:
    path = directory / f"{name}.db"
    path.unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path}"


async def postgres_answers(url: str, wait: float = 3.0) -> bool:
    try:
        conn = await asyncpg.connect(_dsn(url, make_url(url).database or "postgres"), timeout=wait)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True
