"""The change feed with content as rich as the real thing: an article with a primary topic
that has a parent, authors, featured experts and programs."""

from tests.changes.helpers import key_headers, read_feed, rich_article


async def test_the_feed_answers_an_article_with_a_primary_topic_under_a_parent(client, session):
    article = await rich_article(session)
    headers = await key_headers(session)
    session.expunge_all()
    entries, _ = await read_feed(client, headers)
    [entry] = [e for e in entries if (e["resource"], e["id"]) == ("article", article.id)]
    assert entry["action"] == "upsert"
    obj = entry["object"]
    assert obj["primary_topic"]["slug"] == "china"
    assert obj["primary_topic"]["parent"]["slug"] == "asia"
    assert [a["slug"] for a in obj["authors"]] == ["ada-author", "bo-writer"]
    assert [e["slug"] for e in obj["featured_experts"]] == ["cy-featured"]
    assert [p["slug"] for p in obj["programs"]] == ["asia-program"]
    topic = next(e for e in entries if e["resource"] == "topic" and e["object"]["slug"] == "china")
    assert topic["object"]["parent"]["slug"] == "asia"
