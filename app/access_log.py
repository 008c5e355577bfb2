"""Keep the tokens some URLs carry (newsletter links, article previews) out of access logs."""

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"

_QUERY_TOKEN = re.compile(r"([?&][\w.-]*token=)[^&#\s\"]*", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"(/preview/)[^/?#\s\"]+")


def redact(text: str) -> str:
    """The URL with every `...token=` query value and every preview token replaced."""
    return _PATH_TOKEN.sub(rf"\g<1>{REDACTED}", _QUERY_TOKEN.sub(rf"\g<1>{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Rewrites a log record's arguments (uvicorn passes the path as one of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_access_log_redaction() -> None:
    """Add the filter to uvicorn's access logger, once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
