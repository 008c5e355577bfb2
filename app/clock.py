"""The one clock. Every "now" in the app reads it, so tests can move time instead of
sleeping (see the `clock` fixture in tests/conftest.py)."""

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)
_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC (as a test has set or moved it)."""
    return (_frozen if _frozen is not None else datetime.now(UTC)) + _offset


def timestamp() -> float:
    """`utcnow()` as Unix seconds, for code that keeps time as floats."""
    return utcnow().timestamp()


def advance(by: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += by


def freeze() -> None:
    """Stop the clock at this instant; `advance` still moves it (tests only)."""
    global _frozen, _offset
    _frozen, _offset = utcnow(), timedelta(0)


def reset() -> None:
    """Back to the wall clock (tests only)."""
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)
