"""Load a realistic synthetic dataset into PostgreSQL with COPY, for the benchmark.

    python bench/generate.py --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

Defaults follow the benchmark's shape: 100,000 articles of ~800 words, 2,000 experts,
300 topics, 20 programs, 10,000 events; 1-3 authors and 2-5 topics per article. The
database must be migrated (`pressroom migrate`); its content is replaced.
"""

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.engine import make_url

WORDS = """alliance deterrence strategy restraint diplomacy sanctions navy submarine carrier
missile doctrine posture budget congress treaty summit ceasefire escalation trade tariff
export energy pipeline election coalition security intelligence border region conflict
negotiation military army forces basing presence commitment partner ally rival competition
influence economy growth inflation market supply chain technology semiconductor cyber space
nuclear arsenal warhead testing verification humanitarian refugee aid reconstruction
governance reform policy analysis report brief explainer evidence data survey history
lesson precedent risk cost benefit interest value realism primacy balance power hegemony
order institution law""".split()  # noqa: SIM905
KINDS = ["op-ed", "in-the-media", "press-release", "brief", "explainer", "report"]
FORMATS = ["virtual", "in-person", "hybrid"]
NOW = datetime.now(UTC)
CONTENT_TABLES = (
    "article, article_topic, article_author, article_featured_expert, article_program, "
    "event, event_topic, event_program, event_speaker, expert, expert_program, expert_topic, "
    "topic, program"
)
ARTICLE_COLUMNS = [
    "id", "slug", "kind", "title", "summary", "body", "status", "published_at",
    "created_at", "updated_at", "version", "noindex", "primary_topic_id",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "slug", "title", "summary", "body", "starts_at", "ends_at", "timezone", "format",
    "cancelled", "status", "published_at", "created_at", "updated_at", "version", "noindex",
]  # fmt: skip


@dataclass
class Shape:
    articles: int
    experts: int
    topics: int
    programs: int
    events: int
    seed: int
    pool: list[str] = field(default_factory=list)


class Progress:
    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        filled = int(30 * self.done / max(self.total, 1))
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * filled + "-" * (30 - filled)
        end = "\n" if self.done >= self.total else ""
        sys.stderr.write(
            f"\r{self.label:<9} [{bar}] {self.done:>7}/{self.total} {rate:,.0f}/s{end}"
        )
        sys.stderr.flush()


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize()


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [f"<p>{sentence(rng, 80, 120)}.</p>" for _ in range(count)]


def article_rows(rng: random.Random, shape: Shape, first: int, last: int) -> Iterator[tuple]:
    for i in range(first, last + 1):
        published = NOW - timedelta(minutes=i * 7)
        body = "\n".join(rng.sample(shape.pool, 8))
        yield (
            i, f"article-{i}", rng.choice(KINDS), sentence(rng, 5, 11), sentence(rng, 15, 30),
            body, "published", published, published, published, 1, False,
            rng.randint(1, shape.topics),
        )  # fmt: skip


def links(rng: random.Random, shape: Shape, chunk: list[tuple]) -> tuple[list, list, list]:
    topics, authors, programs = [], [], []
    for row in chunk:
        article_id, primary = row[0], row[-1]
        chosen = [primary, *rng.sample(range(1, shape.topics + 1), rng.randint(1, 4))]
        topics += [(article_id, t, n) for n, t in enumerate(dict.fromkeys(chosen))]
        people = rng.sample(range(1, shape.experts + 1), rng.randint(1, 3))
        authors += [(article_id, e, n) for n, e in enumerate(people)]
        if rng.random() < 0.5:
            programs.append((article_id, rng.randint(1, shape.programs)))
    return topics, authors, programs


async def load_articles(
    dsn: str, shape: Shape, first: int, last: int, progress: Progress, seed: int
) -> None:
    rng = random.Random(seed)
    conn = await asyncpg.connect(dsn)
    try:
        rows = article_rows(rng, shape, first, last)
        remaining = last - first + 1
        while remaining:
            chunk = [next(rows) for _ in range(min(2000, remaining))]
            topics, authors, programs = links(rng, shape, chunk)
            async with conn.transaction():
                await conn.copy_records_to_table("article", records=chunk, columns=ARTICLE_COLUMNS)
                await conn.copy_records_to_table(
                    "article_topic", records=topics, columns=["article_id", "topic_id", "position"]
                )
                await conn.copy_records_to_table(
                    "article_author",
                    records=authors,
                    columns=["article_id", "expert_id", "position"],
                )
                await conn.copy_records_to_table(
                    "article_program", records=programs, columns=["article_id", "program_id"]
                )
            remaining -= len(chunk)
            progress.add(len(chunk))
    finally:
        await conn.close()


