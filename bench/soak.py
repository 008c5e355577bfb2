"""Soak: a fixed rate of mixed reads and writes for minutes, against two API processes and
a worker on PostgreSQL, watching errors, latency over time and each process's memory.

    python bench/soak.py                      # 10 minutes
    python bench/soak.py --minutes 1 --read-rate 20 --write-rate 4

It creates a scratch database (`pressroom_soak_<stamp>` on the local PostgreSQL, or uses
`--database-url` as it is), migrates it, loads generated content (bench/generate.py),
creates an editor, starts two `pressroom serve` processes (production settings, one
SECRET_KEY, the cache and the rate limits shared through Redis under prefixes of this run's
own) and one `pressroom worker`. Every interval, wrk (bench/soak.lua) sends each API
process its share of reads and of writes, each at a fixed rate; then the script samples
every process's RSS and the worker's email backlog. At the end it prints a table, writes
bench/results/soak-<stamp>.json, stops the processes, drops the scratch database and
deletes this run's Redis keys.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import redis
from run import ensure_wrk  # run as a script, bench/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SCRIPT = ROOT / "bench" / "soak.lua"
SERVER = "postgresql://postgres@127.0.0.1:5432"
EDITOR, PASSWORD = "soak-editor@example.org", "soak-password-1234"
EXPECTED = {304, 429}  # a revalidation; a rate limit (set high here: none expected)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=int, default=10, help="Seconds between samples.")
    parser.add_argument("--read-rate", type=float, default=10, help="Reads/s per API process.")
    parser.add_argument("--write-rate", type=float, default=2, help="Writes/s in all.")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--database-url", help="postgresql+asyncpg://...: used as it is.")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    return parser.parse_args()


def sync_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def create_database(stamp: str) -> tuple[str, str]:
    name = f"pressroom_soak_{stamp.lower()}"
    admin = f"{SERVER}/postgres"
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", name


def drop_database(name: str) -> None:
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" '
                    "WITH (FORCE)"], check=False)  # fmt: skip


def environment(args, url: str, stamp: str) -> dict[str, str]:
    prefix = f"pressroom-soak-{stamp}"
    return {
        **os.environ,
        "DATABASE_URL": url, "ENVIRONMENT": "production", "LOG_LEVEL": "warning",
        "SECRET_KEY": "soak-" + "s" * 40, "HOST": "127.0.0.1", "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": args.redis_url, "CACHE_PREFIX": f"{prefix}:cache:",
        "RATE_LIMIT_PREFIX": f"{prefix}:ratelimit",
        # Every request comes from 127.0.0.1: limits on, shared through Redis, set high.
        "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "1000000",
        "NEWSLETTER_SIGNUPS_PER_CLIENT": "1000000",
        "ACCESS_TOKEN_MINUTES": str(min(24 * 60, int(args.minutes) + 30)),
    }  # fmt: skip


def prepare(url: str, articles: int, env: dict[str, str]) -> None:
    """Migrate, load articles 1..articles and one more (the revalidated one), add an editor."""
    subprocess.run([BIN / "pressroom", "migrate"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, ROOT / "bench" / "generate.py", "--database-url", url,
         "--articles", str(articles + 1), "--experts", "300", "--topics", "60",
         "--programs", "10", "--events", "1000"],
        check=True,
    )  # fmt: skip
    subprocess.run([BIN / "pressroom", "users", "create", "--email", EDITOR, "--password",
                    PASSWORD, "--role", "editor"], cwd=ROOT, env=env, check=True)  # fmt: skip


def launch(cmd: list, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def wait_healthy(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 90  # a loaded two-core machine starts slowly
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the API on port {port} did not start:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process (VmRSS), in MB; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def sign_in(port: int) -> str:
    answer = httpx.post(f"http://127.0.0.1:{port}/api/v1/admin/auth/token",
                        data={"username": EDITOR, "password": PASSWORD}, timeout=30)  # fmt: skip
    answer.raise_for_status()
    return answer.json()["access_token"]


def revalidation_etag(port: int, articles: int) -> str:
    answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/articles/article-{articles + 1}",
                       timeout=30)  # fmt: skip
    answer.raise_for_status()
    return answer.headers["etag"]


def wrk_cmd(wrk: str, port: int, seconds: int, connections: int, *script_args) -> list[str]:
    return [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s",
            str(SCRIPT), f"http://127.0.0.1:{port}", "--", *map(str, script_args)]  # fmt: skip


def parse_wrk(output: str) -> dict:
    lines = [line for line in output.splitlines() if line.startswith("SOAK ")]
    if not lines:
        return {"requests": 0, "failed": output[-500:]}
    result = json.loads(lines[-1].removeprefix("SOAK "))
    statuses = {int(k): v for k, v in result["statuses"].items()}
    socket = sum(result["socket_errors"].values())
    bad = sum(n for s, n in statuses.items() if s >= 400 and s not in EXPECTED)
    return {**result, "statuses": statuses, "errors": bad + socket}


async def backlog(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT state::text, count(*) FROM email_message GROUP BY 1")
        return {state: count for state, count in rows}
    finally:
        await conn.close()


def one_interval(args, wrk: str, ports: list[int], token: str, etag: str, n: int) -> dict:
    """Run every wrk of one interval at once: each API process's reads and writes."""
    tag = f"i{n}"
    jobs = {}
    for k, port in enumerate(ports):
        seed = (n * len(ports) + k) * 2
        jobs[f"read{k + 1}"] = wrk_cmd(wrk, port, args.interval, 16, "read", args.read_rate,
                                       args.articles, tag, "-", etag, seed)  # fmt: skip
        jobs[f"write{k + 1}"] = wrk_cmd(wrk, port, args.interval, 4, "write",
                                        args.write_rate / len(ports), args.articles,
                                        f"{tag}p{k}", token, "-", seed + 1)  # fmt: skip
    running = {name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True) for name, cmd in jobs.items()}  # fmt: skip
    return {name: parse_wrk(p.communicate(timeout=args.interval + 60)[0])
            for name, p in running.items()}  # fmt: skip


