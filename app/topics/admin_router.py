from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app import urls
from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.editorial.concurrency import check_if_match
from app.editorial.idempotency import IdempotencyDep
from app.editorial.responses import ETAG_HEADER, created, with_etag
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.params import RowId
from app.topics import admin_service as service
from app.topics.dependencies import TopicFiltersDep
from app.topics.models import Topic
from app.topics.schemas import TopicAdminRead, TopicAdminSummary, TopicCreate, TopicUpdate

router = APIRouter(prefix="/topics", tags=["Admin: topics"])


async def topic_by_id(topic_id: RowId, session: SessionDep) -> Topic:
    """The topic named in the path, or 404."""
    return await service.get_topic(session, topic_id=topic_id)


TopicDep = Annotated[Topic, Depends(topic_by_id)]


@router.get(
    "",
    response_model=Page[TopicAdminSummary],
    summary="List topics for editing",
    responses=problem_responses(401, 403, 422),
)
async def list_topics(
    session: SessionDep, filters: TopicFiltersDep, pager: PagerDep
) -> Page[TopicAdminSummary]:
    """Topics by name, each with its parent, with the public list's filters."""
    rows, total = await service.list_topics(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=TopicAdminSummary)


@router.post(
    "",
    status_code=201,
    response_model=TopicAdminRead,
    summary="Create a topic",
    responses={
        201: {"headers": {**ETAG_HEADER, "Location": {"description": "The new topic."}}},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_topic(
    body: TopicCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency: IdempotencyDep,
) -> Response:
    """Create a topic; it is public at once. Send `Idempotency-Key` to make retries safe."""
    if replayed := await idempotency.replay():
        return replayed
    topic = await service.create_topic(session, user=user, data=body)
    location = urls.url_for(request, "get_topic_admin", topic_id=topic.id)
    response = created(TopicAdminRead.model_validate(topic), row=topic, location=location)
    await idempotency.remember(response)
    return response


@router.get(
    "/{topic_id}",
    response_model=TopicAdminRead,
    summary="Get a topic",
    name="get_topic_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404, 422)},
)
async def get_topic(topic: TopicDep, response: Response) -> TopicAdminRead:
    """A topic with its parent and subtopics, and the `ETag` for the next write."""
    with_etag(response, topic)
    return TopicAdminRead.model_validate(topic)


@router.patch(
    "/{topic_id}",
    response_model=TopicAdminRead,
    summary="Edit a topic",
    responses={
        200: {"headers": ETAG_HEADER},
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
)
async def update_topic(
    body: TopicUpdate,
    topic: TopicDep,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> TopicAdminRead:
    """Change the fields sent. Needs `If-Match` with the last `ETag` read (428 without it,
    412 if someone saved in between). A new `slug` keeps the old one as a redirect."""
    check_if_match(request, topic)
    topic = await service.update_topic(session, user=user, topic=topic, data=body)
    with_etag(response, topic)
    return TopicAdminRead.model_validate(topic)


@router.delete(
    "/{topic_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a topic",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def delete_topic(
    topic: TopicDep, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete a topic for good. Refused (409, naming them) while articles, events,
    experts, programs, subtopics or earlier versions use it. Needs `If-Match`."""
    check_if_match(request, topic)
    await service.delete_topic(session, user=user, topic=topic)
    return Response(status_code=204)
