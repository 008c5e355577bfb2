"""article tally: live articles per kind, appended by triggers, so lists need not count them

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 16:00:00

The triggers live on `article`: a later migration that rebuilds that table on SQLite
(batch mode with recreate) drops them, and must create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status IN ('published', 'scheduled') AND published_at IS NOT NULL"


def _live(row: str) -> str:
    return f"{row}.status IN ('published', 'scheduled') AND {row}.published_at IS NOT NULL"


# Appended, never updated: concurrent writers of one kind never wait on each other.
ADD = "INSERT INTO article_tally (kind, live) VALUES (NEW.kind, 1)"
REMOVE = "INSERT INTO article_tally (kind, live) VALUES (OLD.kind, -1)"

PG_FUNCTION = f"""
CREATE FUNCTION article_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_live("OLD")} THEN
        {REMOVE};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {_live("NEW")} THEN
        {ADD};
    END IF;
    RETURN NULL;
END $$
"""
PG_TRIGGER = (
    "CREATE TRIGGER article_tally_keep AFTER INSERT OR DELETE OR UPDATE OF status, "
    "published_at, kind ON article FOR EACH ROW EXECUTE FUNCTION article_tally_keep()"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER article_tally_insert AFTER INSERT ON article WHEN {_live('NEW')} "
    f"BEGIN {ADD}; END",
    f"CREATE TRIGGER article_tally_delete AFTER DELETE ON article WHEN {_live('OLD')} "
    f"BEGIN {REMOVE}; END",
    f"CREATE TRIGGER article_tally_update_old AFTER UPDATE OF status, published_at, kind "
    f"ON article WHEN {_live('OLD')} BEGIN {REMOVE}; END",
    f"CREATE TRIGGER article_tally_update_new AFTER UPDATE OF status, published_at, kind "
    f"ON article WHEN {_live('NEW')} BEGIN {ADD}; END",
)
SQLITE_NAMES = ("insert", "delete", "update_old", "update_new")


def upgrade() -> None:
    op.create_table(
        "article_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("live", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_tally")),
    )
    op.execute(
        f"INSERT INTO article_tally (kind, live) SELECT kind, count(*) FROM article "
        f"WHERE {LIVE} GROUP BY kind"
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_tally_keep ON article")
        op.execute("DROP FUNCTION IF EXISTS article_tally_keep()")
    else:
        for name in SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS article_tally_{name}")
    op.drop_table("article_tally")
