"""Concurrent turns with a slow model: messages/s and webhook→reply latency vs. the number of workers.

A local chat-completions server answers every request after `--model-seconds` (1.5 s by default),
so a turn is mostly waiting. Signed WAHA webhooks go to the real endpoint (granian) at `--rate`
messages/s from distinct new numbers; `auzap worker --processes P --threads T` (real RQ workers:
T > 1 runs T RQ workers in threads of each process, T = 1 forks a work horse per job) answers them
through the official `openai` SDK; the replies arrive at a local WAHA server. Printed per P×T:
messages/s sustained, p50/p95 from the webhook POST to the reply's arrival, p95 / model time,
the workers' memory (RSS) and the most PostgreSQL connections seen.

    .venv/bin/python bench/turns.py --workers 1x32,2x32        # SQLite file (writes serialise)
    DATABASE_URL=postgresql+psycopg://auzap_app:auzap_app@127.0.0.1:5432/auzap_bench \\
    DATABASE_ADMIN_URL=postgresql+psycopg://postgres@127.0.0.1:5432/auzap_bench \\
      .venv/bin/python bench/turns.py --workers 16x1,1x32,2x32
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
REDIS_URL = "redis://127.0.0.1:6379/13"
PORT = 8941


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    found = [int(p) for p in out]
    for child in list(found):
        found += _children(child)
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _pids_named(name: str) -> list[int]:
    out = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _pg_connections(admin_url: str) -> int:
    if not admin_url.startswith("postgresql"):
        return 0
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")).scalar() - 1)
    finally:
        engine.dispose()


def _wait_ready(n_workers: int, timeout: float = 120.0) -> None:
    """Until every RQ worker thread/process has registered (imports done, plugins loaded), then a breath."""
    from redis import Redis
    from rq import Worker

    conn = Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout
    while Worker.count(connection=conn) < n_workers and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)


def _post_message(client, path: str, secret: str, sender: str, message_id: str) -> None:
    from tests.fakes.waha_server import waha_message

    body = json.dumps(waha_message(message_id=message_id, sender=sender, text="oi, tudo bem?")).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
    response = client.post(
        f"http://127.0.0.1:{PORT}{path}", content=body, headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig}
    )
    response.raise_for_status()


def _warm_up(n: int, tag: str, path: str, secret: str, waha, timeout: float = 120.0) -> None:
    """Answer `n` messages before measuring: every worker thread has connected, compiled its queries and filled its caches."""
    import httpx

    with httpx.Client(timeout=30) as client:
        for i in range(n):
            _post_message(client, path, secret, f"55118{i:08d}@c.us", f"false_warm_{tag}_{i}")
    deadline = time.monotonic() + timeout
    while len(waha.sent) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    waha.sent.clear()


def run(shape: str, args, env: dict, path: str, secret: str, waha, web_pid: int) -> dict:
    processes, _, threads = shape.partition("x")
    processes, threads = int(processes), int(threads or 1)
    n_workers = processes * threads
    tag = f"{processes}x{threads}"
    import httpx
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()  # nothing left over from the previous round
    waha.sent.clear()
    log = open(Path(tempfile.gettempdir()) / f"auzap-bench-workers-{tag}.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/auzap"), "worker", "--processes", str(processes), "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _wait_ready(n_workers)
    _warm_up(args.warmup, tag, path, secret, waha)  # CPU is counted from here: start-up and first queries are not a message's cost
    posted: dict[str, float] = {}
    arrived: dict[str, float] = {}
    worker_pids = [worker.pid, *_children(worker.pid)]
    cpu_before = {
        "web": _cpu_seconds([web_pid, *_children(web_pid)]),
        "workers": _cpu_seconds(worker_pids),
        "postgres": _cpu_seconds(_pids_named("postgres")),
        "redis": _cpu_seconds(_pids_named("redis-server")),
        "bench": time.process_time(),
    }
    stop = threading.Event()
    peak_connections = [0]

    def watch() -> None:
        seen = 0
        while not stop.is_set():
            while seen < len(waha.sent):
                arrived.setdefault(waha.sent[seen]["chatId"], time.monotonic())
                seen += 1
            time.sleep(0.005)

    def count_connections() -> None:
        while not stop.is_set():
            peak_connections[0] = max(peak_connections[0], _pg_connections(env.get("DATABASE_ADMIN_URL", "")))
            time.sleep(0.5)

    watchers = [threading.Thread(target=watch, daemon=True), threading.Thread(target=count_connections, daemon=True)]
    for t in watchers:
        t.start()
    client = httpx.Client(timeout=30)
    start = time.monotonic()
    for i in range(args.messages):
        due = start + i / args.rate
        time.sleep(max(0.0, due - time.monotonic()))
        sender = f"55119{60000000 + (processes * 100 + threads) * 1000 + i:08d}@c.us"
        posted[sender] = time.monotonic()
        _post_message(client, path, secret, sender, f"false_{sender}_B{tag}_{i}")
    deadline = time.monotonic() + 60 + args.messages * args.model_seconds / max(1, n_workers)
    while len(arrived) < args.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    rss = [_rss_mb(p) for p in _children(worker.pid)]
    worker_pids = [worker.pid, *_children(worker.pid)]
    cpu = {
        "web": _cpu_seconds([web_pid, *_children(web_pid)]) - cpu_before["web"],
        "workers": _cpu_seconds(worker_pids) - cpu_before["workers"],
        "postgres": _cpu_seconds(_pids_named("postgres")) - cpu_before["postgres"],
        "redis": _cpu_seconds(_pids_named("redis-server")) - cpu_before["redis"],
        "bench": time.process_time() - cpu_before["bench"],  # this process: the senders, the fake model and the fake WAHA
    }
    stop.set()
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
    arrived = {s: t for s, t in arrived.items() if s in posted}
    latencies = sorted(arrived[s] - posted[s] for s in arrived)
    span = max(arrived.values()) - min(posted.values()) if arrived else float("inf")
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 20 else [float("nan")] * 19
    return {
        "workers": tag,
        "answered": len(arrived),
        "rate": len(arrived) / span,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": q[18],
        "rss": statistics.mean(r for r in rss if r) if any(rss) else 0.0,
        "connections": peak_connections[0],
        "cpu_ms": {k: 1000 * v / max(1, len(arrived)) for k, v in cpu.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="16x1,1x32,2x32", help="shapes to try, processes x threads, comma-separated")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=25.0, help="messages/s sent")
    parser.add_argument("--model-seconds", type=float, default=1.5)
    parser.add_argument("--warmup", type=int, default=64, help="messages answered before measuring")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    os.environ.update({"DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "OPENAI_API_KEY": "", "JOB_RETRY_INTERVALS": "1,2"})
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 40)  # workers refuse the default key outside local mode
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    from _bench_shop import new_shop

    from auzap_console.db import tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import agents, catalog
    from auzap_console.services.channels import create_channel
    from tests.fakes.openai_server import FakeOpenAI
    from tests.fakes.waha_server import FakeWaha

    upgrade_database()
    load_plugins()
    tenant_id, actor = new_shop("Bench")
    with FakeOpenAI() as model, FakeWaha(api_key="k") as waha:
        model.delay = args.model_seconds
        with tenant_session(tenant_id) as s:
            catalog.save_service(s, actor=actor, name="Banho P", price_cents=5000, duration_minutes=60, category="bath")
            for persona in ("customer_assistant", "sdr"):
                agents.save_config(s, actor=actor, persona=persona, enabled=True, typing_delay_ms=0)
            new = create_channel(s, actor=actor, name="Zap", provider="waha", base_url=waha.base_url, credentials={"api_key": "k"})
            path, secret = new.webhook_path, new.channel.webhook_secret
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": model.base_url,
            "OPENAI_MAX_RETRIES": "0",
        }
        granian = [str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--port", str(PORT), "--workers", "1", "--log-level", "warning"]
        web = subprocess.Popen(
            [*granian, "_bench_apps:real"],
            cwd=ROOT / "bench",
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(4)
        try:
            rows = [run(shape, args, env, path, secret, waha, web.pid) for shape in args.workers.split(",")]
        finally:
            os.killpg(web.pid, signal.SIGTERM)
    engine = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    print(f"database: {engine}; model answers after {args.model_seconds} s; {args.messages} messages sent at {args.rate}/s")
    print("P x T    answered   msg/s   p50 s   p95 s  p95/model  RSS/process MB  PG connections")
    for r in rows:
        print(
            f"{r['workers']:>7}  {r['answered']:8d}  {r['rate']:6.1f}  {r['p50']:6.2f}  {r['p95']:6.2f}"
            f"  {r['p95'] / args.model_seconds:9.2f}  {r['rss']:14.0f}  {r['connections']:14d}"
        )
    print("CPU ms per answered message (2 cores = 2,000 ms/s):")
    for r in rows:
        parts = "  ".join(f"{k} {v:5.1f}" for k, v in r["cpu_ms"].items())
        print(f"{r['workers']:>7}  {parts}  total {sum(r['cpu_ms'].values()):5.1f}")


if __name__ == "__main__":
    main()