async def load_taxonomy(conn: asyncpg.Connection, shape: Shape) -> None:
    topics = [
        (i, f"topic-{i}", f"Topic {i}", i <= 5, i, (i - 1) // 10 if i > 10 else None, NOW, NOW, 1)
        for i in range(1, shape.topics + 1)
    ]
    await conn.copy_records_to_table(
        "topic",
        records=topics,
        columns=["id", "slug", "name", "featured", "position", "parent_id", "created_at",
                 "updated_at", "version"],
    )  # fmt: skip
    experts = [
        (i, f"expert-{i}", f"Given{i}", f"Family{i}", "Fellow", "Institute", "[]", "published",
         NOW - timedelta(days=3000), NOW, NOW, 1)
        for i in range(1, shape.experts + 1)
    ]  # fmt: skip
    await conn.copy_records_to_table(
        "expert",
        records=experts,
        columns=["id", "slug", "given_name", "family_name", "title", "organization", "links",
                 "status", "published_at", "created_at", "updated_at", "version"],
    )  # fmt: skip
    programs = [
        (i, f"program-{i}", f"Program {i}", i, i, NOW, NOW, 1) for i in range(1, shape.programs + 1)
    ]
    await conn.copy_records_to_table(
        "program",
        records=programs,
        columns=["id", "slug", "name", "position", "director_id", "created_at", "updated_at",
                 "version"],
    )  # fmt: skip
    members = [(i, 1 + i % shape.programs) for i in range(1, shape.experts + 1)]
    await conn.copy_records_to_table(
        "expert_program", records=members, columns=["expert_id", "program_id"]
    )


async def load_events(conn: asyncpg.Connection, shape: Shape, rng: random.Random) -> None:
    progress = Progress("events", shape.events)
    events, topics = [], []
    for i in range(1, shape.events + 1):
        starts = NOW + timedelta(days=rng.randint(-1500, 300), hours=rng.randint(0, 23))
        events.append(
            (i, f"event-{i}", sentence(rng, 4, 9), sentence(rng, 12, 25),
             "\n".join(rng.sample(shape.pool, 3)), starts, starts + timedelta(hours=1),
             "America/New_York", rng.choice(FORMATS), False, "published",
             NOW - timedelta(days=3000), NOW, NOW, 1, False)
        )  # fmt: skip
        chosen = rng.sample(range(1, shape.topics + 1), rng.randint(1, 3))
        topics += [(i, t, n) for n, t in enumerate(chosen)]
    await conn.copy_records_to_table("event", records=events, columns=EVENT_COLUMNS)
    await conn.copy_records_to_table(
        "event_topic", records=topics, columns=["event_id", "topic_id", "position"]
    )
    progress.add(shape.events)


async def load(url: str, shape: Shape) -> None:
    started = time.monotonic()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    rng = random.Random(shape.seed)
    shape.pool = paragraphs(rng, 3000)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"TRUNCATE {CONTENT_TABLES} RESTART IDENTITY CASCADE")
        # Secondary indexes are cheaper built once after the load than kept up row by row.
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename IN ('article', 'event', 'article_topic', 'article_author') "
            "AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        await load_taxonomy(conn, shape)
        # The ~800-word to_tsvector per article is the cost: two connections, two cores.
        progress = Progress("articles", shape.articles)
        half = shape.articles // 2
        await asyncio.gather(
            load_articles(dsn, shape, 1, half, progress, shape.seed + 1),
            load_articles(dsn, shape, half + 1, shape.articles, progress, shape.seed + 2),
        )
        await load_events(conn, shape, rng)
        rebuild = Progress("indexes", len(indexes))
        for index in indexes:
            await conn.execute(index["indexdef"])
            rebuild.add(1)
        for table in ("article", "expert", "topic", "program", "event"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # The tally's triggers appended a row per live article: fold them, as the worker
        # would (the runner serves without one).
        await conn.execute(
            "WITH gone AS (DELETE FROM article_tally RETURNING kind, live) "
            "INSERT INTO article_tally (kind, live) SELECT kind, sum(live) FROM gone GROUP BY kind"
        )
        # VACUUM too: a bulk load leaves the visibility map empty, and counts then read
        # every heap page instead of scanning the index only (13 ms became 40 ms).
        await conn.execute("VACUUM ANALYZE")
        # The folded rows went after 100,000 deleted ones: every count read ~700 empty
        # pages of the tally (0.7 ms) until the table is rewritten. The worker's steady
        # folding never lets it grow so far.
        await conn.execute("VACUUM FULL article_tally")
    finally:
        await conn.close()
    sys.stderr.write(f"loaded in {time.monotonic() - started:.1f} s\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--experts", type=int, default=2_000)
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shape = Shape(args.articles, args.experts, args.topics, args.programs, args.events, args.seed)
    asyncio.run(load(args.database_url, shape))


if __name__ == "__main__":
    main()
