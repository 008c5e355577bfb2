"""Names of the database objects that search adds beside the mapped tables.

The ORM does not map them: PostgreSQL keeps a generated `search_vector` column and its
GIN index on each searchable table, SQLite an FTS5 table (`article_fts`, ...) kept by
triggers. Alembic's autogenerate is told to ignore them with `is_search_object`.
"""

import re

TABLES = ("article", "expert", "event", "page")
VECTOR_COLUMN = "search_vector"

_FTS = re.compile(rf"(?:{'|'.join(TABLES)})_fts(?:_(?:data|idx|content|docsize|config))?")


def fts_table(table: str) -> str:
    """The SQLite FTS5 table indexing `table` (rowid = the row's id)."""
    return f"{table}_fts"


def is_search_object(name: str | None, type_: str) -> bool:
    """True for a search-only object: an FTS5 table or one of its shadow tables, the
    `search_vector` column, or its index."""
    if name is None:
        return False
    if type_ == "table":
        return _FTS.fullmatch(name) is not None
    if type_ == "column":
        return name == VECTOR_COLUMN
    if type_ == "index":
        return name.endswith(f"_{VECTOR_COLUMN}")
    return False
