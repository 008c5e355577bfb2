"""The workflow rules every admin service applies the same way."""

from datetime import datetime
from typing import Any

from app.errors import InvalidParameter
from app.workflow import Status, Workflow, settle_status

_ACTIONS = {
    Status.published: "publish",
    Status.scheduled: "schedule",
    Status.archived: "archive",
    Status.draft: "unpublish",
}


def apply_status(row: Workflow, data: dict[str, Any], now: datetime) -> None:
    """Store the status and publish time an editor asked for, if they asked."""
    if "status" not in data and "published_at" not in data:
        return
    requested = data.get("status") or row.status
    published_at = data.get("published_at", row.published_at)
    if requested is Status.archived and row.status is Status.draft:
        raise InvalidParameter("status", "a draft cannot be archived; delete it", location="body")
    if requested is Status.scheduled and published_at is None:
        raise InvalidParameter("published_at", "is required to schedule", location="body")
    row.status, row.published_at = settle_status(requested, published_at, now=now)


def status_action(before: Status, after: Status) -> str | None:
    """The audit action for a change of status, if the status changed."""
    return None if before == after else _ACTIONS[after]
