from typing import Annotated

from fastapi import APIRouter

from app.db import SessionDep
from app.fields import FieldSet, field_set
from app.openapi import problem_responses
from app.pagination import Page, PagerDep
from app.topics import service
from app.topics.dependencies import TopicFiltersDep
from app.topics.schemas import TopicDetail, TopicRead

router = APIRouter(prefix="/topics", tags=["Topics"])


@router.get(
    "",
    response_model=Page[TopicRead],
    summary="List topics",
    responses=problem_responses(422),
)
async def list_topics(
    session: SessionDep,
    filters: TopicFiltersDep,
    pager: PagerDep,
    fields: Annotated[FieldSet, field_set(TopicRead)],
) -> Page[TopicRead]:
    """Topics by name, each with its parent. `featured=true` gives the navigation's
    "Policy Topics"; `parent=asia` gives Asia's direct subtopics."""
    rows, total = await service.list_topics(session, filters=filters, page=pager.params)
    return pager.page(rows, total=total, schema=TopicRead, fields=fields)


@router.get(
    "/{slug}",
    response_model=TopicDetail,
    summary="Get one topic",
    responses=problem_responses(404),
)
async def get_topic(
    slug: str, session: SessionDep, fields: Annotated[FieldSet, field_set(TopicDetail)]
) -> TopicDetail:
    """A topic with its parent and its direct subtopics, by slug."""
    topic = await service.get_topic(session, slug=slug)
    return fields.respond(TopicDetail.model_validate(topic))
