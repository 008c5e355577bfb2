"""Benchmark the API against the ceiling of this stack, on this machine.

    python bench/run.py                       # 100,000 articles, cache on and off
    python bench/run.py --articles 20000 --seconds 10

It loads the dataset into PostgreSQL if it is not there (bench/generate.py), starts the
API as production would (`pressroom serve`, uvicorn, one worker) and a bare Starlette app
answering the same bytes (bench/ceiling.py), drives both with wrk at 32 connections on
loopback, prints requests per second, p50 and p99 and the ratio to the ceiling, and writes
bench/results/latest.json and bench/results/latest.png.
"""

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
API_PORT, CEILING_PORT = 8101, 8102

SCENARIOS = {
    "list page 1": "/api/v1/articles?per_page=20",
    "list page 200": "/api/v1/articles?per_page=20&page=200",
    "filtered list": "/api/v1/articles?topic=topic-1&topic=topic-12&topic_match=all&kind=op-ed",
    "filtered + facets": "/api/v1/articles?topic=topic-3&kind=brief&facets=topic,kind,year",
    "detail": "/api/v1/articles/article-500",
    "feed": "/feeds/articles.rss",
    "articles q=": "/api/v1/articles?q=submarine%20deterrence",
    "search": "/api/v1/search?q=nuclear%20treaty",
}
REVALIDATION = "304 revalidation"
# Their latency targets are for one request at a time: at 32 connections p50 is queueing.
ALONE = ("filtered + facets", "articles q=", "search")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


async def article_count(dsn: str) -> int:
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        return -1
    try:
        return await conn.fetchval("SELECT count(*) FROM article")
    except asyncpg.PostgresError:
        return -1
    finally:
        await conn.close()


def prepare(database: str, articles: int) -> str:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    dsn = f"postgresql://postgres@127.0.0.1:5432/{database}"
    if asyncio.run(article_count(dsn)) == -1:
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{database}"'], check=False)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([BIN / "pressroom", "migrate"], cwd=ROOT, env=env, check=True)
    if asyncio.run(article_count(dsn)) != articles:
        subprocess.run(
            [sys.executable, ROOT / "bench" / "generate.py", "--database-url", url,
             "--articles", str(articles)],
            check=True,
        )  # fmt: skip
    return url


