"""The `pressroom` command: serve, migrate, seed."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from app.config import get_settings

cli = typer.Typer(
    help="Pressroom: a headless publishing API for policy publishers.", no_args_is_help=True
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _alembic_ini() -> Path:
    for candidate in (Path.cwd() / "alembic.ini", PROJECT_ROOT / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise typer.BadParameter("alembic.ini not found: run from the project directory")


def run_migrations(revision: str = "head") -> None:
    """Bring the database at DATABASE_URL to `revision`."""
    from alembic import command
    from alembic.config import Config

    from app.main import ensure_sqlite_dir

    url = get_settings().database_url
    ensure_sqlite_dir(url)
    config = Config(str(_alembic_ini()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, revision)


async def _seed_demo() -> dict[str, int]:
    import app.models  # noqa: F401  (every mapper, so foreign keys resolve)
    from app.db import make_engine, make_sessionmaker
    from app.demo.loader import load_demo

    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            created = await load_demo(session, tz=get_settings().tz)
            await session.commit()
            return created
    finally:
        await engine.dispose()


@cli.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the database migrations (Alembic) to DATABASE_URL."""
    run_migrations(revision)
    typer.echo(f"database at {revision}")


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo content.")] = False,
) -> None:
    """Load content. `--demo` loads the demo site; running it again changes nothing."""
    if not demo:
        raise typer.BadParameter("say what to load: --demo")
    created = asyncio.run(_seed_demo())
    added = ", ".join(f"{n} {kind}" for kind, n in created.items() if n) or "nothing new"
    typer.echo(f"demo content: {added}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT).")] = None,
    do_migrate: Annotated[
        bool, typer.Option("--migrate", help="Apply migrations before serving.")
    ] = False,
    seed_demo: Annotated[
        bool, typer.Option("--seed-demo", help="Load the demo content before serving.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn on HOST:PORT."""
    import uvicorn

    settings = get_settings()
    if do_migrate:
        run_migrations()
    if seed_demo:
        seed(demo=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level=settings.log_level,
    )


def main() -> None:
    cli()