def summarise(n: int, elapsed: float, runs: dict, processes: dict, dsn: str) -> dict:
    reads = [runs[k] for k in runs if k.startswith("read")]
    writes = [runs[k] for k in runs if k.startswith("write")]
    statuses: dict[int, int] = {}
    for run in runs.values():
        for status, count in run.get("statuses", {}).items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "interval": n, "t_s": round(elapsed),
        "reads": sum(r["requests"] for r in reads), "writes": sum(r["requests"] for r in writes),
        "errors": sum(r.get("errors", 1) for r in runs.values()),
        "statuses": statuses,
        "read_p50_ms": max(r.get("p50_us", 0) for r in reads) / 1000,
        "read_p99_ms": max(r.get("p99_us", 0) for r in reads) / 1000,
        "write_p99_ms": max(r.get("p99_us", 0) for r in writes) / 1000,
        "lag_ms": max(r.get("lag_ms", 0) for r in runs.values()),
        "rss_mb": {name: rss_mb(p.pid) for name, p in processes.items()},
        "emails": asyncio.run(backlog(dsn)),
        "runs": runs,
    }  # fmt: skip


def show(row: dict) -> None:
    rss = " ".join(f"{v if v is not None else '-':>7}" for v in row["rss_mb"].values())
    pending = sum(v for k, v in row["emails"].items() if k != "sent")
    print(f"{row['t_s']:>5} {row['reads']:>6} {row['writes']:>6} {row['errors']:>6} "
          f"{row['read_p50_ms']:>8.1f} {row['read_p99_ms']:>8.1f} {row['write_p99_ms']:>8.1f} "
          f"{row['lag_ms']:>7.0f} {rss} {pending:>7}", flush=True)  # fmt: skip


