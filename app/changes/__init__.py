"""The change feed: what changed in public content, in commit order (see service)."""

from app.changes import recording  # noqa: F401  (registers the session events)
