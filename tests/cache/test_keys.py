"""How requests, responses and writes are named: cache keys, surrogate keys, purge keys."""

from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.cache import keys
from app.cache.invalidation import PENDING, Touched
from app.cache.schedule import next_change_statement
from app.db import utcnow
from app.site.models import MenuItem
from tests.factories import make_article, make_event, make_expert, make_topic, make_user


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/api/v1/articles", True),
        ("/api/v1/articles/some-slug/related", True),
        ("/api/v1/search", True),
        ("/api/v1/admin/articles", False),
        ("/api/v1/preview/token", False),
        ("/api/v1/newsletter/subscriptions/confirm", False),
        ("/feeds/articles.xml", True),
        ("/sitemap.xml", True),
        ("/healthz", False),
        ("/docs", False),
    ],
)
def test_one_list_of_path_rules(path: str, public: bool):
    assert keys.is_public_path(path) is public


def test_the_query_is_ordered_by_name_keeping_repeats_in_order():
    assert keys.canonical_query(b"topic=b&kind=x&topic=a") == b"kind=x&topic=b&topic=a"
    assert keys.canonical_query(b"to%70ic=b&topic=a") == b"to%70ic=b&topic=a"
    assert keys.canonical_query(b"topic=a&to%70ic=b") == b"topic=a&to%70ic=b"


def test_if_none_match_takes_star_lists_and_weak_tags():
    etag = b'"abc"'
    assert keys.none_match(b"*", etag)
    assert keys.none_match(b'"x", W/"abc"', etag)
    assert not keys.none_match(b'"abcd"', etag)


def test_search_results_are_keyed_by_their_own_type():
    document = {
        "data": [
            {"type": "article", "slug": "a", "title": "A"},
            {"type": "expert", "slug": "lyle-goldstein", "title": "Lyle Goldstein"},
        ],
        "meta": {"total": 2, "facets": {"topic": [], "kind": []}},
    }

    found = keys.surrogate_keys("/api/v1/search", b"q=china", document)

    assert found == ["list-search", "article-a", "expert-lyle-goldstein", "list-topics"]


def test_a_filter_names_the_resource_it_filters_by():
    found = keys.surrogate_keys("/api/v1/articles", b"topic=china,russia&expert=x", {"data": []})

    assert found == ["list-articles", "topic-china", "topic-russia", "expert-x"]


@pytest.mark.parametrize(
    "query", [b"topic=a%0Db", b"topic=a%20b", b"topic=a+b", b"expert=A", b"program=%00", b"topic=-"]
)
def test_a_filter_value_that_is_no_slug_makes_no_key(query: bytes):
    found = keys.surrogate_keys("/api/v1/articles", query, {"data": []})

    assert found == ["list-articles"]


def test_keys_from_the_answer_are_slug_shaped_or_left_out():
    document = {
        "data": [{"id": 7, "topics": [{"slug": "ok"}, {"slug": "bad slug"}, {"slug": "x\r"}]}]
    }

    found = keys.surrogate_keys("/api/v1/articles", b"", document)

    assert found == ["list-articles", "article-7", "topic-ok"]
    assert keys.header_value(["a", "b c", "d\re", "f"]) == b"a f"


def test_the_request_key_ignores_the_host():
    assert keys.request_key("/api/v1/articles", b"b=1&a=2") == "GET /api/v1/articles?a=2&b=1"


def test_a_document_without_id_or_slug_is_keyed_by_its_type():
    assert keys.surrogate_keys("/api/v1/site", b"", {"name": "Site", "menus": {}}) == ["site"]
    assert keys.surrogate_keys("/feeds/articles.xml", b"", None) == [keys.ANY_CONTENT]


async def _written(session: AsyncSession) -> Touched:
    await session.flush()
    return session.info.pop(PENDING, Touched())


async def test_a_new_article_touches_itself_and_the_lists_but_not_its_topics(
    session: AsyncSession,
):
    china = await make_topic(session, name="China")
    lyle = await make_expert(session, given_name="Lyle", family_name="Goldstein")
    await _written(session)

    article = await make_article(session, title="Piece", topics=[china], authors=[lyle])
    touched = await _written(session)

    assert {f"article-{article.id}", "article-piece", "list-articles", "list-search"} <= (
        touched.keys
    )
    assert not {"topic-china", "expert-lyle-goldstein", "refs-article", "*"} & touched.keys


async def test_a_draft_touches_no_public_answer_until_it_goes_live(session: AsyncSession):
    china = await make_topic(session, name="China")
    await _written(session)
    at = utcnow() + timedelta(hours=1)

    draft = await make_article(session, title="Draft", status="draft", topics=[china])
    created = await _written(session)
    draft.title, draft.status, draft.published_at = "Soon", "scheduled", at
    scheduled = await _written(session)
    draft.published_at = utcnow() - timedelta(seconds=1)
    live = await _written(session)

    assert created.keys == set()
    # Scheduled: the lists it will join are purged now, to be cached again until `at` only.
    assert {"list-articles", "list-search", "refs-article"} <= scheduled.keys
    assert at.timestamp() in scheduled.moments
    assert {f"article-{draft.id}", "article-draft", "list-articles", "refs-article"} <= live.keys


async def test_writes_that_are_not_content_touch_nothing(session: AsyncSession):
    await make_user(session)

    assert not await _written(session)


async def test_a_bulk_delete_of_menu_items_touches_the_site(session: AsyncSession):
    await session.execute(delete(MenuItem).where(MenuItem.id == -1))

    assert session.info.pop(PENDING).keys == {"site", keys.ANY_CONTENT}


async def test_the_next_change_is_the_earliest_future_publish_or_event_end(
    session: AsyncSession,
):
    now = utcnow()
    await make_article(session, status="scheduled", published_at=now + timedelta(hours=5))
    await make_article(session, status="draft", published_at=now + timedelta(hours=1))
    await make_expert(session, status="scheduled", published_at=now + timedelta(hours=4))
    await make_event(session, starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=6))
    first = await session.scalar(next_change_statement(now))

    await make_event(session, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    second = await session.scalar(next_change_statement(now))

    assert first == now + timedelta(hours=4)
    assert second == now + timedelta(hours=2)
