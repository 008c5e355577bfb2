"""The never-leaks sweep, for webhooks: over the same rich world as
tests/test_public_never_leaks.py, an endpoint subscribed to every event never receives a
body that carries an unpublished item, nor an edit to a draft or an archived one. Once the
publish time passes, the scheduled items are delivered: the check can see them."""

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.models import Article
from app.changes import worker as changes_worker
from app.events.models import Event
from app.experts.models import Expert
from app.pages.models import Page
from app.webhooks import worker as webhooks_worker
from app.webhooks.models import WebhookEvent
from app.worker.runner import run_pass
from tests.test_public_never_leaks import KINDS, World, _build
from tests.webhooks.conftest import register, verify

ONLY = [("changes", changes_worker.run_once), ("webhooks", webhooks_worker.run_once)]
MODELS = {"article": Article, "expert": Expert, "event": Event, "page": Page}
EDITS = {"article": "body", "expert": "bio", "event": "body", "page": "body"}
MAX_PASSES = 20


def edited(state: str, kind: str) -> str:
    """The word an edit to a hidden item adds."""
    return f"zqxedit{state}{kind}"


async def _drain(sessions, settings) -> None:
    """Worker passes (number changes, fan out, send) until nothing is left to do."""
    for _ in range(MAX_PASSES):
        if not await run_pass(sessions, settings, only=ONLY):
            return
    raise AssertionError(f"the worker was still busy after {MAX_PASSES} passes")


def _payloads(receiver, secret: str, sent: list[tuple[dict, bytes]]) -> list[tuple[dict, bytes]]:
    """Every body received so far; the new ones are checked as a partner would, on arrival."""
    for request in receiver.requests[len(sent) :]:
        assert verify(secret, request.headers["x-pressroom-signature"], request.body)
        sent.append((json.loads(request.body), request.body))
    return sent


def _leaks(payloads: list[tuple[dict, bytes]], words: list[str]) -> list[tuple[str, str]]:
    return [(p["event"], w) for p, body in payloads for w in words if w.encode() in body]


def _delivered(payloads: list[tuple[dict, bytes]], event: str) -> set[str]:
    return {p["object"].get("slug") for p, _ in payloads if p["event"] == event}


async def _edit(client, admin, kind: str, item_id: int, **fields) -> None:
    path = f"/api/v1/admin/{kind}s/{item_id}"
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    response = await client.patch(path, json=fields, headers={**admin, "If-Match": etag})
    assert response.status_code == 200, (path, response.text)


async def _edit_hidden(client, admin, session: AsyncSession, world: World) -> list[str]:
    """Edit every draft and archived item, adding a word of its own; those words."""
    words = []
    for state in ("draft", "archived"):
        for kind in KINDS:
            slug = world.markers[state, kind]
            item_id = await session.scalar(select(MODELS[kind].id).where(MODELS[kind].slug == slug))
            word = edited(state, kind)
            await _edit(client, admin, kind, item_id, **{EDITS[kind]: f"<p>{slug} {word}</p>"})
            words.append(word)
    return words


async def test_no_webhook_delivery_carries_unpublished_content(
    client, session, admin, receiver, worker_sessions, settings, clock
):
    hook = await register(client, admin, receiver.url, events=[e.value for e in WebhookEvent])
    world = await _build(session)
    session.expunge_all()
    hidden = list(world.markers.values())

    await _drain(worker_sessions, settings)
    sent = _payloads(receiver, hook["secret"], [])
    assert _leaks(sent, hidden) == []
    # The public items were delivered, so the check above saw real payloads.
    assert _delivered(sent, "article.published") >= {"visible", "another"}
    assert _delivered(sent, "event.published") == {"public-event"}
    assert _delivered(sent, "page.published") == {"about"}
    assert _delivered(sent, "expert.published") >= set(world.public["experts"])

    words = await _edit_hidden(client, admin, session, world)
    another = await session.scalar(select(Article.id).where(Article.slug == "another"))
    await _edit(client, admin, "article", another, title="Another one, edited")
    session.expunge_all()
    before = len(sent)
    await _drain(worker_sessions, settings)
    sent = _payloads(receiver, hook["secret"], sent)
    assert _leaks(sent, [*hidden, *words]) == []
    assert _delivered(sent[before:], "article.updated") >= {"another"}  # edits do flow

    clock.advance(hours=1, seconds=1)
    await _drain(worker_sessions, settings)
    sent = _payloads(receiver, hook["secret"], sent)
    still_hidden = [m for m in hidden if m not in world.scheduled]
    assert _leaks(sent, [*still_hidden, *words]) == []
    for kind in KINDS:
        assert world.markers["scheduled", kind] in _delivered(sent, f"{kind}.published"), kind
    assert world.embargoed in _delivered(sent, "article.published")
