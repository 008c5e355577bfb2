"""Plain text for the index, and safe HTML for snippets. Standard library only: app.db
registers `plain_text` on every SQLite connection, which the search triggers call."""

import html
import re

PLAIN_TEXT_FUNCTION = "pressroom_plain_text"
MARK, END_MARK = "<mark>", "</mark>"

_TAG = re.compile(r"<[^>]*>")
_MARKS = re.compile(f"({re.escape(MARK)}|{re.escape(END_MARK)})")


def plain_text(value: object) -> object:
    """HTML as indexed text on SQLite: tags become spaces, entities their characters."""
    if not isinstance(value, str):
        return value  # NULL stays NULL; a trigger must never fail on odd input
    return html.unescape(_TAG.sub(" ", value))


def safe_snippet(raw: str | None) -> str:
    """A snippet from the database as HTML: its text escaped, only the marks kept as tags.

    The indexed summary and body have had their tags stripped, so every `<mark>` left
    is one the database put around a match. Entities (PostgreSQL keeps them) are decoded
    first so that the text is escaped exactly once.
    """
    parts = _MARKS.split(raw or "")
    out = []
    for part in parts:
        out.append(part if part in (MARK, END_MARK) else html.escape(html.unescape(part)))
    return " ".join("".join(out).split())
