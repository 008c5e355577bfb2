from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import PartnerDep
from app.changes import service
from app.changes.dependencies import CursorDep
from app.changes.schemas import ChangePage
from app.db import WriteSessionDep
from app.openapi import problem_responses

router = APIRouter(prefix="/changes", tags=["Changes"])


@router.get(
    "",
    response_model=ChangePage,
    summary="Changes since a cursor",
    responses=problem_responses(401, 403, 422),
)
async def list_changes(
    session: WriteSessionDep,
    reader: PartnerDep,
    since: CursorDep,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many entries.")] = 100,
) -> ChangePage:
    """Every create, update, unpublish, archive and delete of content this key may see, in
    the order it became visible (scheduled and embargoed items when their time comes), after
    `since`. Each entry carries the current object (`upsert`) or none (`delete`); several
    changes to one resource within a page come as its latest. Start at `since=0` and store
    `meta.next_cursor`; read again while `meta.has_more`. Delivery is at least once: an
    entry may repeat, or announce the delete of something you never held, so apply them as
    idempotent upserts and deletes by (`resource`, `id`). Replaying from 0 rebuilds exactly
    the public content (plus embargoed articles for `embargo:read` keys). Needs an
    `X-API-Key` with `content:read`."""
    return await service.feed(session, reader=reader, since=since, limit=limit)