def start(cmd: list, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"{cmd[0]} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:  # still draining a backlog of slow requests
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def wrk(
    binary: str, url: str, seconds: int, headers: dict[str, str], connections: int = 32
) -> dict[str, float]:
    threads = min(2, connections)
    cmd = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
           "--latency", url]  # fmt: skip
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None or re.search(r"50%\s+([\d.]+\w+)", out) is None:  # every request timed out
        return {"rps": 0.0, "p50_ms": None, "p99_ms": None, "errors": -1}
    rps = float(found.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def record(paths: dict[str, str], etags: dict[str, str]) -> Path:
    """The API's answers, as the ceiling app will replay them."""
    recorded = {}
    for name, path in paths.items():
        response = httpx.get(f"http://127.0.0.1:{API_PORT}{path}", timeout=60)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        keep = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        recorded[path] = {"status": 200, "headers": keep,
                          "body": base64.b64encode(response.content).decode()}  # fmt: skip
        etags[name] = response.headers.get("etag", "")
    target = RESULTS / "responses.json"
    target.write_text(json.dumps(recorded))
    return target


def run_mode(args, url: str, wrk_bin: str, cache: bool) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(API_PORT), "HOST": "127.0.0.1",
           "LOG_LEVEL": "warning", "CACHE_ENABLED": "true" if cache else "false",
           "ENVIRONMENT": "production", "SECRET_KEY": "bench-" + "x" * 40,
           # One client address sends everything: the per-address limit would answer 429.
           "RATE_LIMIT_ENABLED": "false"}  # fmt: skip
    env.pop("REDIS_URL", None)
    api = start([BIN / "pressroom", "serve"], env, API_PORT)
    rows = []
    try:
        etags: dict[str, str] = {}
        responses = record(SCENARIOS, etags)
        ceiling_env = {**os.environ, "CEILING_RESPONSES": str(responses)}
        ceiling = start([BIN / "uvicorn", "bench.ceiling:app", "--port", str(CEILING_PORT),
                         "--log-level", "warning"], ceiling_env, CEILING_PORT)  # fmt: skip
        try:
            cases = [(name, path, {}) for name, path in SCENARIOS.items()]
            # Before the searches: a search that overruns wrk's timeout leaves the server
            # busy for a while, which would starve whatever comes next.
            revalidation = (REVALIDATION, SCENARIOS["detail"], {"If-None-Match": etags["detail"]})
            cases.insert(list(SCENARIOS).index("articles q="), revalidation)
            for name, path, headers in cases:
                for target, port in (("api", API_PORT), ("ceiling", CEILING_PORT)):
                    if target == "ceiling" and name == REVALIDATION:
                        continue
                    if target == "api" and cache:
                        wrk(wrk_bin, f"http://127.0.0.1:{port}{path}", 2, headers)  # warm up
                    result = wrk(wrk_bin, f"http://127.0.0.1:{port}{path}", args.seconds, headers)
                    rows.append({"mode": "cache on" if cache else "cache off", "scenario": name,
                                 "target": target, **result})  # fmt: skip
                    print(f"{rows[-1]['mode']:<9} {name:<18} {target:<8} "
                          f"{result['rps']:>9,.0f} req/s  p50 {result['p50_ms']:>7.2f} ms  "
                          f"p99 {result['p99_ms']:>7.2f} ms", flush=True)  # fmt: skip
            for name in ALONE if not cache else ():
                result = wrk(wrk_bin, f"http://127.0.0.1:{API_PORT}{SCENARIOS[name]}",
                             args.seconds, {}, connections=1)  # fmt: skip
                rows.append({"mode": "cache off, 1 conn.", "scenario": name, "target": "api",
                             **result})  # fmt: skip
                print(f"{rows[-1]['mode']:<9} {name:<18} api      {result['rps']:>9,.0f} req/s"
                      f"  p50 {result['p50_ms']:>7.2f} ms  p99 {result['p99_ms']:>7.2f} ms",
                      flush=True)  # fmt: skip
        finally:
            stop(ceiling)
    finally:
        stop(api)
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Each API result beside the ceiling measured in the same mode, right after it."""
    ceilings = {(r["mode"], r["scenario"]): r["rps"] for r in rows if r["target"] == "ceiling"}
    for mode in {r["mode"] for r in rows}:
        ceilings[(mode, REVALIDATION)] = ceilings.get((mode, "detail"), 0)
    table = []
    for r in rows:
        if r["target"] == "api":
            ceiling = ceilings.get((r["mode"], r["scenario"]))
            ratio = r["rps"] / ceiling if ceiling else None
            table.append({**r, "ceiling_rps": ceiling, "ratio": ratio})
    return table


def chart(table: list[dict], target: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "matplotlib"], check=True)
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    names = list(dict.fromkeys(r["scenario"] for r in table))
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.28
    for offset, (label, pick) in enumerate(
        (("ceiling (bare Starlette)", lambda r: r["ceiling_rps"] or 0),
         ("API, cache on", lambda r: r["rps"]), ("API, cache off", lambda r: r["rps"]))
    ):  # fmt: skip
        mode = {1: "cache on", 2: "cache off"}.get(offset, "cache on")
        values = []
        for name in names:
            match = [r for r in table if r["scenario"] == name and r["mode"] == mode]
            values.append(pick(match[0]) if match else 0)
        ax.bar([i + (offset - 1) * width for i in range(len(names))], values, width, label=label)
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
    ax.set_yscale("log")  # cache-off bars are two orders of magnitude below the rest
    ax.set_ylabel("requests per second (32 connections, log scale)")
    ax.set_title("Pressroom on 2 cores: API vs. the bare-Starlette ceiling")
    ax.legend()
    fig.tight_layout()
    fig.savefig(target, dpi=110)


def redraw() -> None:
    """Draw bench/results/latest.png again from latest.json."""
    chart(json.loads((RESULTS / "latest.json").read_text())["results"], RESULTS / "latest.png")


def main() -> None:
    if sys.argv[1:] == ["--redraw"]:
        redraw()
        return
    parser = argparse.ArgumentParser(description="Benchmark Pressroom against its ceiling.")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", default="pressroom_bench")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    wrk_bin = ensure_wrk()
    url = prepare(args.database, args.articles)
    rows = run_mode(args, url, wrk_bin, cache=True) + run_mode(args, url, wrk_bin, cache=False)
    table = summarise(rows)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    payload = {"when": stamp, "articles": args.articles, "connections": 32,
               "seconds": args.seconds, "cpus": os.cpu_count(), "results": table,
               "raw": rows}  # fmt: skip
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2))
    (RESULTS / f"{stamp}.json").write_text(json.dumps(payload, indent=2))
    chart(table, RESULTS / "latest.png")
    print("\nscenario            mode       req/s   ceiling  ratio   p50 ms   p99 ms")
    for r in table:
        ratio = f"{r['ratio']:.0%}" if r["ratio"] else "  -"
        print(f"{r['scenario']:<19} {r['mode']:<9} {r['rps']:>7,.0f} {r['ceiling_rps'] or 0:>9,.0f}"
              f" {ratio:>6} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
