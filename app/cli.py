"""The `pressroom` command: serve, migrate, seed, users."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from app.config import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.config import Settings

cli = typer.Typer(
    help="Pressroom: a headless publishing API for policy publishers.", no_args_is_help=True
)
users_cli = typer.Typer(help="Admin accounts: create, list, set passwords, deactivate.")
cli.add_typer(users_cli, name="users", no_args_is_help=True)

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@cli.callback()
def _check_settings() -> None:
    _settings()  # a bad setting is one line on stderr for every command, not a traceback


def _settings() -> "Settings":
    """The settings; or, when the environment holds an unusable one, exit 1 naming it."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        problems = [
            f"{'.'.join(map(str, e['loc'])).upper() or 'settings'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise _fail("; ".join(problems)) from None


def _runnable_settings(*, serving: bool) -> "Settings":
    """The settings for a server or worker, with the development secret kept in the data
    folder when SECRET_KEY is unset; or exit 1 saying what to set."""
    import os

    from app.config import ConfigError, Environment, check_runnable, keep_secret_key

    settings = _settings()
    try:
        if settings.secret_key is None and settings.environment == Environment.DEVELOPMENT:
            # The worker and uvicorn's own processes inherit it from the environment.
            os.environ["SECRET_KEY"] = keep_secret_key(settings)
            get_settings.cache_clear()
            settings = get_settings()
        check_runnable(settings, serving=serving)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return settings


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
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker", help="Also run `pressroom worker` (webhooks, emails) beside the API."
        ),
    ] = False,
) -> None:
    """Serve the API with uvicorn on HOST:PORT."""
    import os
    import subprocess
    import sys

    import uvicorn

    settings = _runnable_settings(serving=True)
    if do_migrate:
        run_migrations()
    if seed_demo:
        seed(demo=True)
    background = (
        # The worker also stops by itself when this process is gone: uvicorn re-raises
        # SIGTERM after its shutdown, so the `finally` below does not always run.
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--parent-pid", str(os.getpid())]
        )
        if with_worker
        else None
    )
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            reload=reload,
            # The app reads X-Forwarded-* itself (FORWARDED_ALLOW_IPS): see app.guards.
            proxy_headers=False,
            log_level=settings.log_level,
        )
    finally:
        if background is not None:
            background.terminate()
            try:
                background.wait(timeout=10)
            except subprocess.TimeoutExpired:
                background.kill()


@cli.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Do what is due now, then exit (for cron or tests).")
    ] = False,
    poll: Annotated[
        float, typer.Option(min=0.05, help="Seconds to sleep when nothing is due.")
    ] = 1.0,
    parent_pid: Annotated[
        int | None, typer.Option(help="Stop when this process is gone (serve --with-worker).")
    ] = None,
) -> None:
    """Send what the API queued (webhook deliveries, emails) and publish what falls due.

    Run one or several beside the API; they never send one item twice."""
    import logging

    settings = _runnable_settings(serving=False)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(_work(once=once, poll=poll, parent_pid=parent_pid))


async def _work(*, once: bool, poll: float, parent_pid: int | None) -> None:
    import app.models  # noqa: F401  (every mapper, so foreign keys resolve)
    from app.db import make_engine, make_sessionmaker
    from app.worker import runner

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        sessionmaker = make_sessionmaker(engine, writes=True)  # its passes write
        if once:
            done = await runner.run_until_idle(sessionmaker, settings)
            typer.echo(f"worker: {done} done")
        else:
            await runner.run_forever(sessionmaker, settings, poll=poll, parent_pid=parent_pid)
    finally:
        await engine.dispose()


async def _in_session(work: "Callable[[AsyncSession], Awaitable[T]]") -> T:
    """Run `work` in one session on DATABASE_URL and commit."""
    import app.models  # noqa: F401  (every mapper, so foreign keys resolve)
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def _run(work: "Callable[[AsyncSession], Awaitable[T]]") -> T:
    """Run a users command; a domain error is one line on stderr and exit code 1."""
    from app.errors import AppError

    try:
        return asyncio.run(_in_session(work))
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _checked_email(email: str) -> str:
    from app.auth.schemas import check_email

    try:
        return check_email(email.strip())
    except ValueError as exc:
        raise _fail(f"--email {exc}") from None


def _checked_password(password: str) -> str:
    from app.auth.schemas import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise _fail(f"--password must be at least {PASSWORD_MIN_LENGTH} characters")
    return password


EmailOption = Annotated[str, typer.Option("--email", help="The sign-in email.")]
PasswordOption = Annotated[
    str,
    typer.Option(
        "--password",
        help="Asked for (hidden) when left out, which keeps it out of shell history.",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
    ),
]


@users_cli.command("create")
def users_create(
    email: EmailOption,
    password: PasswordOption,
    role: Annotated[str, typer.Option("--role", help="admin, editor or author.")],
    name: Annotated[str | None, typer.Option("--name", help="The display name.")] = None,
) -> None:
    """Create an active account (the first admin, or anyone else)."""
    from app.auth import service
    from app.auth.models import Role
    from app.editorial import audit

    if role not in Role.__members__:
        raise _fail(f"--role must be one of {', '.join(Role)}, not {role!r}")
    email, password = _checked_email(email), _checked_password(password)

    async def create(session: "AsyncSession") -> str:
        user = await service.create_user(
            session, email=email, password=password, role=Role(role), display_name=name
        )
        await audit.record(
            session, user=None, action="create", resource="user", resource_id=user.id, via="cli"
        )
        return f"created {user.role.value} {user.email} (id {user.id})"

    typer.echo(_run(create))


@users_cli.command("list")
def users_list() -> None:
    """Every account: id, email, role, active or not, display name."""
    from sqlalchemy import select

    from app.auth.models import User

    async def rows(session: "AsyncSession") -> list[User]:
        return list(await session.scalars(select(User).order_by(User.email)))

    users = _run(rows)
    if not users:
        typer.echo("no users yet: pressroom users create --email ... --role admin")
    for user in users:
        state = "active" if user.is_active else "inactive"
        typer.echo(f"{user.id}\t{user.email}\t{user.role.value}\t{state}\t{user.display_name}")


@users_cli.command("set-password")
def users_set_password(email: EmailOption, password: PasswordOption) -> None:
    """Replace a password; the account is signed out everywhere."""
    from app.auth import service
    from app.editorial import audit

    password = _checked_password(password)

    async def change(session: "AsyncSession") -> str:
        user = await service.get_user_by_email(session, email=email)
        await service.set_password(session, user=user, password=password)
        await audit.record(
            session,
            user=None,
            action="update",
            resource="user",
            resource_id=user.id,
            fields=["password"],
            via="cli",
        )
        return f"password changed for {user.email}; signed out everywhere"

    typer.echo(_run(change))


@users_cli.command("deactivate")
def users_deactivate(email: EmailOption) -> None:
    """Block an account from signing in (its content and history stay)."""
    from app.auth import service
    from app.editorial import audit

    async def deactivate(session: "AsyncSession") -> str:
        user = await service.get_user_by_email(session, email=email)
        user.is_active = False
        await service.sign_out_everywhere(session, user=user)
        await audit.record(
            session,
            user=None,
            action="update",
            resource="user",
            resource_id=user.id,
            fields=["is_active"],
            via="cli",
        )
        return f"deactivated {user.email}"

    typer.echo(_run(deactivate))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
