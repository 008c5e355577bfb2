"""search: weighted tsvector + GIN on PostgreSQL, FTS5 tables + triggers on SQLite

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:00:00

Each searchable table gets title (weight A), summary (B) and body (C), with HTML tags
stripped by `pressroom_plain_text`: on PostgreSQL a SQL function created here, on
SQLite a Python function app.db registers on every connection (app/search/text.py).
None of these objects is mapped by the ORM; migrations/env.py keeps autogenerate off
them. Beware on SQLite: a batch migration that rebuilds one of these tables drops its
triggers, so such a migration must create them again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = "pressroom_plain_text"

# table -> the columns it reads, and (title, summary, body) as SQL over them; `{r}` is
# the row prefix (`new.` inside a trigger).
SOURCES = {
    "article": (("title", "summary", "body"), ("{r}title", "{r}summary", "{r}body")),
    "expert": (
        ("given_name", "family_name", "short_bio", "bio"),
        ("{r}given_name || ' ' || {r}family_name", "{r}short_bio", "{r}bio"),
    ),
    "event": (("title", "summary", "body"), ("{r}title", "{r}summary", "{r}body")),
    "page": (("title", "summary", "body"), ("{r}title", "{r}summary", "{r}body")),
}

# Tags become spaces. Entities stay: PostgreSQL's text-search parser reads them as
# entities (never indexed), and ts_headline passes them through; the API unescapes.
PG_PLAIN_TEXT = f"""
CREATE FUNCTION {PLAIN}(html text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT regexp_replace(html, '<[^>]*>', ' ', 'g') $$
"""


def _dialect() -> str:
    return op.get_context().dialect.name


def upgrade() -> None:
    if _dialect() == "postgresql":
        _upgrade_postgresql()
    elif _dialect() == "sqlite":
        _upgrade_sqlite()


def downgrade() -> None:
    if _dialect() == "postgresql":
        _downgrade_postgresql()
    elif _dialect() == "sqlite":
        _downgrade_sqlite()


def _upgrade_postgresql() -> None:
    op.execute(PG_PLAIN_TEXT)
    for table, (_, fields) in SOURCES.items():
        title, summary, body = (f.format(r="") for f in fields)
        # A stored generated column: the database keeps it current, and adding it
        # computes it for every existing row.
        op.execute(
            f"""
            ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', coalesce({title}, '')), 'A')
                || setweight(to_tsvector('english', coalesce({PLAIN}({summary}), '')), 'B')
                || setweight(to_tsvector('english', coalesce({PLAIN}({body}), '')), 'C')
            ) STORED
            """
        )
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def _downgrade_postgresql() -> None:
    for table in SOURCES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    op.execute(f"DROP FUNCTION IF EXISTS {PLAIN}(text)")


def _fts_values(fields: tuple[str, str, str], row: str) -> str:
    title, summary, body = (f.format(r=row) for f in fields)
    return f"{title}, {PLAIN}({summary}), {PLAIN}({body})"


def _upgrade_sqlite() -> None:
    for table, (columns, fields) in SOURCES.items():
        fts, new = f"{table}_fts", _fts_values(fields, "new.")
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5("
            "title, summary, body, tokenize='porter unicode61')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, title, summary, body) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, {', '.join(columns)} ON {table} "
            f"BEGIN DELETE FROM {fts} WHERE rowid = old.id; "
            f"INSERT INTO {fts}(rowid, title, summary, body) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END"
        )
        # Backfill the rows that exist already.
        op.execute(
            f"INSERT INTO {fts}(rowid, title, summary, body) "
            f"SELECT id, {_fts_values(fields, '')} FROM {table}"
        )


def _downgrade_sqlite() -> None:
    for table in SOURCES:
        fts = f"{table}_fts"
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
