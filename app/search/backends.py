"""The SQL for each database: how rows match a query, their rank, and their snippet.

PostgreSQL reads the generated `search_vector` column (GIN-indexed) with
websearch_to_tsquery and ranks with ts_rank_cd; SQLite joins the type's FTS5 table
and ranks with bm25. In both, a higher `rank` is a better match, and the query text
only ever travels as a bound parameter.
"""

from typing import Any, Protocol

from sqlalchemy import Integer, Select, case, column, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.selectable import Subquery

from app.search.objects import VECTOR_COLUMN, fts_table
from app.search.query import SearchQuery
from app.search.sources import Source
from app.search.text import END_MARK, MARK, PLAIN_TEXT_FUNCTION

SNIPPET_WORDS = 24
ELLIPSIS = "…"
# bm25 column weights in the same proportions as PostgreSQL's A, B, C (1.0, 0.4, 0.2).
BM25_WEIGHTS = (5.0, 2.0, 1.0)
HEADLINE_OPTIONS = (
    f"StartSel={MARK}, StopSel={END_MARK}, MaxWords={SNIPPET_WORDS}, "
    f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, ShortWord=0"
)


class SearchBackend(Protocol):
    def apply(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        """`stmt` narrowed to the rows of `source` matching `query`, and their rank."""
        ...

    def rank(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        """The rank of rows of `stmt` already known to match `query` (see `window`)."""
        ...

    def snippet(
        self, source: Source, query: SearchQuery, row_id: ColumnElement[int]
    ) -> ColumnElement[str]:
        """A scalar subquery: the highlighted passage of the row with id `row_id`."""
        ...


class SqliteSearch:
    @staticmethod
    def _fts(source: Source) -> tuple[ColumnElement[int], ColumnElement[str], TableClause]:
        name = fts_table(source.table)
        fts = table(name, column("rowid", Integer))
        # FTS5 names a hidden column after the table: the left side of MATCH, the
        # first argument of bm25() and snippet().
        return fts.c.rowid, literal_column(name), fts

    def apply(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        rowid, hidden, fts = self._fts(source)
        stmt = stmt.join(fts, rowid == source.model.id).where(hidden.op("MATCH")(query.fts5()))
        return stmt, -func.bm25(hidden, *BM25_WEIGHTS)

    def rank(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        return self.apply(stmt, source, query)  # bm25() only exists inside a MATCH

    def snippet(
        self, source: Source, query: SearchQuery, row_id: ColumnElement[int]
    ) -> ColumnElement[str]:
        rowid, hidden, fts = self._fts(source)
        summary, body = (
            func.snippet(hidden, index, MARK, END_MARK, ELLIPSIS, SNIPPET_WORDS)
            for index in (1, 2)  # the summary and body columns
        )
        best = case(
            (func.instr(summary, MARK) > 0, summary),
            (func.instr(body, MARK) > 0, body),
            else_=func.coalesce(func.nullif(summary, ""), body),
        )
        return (
            select(best)
            .select_from(fts)
            .where(hidden.op("MATCH")(query.fts5()), rowid == row_id)
            .scalar_subquery()
        )


class PostgresSearch:
    @staticmethod
    def _tsquery(query: SearchQuery) -> ColumnElement:
        return func.websearch_to_tsquery("english", query.websearch())

    def apply(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        vector = literal_column(f"{source.table}.{VECTOR_COLUMN}", TSVECTOR)
        tsquery = self._tsquery(query)
        return stmt.where(vector.op("@@")(tsquery)), func.ts_rank_cd(vector, tsquery)

    def rank(
        self, stmt: Select, source: Source, query: SearchQuery
    ) -> tuple[Select, ColumnElement[float]]:
        vector = literal_column(f"{source.table}.{VECTOR_COLUMN}", TSVECTOR)
        return stmt, func.ts_rank_cd(vector, self._tsquery(query))

    def snippet(
        self, source: Source, query: SearchQuery, row_id: ColumnElement[int]
    ) -> ColumnElement[str]:
        plain = getattr(func, PLAIN_TEXT_FUNCTION)
        text = func.concat_ws(" ", plain(source.summary), plain(source.body))
        headline = func.ts_headline("english", text, self._tsquery(query), HEADLINE_OPTIONS)
        return select(headline).where(source.model.id == row_id).scalar_subquery()


# A search ranks and counts at most this many matches of each type, the newest: ranking
# reads every match's text, and a word found in most of 100,000 articles made one search
# take seconds. Past it, `meta.total_exact` is false (as Elasticsearch's `gte` totals).
WINDOW = 1000


def window(
    backend: SearchBackend,
    source: Source,
    query: SearchQuery,
    conditions: list[ColumnElement[bool]],
    *,
    counting: bool = False,
) -> Subquery:
    """The ids of the newest `WINDOW` rows of `source` matching `query` and `conditions`;
    one more when `counting`, to tell whether there were more (see `capped`)."""
    size = WINDOW + 1 if counting else WINDOW
    model: Any = source.model
    stmt, _ = backend.apply(select(model.id.label("id")), source, query)
    stmt = stmt.where(*conditions).order_by(model.published_at.desc(), model.id.desc())
    # A literal, not a parameter: with a parameter PostgreSQL's cached generic plan guesses
    # its size and ranks far more rows than it needs (measured: 20 ms became 100).
    return stmt.limit(literal_column(str(int(size)))).subquery()


def capped(counted: int) -> tuple[int, bool]:
    """What a search reports of `counted` rows of a counting `window`: its total, and
    whether that total is exact."""
    return min(counted, WINDOW), counted <= WINDOW


_BACKENDS: dict[str, SearchBackend] = {"sqlite": SqliteSearch(), "postgresql": PostgresSearch()}


def backend_for(session: AsyncSession) -> SearchBackend:
    """The search SQL for the database this session talks to."""
    return _BACKENDS[session.get_bind().dialect.name]
