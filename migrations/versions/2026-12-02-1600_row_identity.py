"""row identity: ids never reused on SQLite; tokens die with their row

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:00:00

Access tokens name a user and preview links an article by id. Without AUTOINCREMENT,
SQLite gives a deleted row's id to the next row, and the old token would then name the
new row. So on SQLite `user` and `article` are rebuilt with AUTOINCREMENT (PostgreSQL's
sequences never reuse an id), and both get `token_key`, a random key per row that tokens
embed and that a recreated row never has.

The rebuild (batch mode, recreate) runs with foreign keys off: with them on, dropping the
old table would run its ON DELETE actions and empty or null every row that refers to it.
It also drops the table's triggers (search, tally) and the indexes batch mode cannot
reflect faithfully (partial ones), so the rebuild puts back the exact SQL it found.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("user", "article")
# Rows inserted in SQL (COPY in bench/generate.py, old rows here) get a random key too.
KEY_DEFAULTS = {
    "sqlite": "(lower(hex(randomblob(16))))",
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
}


def _dialect() -> str:
    return op.get_context().dialect.name


def _key_column() -> sa.Column:
    default = sa.text(KEY_DEFAULTS[_dialect()])
    return sa.Column("token_key", sa.String(length=32), server_default=default, nullable=False)


def upgrade() -> None:
    if _dialect() != "sqlite":
        for table in TABLES:
            op.add_column(table, _key_column())
        return
    with _foreign_keys_off():
        for table in TABLES:
            _rebuild(table, autoincrement=True, add_key=True)


def downgrade() -> None:
    if _dialect() != "sqlite":
        for table in TABLES:
            op.drop_column(table, "token_key")
        return
    with _foreign_keys_off():
        for table in TABLES:
            _rebuild(table, autoincrement=False, add_key=False)


def _rebuild(table: str, *, autoincrement: bool, add_key: bool) -> None:
    kept = op.get_bind().execute(
        sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :table "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
        ),
        {"table": table},
    )
    kept = kept.all()
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ) as batch:
        if add_key:
            batch.add_column(_key_column())
        else:
            batch.drop_column("token_key")
    for kind, name, sql in kept:
        op.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        op.execute(sql)


@contextmanager
def _foreign_keys_off() -> Iterator[None]:
    """Foreign keys off for the block. SQLite ignores the pragma inside a transaction, so
    the migration's transaction is committed first and a new one begun after."""
    bind = op.get_bind()
    was_on = bind.exec_driver_sql("PRAGMA foreign_keys").scalar()
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the rebuild broke foreign keys: {broken[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if was_on else 'OFF'}")
    bind.exec_driver_sql("BEGIN")