def soak(args, wrk: str, env: dict, dsn: str, logs: Path) -> dict:
    ports = [free_port(), free_port()]
    processes = {"worker": launch([BIN / "pressroom", "worker"], env, logs / "worker.log")}
    try:
        for k, port in enumerate(ports):
            log = logs / f"api{k + 1}.log"
            processes[f"api{k + 1}"] = launch([BIN / "pressroom", "serve", "--port", str(port)],
                                              env, log)  # fmt: skip
            wait_healthy(processes[f"api{k + 1}"], port, log)
        token, etag = sign_in(ports[0]), revalidation_etag(ports[0], args.articles)
        start = {name: rss_mb(p.pid) for name, p in processes.items()}
        print(f"RSS at start (MB): {start}")
        print("    t  reads writes errors  r.p50ms  r.p99ms  w.p99ms  lag ms  "
              + " ".join(f"{n:>7}" for n in processes) + " emails-waiting")  # fmt: skip
        rows, began = [], time.monotonic()
        for n in range(max(1, round(args.minutes * 60 / args.interval))):
            runs = one_interval(args, wrk, ports, token, etag, n)
            rows.append(summarise(n, time.monotonic() - began, runs, processes, dsn))
            show(rows[-1])
            if any(p.poll() is not None for p in processes.values()):
                print("a process exited: stopping")
                break
        return {"rss_start_mb": start, "intervals": rows}
    finally:
        for process in processes.values():
            stop(process)


def forget_redis(url: str, stamp: str) -> int:
    client = redis.Redis.from_url(url)
    names = list(client.scan_iter(match=f"pressroom-soak-{stamp}*", count=1000))
    if names:
        client.delete(*names)
    return len(names)


def report(result: dict, args, stamp: str, logs: Path) -> Path:
    rows = result["intervals"]
    problems = {}
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(errors="replace")
        problems[log.stem] = text.count("Traceback") + text.count(" ERROR ")
    summary = {
        "errors": sum(r["errors"] for r in rows),
        "requests": sum(r["reads"] + r["writes"] for r in rows),
        "read_p99_ms": {"first": rows[0]["read_p99_ms"], "last": rows[-1]["read_p99_ms"],
                        "max": max(r["read_p99_ms"] for r in rows)},
        "write_p99_ms": {"first": rows[0]["write_p99_ms"], "last": rows[-1]["write_p99_ms"],
                         "max": max(r["write_p99_ms"] for r in rows)},
        "rss_mb": {name: {"start": mb, "first_interval": rows[0]["rss_mb"][name],
                          "end": rows[-1]["rss_mb"][name]}
                   for name, mb in result["rss_start_mb"].items()},
        "max_lag_ms": max(r["lag_ms"] for r in rows),
        "emails": rows[-1]["emails"],
        "log_errors": problems,
    }  # fmt: skip
    payload = {"when": stamp, "minutes": args.minutes, "interval_s": args.interval,
               "read_rate_per_process": args.read_rate, "write_rate": args.write_rate,
               "articles": args.articles, "cpus": os.cpu_count(), "load_at_end":
               os.getloadavg(), "summary": summary, **result}  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"soak-{stamp}.json"
    target.write_text(json.dumps(payload, indent=2))
    print(json.dumps(summary, indent=2))
    return target


def main() -> None:
    args = parse()
    wrk = ensure_wrk()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    scratch = None
    if args.database_url:
        url = args.database_url
    else:
        url, scratch = create_database(stamp.replace("-", "").lower())
    env = environment(args, url, stamp)
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        try:
            prepare(url, args.articles, env)
            result = soak(args, wrk, env, sync_dsn(url), Path(folder))
            print(f"results: {report(result, args, stamp, Path(folder))}")
        finally:
            if scratch:
                drop_database(scratch)
            print(f"deleted {forget_redis(args.redis_url, stamp)} Redis keys")


if __name__ == "__main__":
    main()
