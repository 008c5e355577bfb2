"""Where things live on the website, and the ids feeds give them (stable across renames)."""

import uuid
from urllib.parse import urlsplit

from app.articles.models import Article
from app.config import Settings
from app.events.models import Event
from app.experts.models import Expert
from app.pages.models import Page
from app.programs.models import Program
from app.topics.models import Topic


def site_root(settings: Settings) -> str:
    """SITE_URL without its trailing slash."""
    return str(settings.site_url).rstrip("/")


def article_url(settings: Settings, article: Article) -> str:
    path = settings.article_url_pattern.format(
        kind=article.kind.value, slug=article.slug, id=article.id
    )
    return site_root(settings) + path


def _url(settings: Settings, pattern: str, row: Event | Expert | Page | Program | Topic) -> str:
    return site_root(settings) + pattern.format(kind="", slug=row.slug, id=row.id)


def event_url(settings: Settings, event: Event) -> str:
    return _url(settings, settings.event_url_pattern, event)


def expert_url(settings: Settings, expert: Expert) -> str:
    return _url(settings, settings.expert_url_pattern, expert)


def page_url(settings: Settings, page: Page) -> str:
    return _url(settings, settings.page_url_pattern, page)


def topic_url(settings: Settings, topic: Topic) -> str:
    return _url(settings, settings.topic_url_pattern, topic)


def program_url(settings: Settings, program: Program) -> str:
    return _url(settings, settings.program_url_pattern, program)


def host(settings: Settings) -> str:
    return urlsplit(str(settings.site_url)).hostname or "localhost"


def stable_id(settings: Settings, resource: str, key: int | str) -> str:
    """A URN built from the site's host and the row id: a slug change never changes it."""
    name = f"https://{host(settings)}/{resource}/{key}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def event_uid(settings: Settings, event: Event) -> str:
    return f"event-{event.id}@{host(settings)}"
