"""What each searchable type contributes: its model, title, summary and body columns."""

import enum
from dataclasses import dataclass

from sqlalchemy.sql.elements import ColumnElement

from app.articles.models import Article
from app.events.models import Event
from app.experts.models import Expert
from app.pages.models import Page
from app.workflow import Workflow


class SearchType(enum.StrEnum):
    article = "article"
    expert = "expert"
    event = "event"
    page = "page"


@dataclass(frozen=True, slots=True)
class Source:
    """One searchable type; the index weights title > summary > body."""

    type: SearchType
    model: type[Workflow]
    title: ColumnElement[str]
    summary: ColumnElement[str | None]
    body: ColumnElement[str | None]
    route: str  # the public detail route, for url_for

    @property
    def table(self) -> str:
        return self.model.__table__.name  # type: ignore[attr-defined]


SOURCES: dict[SearchType, Source] = {
    SearchType.article: Source(
        SearchType.article, Article, Article.title, Article.summary, Article.body, "get_article"
    ),
    SearchType.expert: Source(
        SearchType.expert,
        Expert,
        Expert.given_name + " " + Expert.family_name,
        Expert.short_bio,
        Expert.bio,
        "get_expert",
    ),
    SearchType.event: Source(
        SearchType.event, Event, Event.title, Event.summary, Event.body, "get_event"
    ),
    SearchType.page: Source(SearchType.page, Page, Page.title, Page.summary, Page.body, "get_page"),
}
