"""The one clock. Every "now" in the app reads it, so tests can move time instead of
sleeping (see the `clock` fixture in tests/conftest.py)."""

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC (plus any offset a test has set)."""
    return datetime.now(UTC) + _offset


def timestamp() -> float:
    """`utcnow()` as Unix seconds, for code that keeps time as floats."""
    return utcnow().timestamp()


def advance(by: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += by


def reset() -> None:
    """Back to the wall clock (tests only)."""
    global _offset
    _offset = timedelta(0)
