"""The one search grammar: words (AND), "quoted phrases" and -exclusions, nothing else.

The user's text is reduced to words of letters and digits before either database sees
it, so FTS operators, stray quotes, punctuation and SQL-looking text lose all meaning.
Each backend then gets a string built only from those words: a quoted FTS5 expression
for SQLite, a websearch string for PostgreSQL, always sent as a bound parameter.
"""

import re
import unicodedata
from dataclasses import dataclass

from app.errors import InvalidParameter

MAX_LENGTH = 500
MAX_TERMS = 64

# PostgreSQL's `english` stop words (tsearch_data/english.stop). Dropping them here too
# gives SQLite the same meaning: `the submarine` needs only "submarine" on both.
_STOPWORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now"""
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: every `include` phrase must match, no `exclude` phrase may."""

    include: tuple[Phrase, ...]
    exclude: tuple[Phrase, ...] = ()

    def fts5(self) -> str:
        """An FTS5 MATCH expression in which every phrase is a double-quoted string."""
        expression = " AND ".join(_fts5_phrase(p) for p in self.include)
        if not self.exclude:
            return expression
        excluded = " OR ".join(_fts5_phrase(p) for p in self.exclude)
        return f"({expression}) NOT ({excluded})"

    def websearch(self) -> str:
        """A string for websearch_to_tsquery() with the same meaning."""
        parts = [_websearch_phrase(p) for p in self.include]
        parts += [f"-{_websearch_phrase(p)}" for p in self.exclude]
        return " ".join(parts)


def _fts5_phrase(phrase: Phrase) -> str:
    text = " ".join(phrase).replace('"', '""')  # words hold no quotes; belt and braces
    return f'"{text}"'


def _websearch_phrase(phrase: Phrase) -> str:
    return phrase[0] if len(phrase) == 1 else '"' + " ".join(phrase) + '"'


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    if text.count('"') % 2:
        # An unbalanced quote is dropped: the words around it still count.
        head, _, tail = text.rpartition('"')
        text = f"{head} {tail}"
    return text.lower()


def _phrase(text: str) -> Phrase:
    """The words of `text`, without the stop words PostgreSQL would drop at either end."""
    words = _WORD.findall(text)
    while words and words[0] in STOPWORDS:
        words.pop(0)
    while words and words[-1] in STOPWORDS:
        words.pop()
    return tuple(words)


def parse_query(text: str, *, field: str = "q") -> SearchQuery:
    """The query a user typed, or InvalidParameter naming `field` when nothing is left."""
    if len(text) > MAX_LENGTH:
        raise InvalidParameter(field, f"must be at most {MAX_LENGTH} characters")
    include: dict[Phrase, None] = {}
    exclude: dict[Phrase, None] = {}
    for match in _TOKEN.finditer(_clean(text)):
        minus, quoted, bare = match.groups()
        if bare is not None:
            minus, bare = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        phrase = _phrase(quoted if bare is None else bare)
        if phrase:
            (exclude if minus else include)[phrase] = None
    if not include:
        raise InvalidParameter(field, "needs at least one word to search for")
    if len(include) + len(exclude) > MAX_TERMS:
        raise InvalidParameter(field, f"may hold at most {MAX_TERMS} words or phrases")
    return SearchQuery(include=tuple(include), exclude=tuple(exclude))
