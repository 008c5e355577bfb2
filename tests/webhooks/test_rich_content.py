"""Webhooks carry content as rich as the real thing, and one object that cannot be rendered
holds back neither the other changes nor pings."""

import json
import logging

import pytest
from pydantic import model_validator

from app.articles import service as articles
from app.articles.models import Article
from app.articles.schemas import ArticleRead
from app.changes import service as changes
from app.changes import worker as changes_worker
from app.webhooks import worker as webhooks_worker
from app.worker.runner import run_pass
from tests.changes.helpers import key_headers, read_feed, rich_article
from tests.factories import make_article
from tests.webhooks.conftest import register, verify

ONLY = [("changes", changes_worker.run_once), ("webhooks", webhooks_worker.run_once)]
BROKEN = "Cannot be rendered"


class _Unrenderable(ArticleRead):
    """The public article schema, failing on one title (a stand-in for any rendering bug)."""

    @model_validator(mode="after")
    def _refuse(self):
        if self.title == BROKEN:
            raise ValueError("this article cannot be rendered")
        return self


@pytest.fixture
def unrenderable(monkeypatch) -> None:
    """Articles titled BROKEN fail to render, in the feed and in webhooks."""
    spec = changes.Resource(Article, _Unrenderable, articles.load_options)
    monkeypatch.setitem(changes.RESOURCES, "article", spec)


@pytest.fixture
def worker_pass(worker_sessions, settings):
    async def run() -> int:
        return await run_pass(worker_sessions, settings, only=ONLY)

    return run


def _by_event(receiver) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for request in receiver.requests:
        payload = json.loads(request.body)
        out.setdefault(payload["event"], []).append(payload)
    return out


async def test_an_article_with_a_primary_topic_under_a_parent_is_delivered(
    client, admin, receiver, worker_pass, session
):
    hook = await register(client, admin, receiver.url, events=["article.published"])
    article = await rich_article(session)
    session.expunge_all()
    await worker_pass()

    [request] = receiver.requests
    assert verify(hook["secret"], request.headers["x-pressroom-signature"], request.body)
    obj = json.loads(request.body)["object"]
    assert obj["id"] == article.id
    assert obj["primary_topic"]["slug"] == "china"
    assert obj["primary_topic"]["parent"]["slug"] == "asia"
    assert [a["slug"] for a in obj["authors"]] == ["ada-author", "bo-writer"]
    assert [e["slug"] for e in obj["featured_experts"]] == ["cy-featured"]
    assert [p["slug"] for p in obj["programs"]] == ["asia-program"]


async def test_one_article_that_cannot_render_holds_back_neither_the_others_nor_pings(
    client, admin, receiver, worker_pass, session, unrenderable, caplog
):
    hook = await register(client, admin, receiver.url, events=["article.published"])
    pinged = await client.post(f"/api/v1/admin/webhooks/{hook['id']}/ping", headers=admin)
    assert pinged.status_code == 202
    rich = await rich_article(session)
    broken = await make_article(session, title=BROKEN)
    after = await make_article(session, title="Published after the broken one")
    session.expunge_all()

    with caplog.at_level(logging.ERROR, logger="app.changes"):
        await worker_pass()
        await worker_pass()  # the next pass does not try (and log) it again

    sent = _by_event(receiver)
    assert len(sent["ping"]) == 1
    assert sorted(p["object"]["id"] for p in sent["article.published"]) == [rich.id, after.id]
    logged = [r for r in caplog.records if f"article {broken.id}" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None  # with the reason


async def test_the_change_feed_leaves_out_only_the_article_that_cannot_render(
    client, session, monkeypatch
):

    monkeypatch.setitem(
        changes.RESOURCES,
        "article",
        changes.Resource(Article, _Unrenderable, articles.load_options),
    )
    good = await make_article(session, title="Renders fine")
    broken = await make_article(session, title=BROKEN)
    headers = await key_headers(session)
    session.expunge_all()
    entries, _ = await read_feed(client, headers)
    ids = {e["id"] for e in entries if e["resource"] == "article"}
    assert good.id in ids
    assert broken.id not in ids


async def test_pings_go_out_even_when_reading_the_change_feed_fails(
    client, admin, receiver, run_worker, monkeypatch, caplog
):
    async def broken(*_args, **_kwargs):
        raise RuntimeError("the change log cannot be read")

    monkeypatch.setattr(webhooks_worker.consumer, "consume", broken)
    hook = await register(client, admin, receiver.url)
    await client.post(f"/api/v1/admin/webhooks/{hook['id']}/ping", headers=admin)
    with caplog.at_level(logging.ERROR, logger="app.webhooks"):
        assert await run_worker() == 1
    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["ping"]
    assert "reading the change feed for webhooks failed" in caplog.text
