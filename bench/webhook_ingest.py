"""Webhook ingest throughput vs. a bare Starlette endpoint (same server, same load).

The load comes from `wrk` (C, `apt-get install -y wrk`) when it is installed — a Python client
caps the bare endpoint's rate and flatters the ratio — else from an httpx client (`--client httpx`).
Every request is a new signed simulator message (unique id, 5,000 different senders).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REDIS_URL = "redis://127.0.0.1:6379/12"


def _serve(target: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/granian"),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT / "bench",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing", timeout=1)
        except urllib.error.HTTPError:
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{target} did not start")


async def _load(url: str, secret: str, n: int, concurrency: int, prefix: str) -> float:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(i: int) -> None:
            body = json.dumps({"id": f"{prefix}-{i}", "from": f"+55119{(70000000 + i % 5000):08d}", "text": "quanto custa o banho?"})
            async with sem:
                r = await client.post(url, content=body, headers={"X-Simulator-Secret": secret, "Content-Type": "application/json"})
                r.raise_for_status()

        await one(-1)  # warm up
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return n / (time.perf_counter() - started)


WRK_SCRIPT = """
counter = 0
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local tag = tostring(math.random(1, 2147483647))
request = function()
  counter = counter + 1
  local body = string.format('{"id":"%s-%s-%d","from":"+55119%08d","text":"quanto custa o banho?"}',
    PREFIX, tag, counter, 70000000 + counter % 5000)
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json", ["X-Simulator-Secret"] = SECRET}, body)
end
"""


def _wrk(url: str, path: str, secret: str, seconds: int, connections: int, prefix: str) -> float:
    script = Path(tempfile.mkdtemp(prefix="auzap-wrk-")) / "post.lua"
    script.write_text(f'PATH = "{path}"\nSECRET = "{secret}"\nPREFIX = "{prefix}"\n' + WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError("the endpoint answered errors under load:\n" + out)
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10, help="wrk: how long each endpoint is loaded")
    parser.add_argument("--client", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "PYTHONPATH": str(ROOT)}
    os.environ.update({"DATABASE_URL": db_url, "REDIS_URL": REDIS_URL})
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    from auzap_console.db import tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.services import auth
    from auzap_console.services.channels import create_channel
    from auzap_console.services.context import Actor

    upgrade_database()  # as DATABASE_ADMIN_URL when set (PostgreSQL: the table owner)
    with tenant_session(None) as s:
        tenant, _ = auth.signup(
            s, shop_name=f"Bench {time.time_ns()}", owner_name="Bench", email=f"b{time.time_ns()}@x.com", password="ração-do-rex-42"
        )
    with tenant_session(tenant.id) as s:
        new = create_channel(s, actor=Actor(tenant_id=tenant.id, role="owner"), name="Sim", provider="simulator")
        path, secret = new.webhook_path, new.channel.webhook_secret

    bare = _serve("_bench_apps:bare", 8931, env)
    real = _serve("_bench_apps:real", 8932, env)
    try:
        if args.client == "wrk":
            base_rate = _wrk("http://127.0.0.1:8931", path, secret, args.seconds, args.concurrency, "bare")
            real_rate = _wrk("http://127.0.0.1:8932", path, secret, args.seconds, args.concurrency, "real")
        else:
            base_rate = asyncio.run(_load(f"http://127.0.0.1:8931{path}", secret, args.requests, args.concurrency, "bare"))
            real_rate = asyncio.run(_load(f"http://127.0.0.1:8932{path}", secret, args.requests, args.concurrency, "real"))
    finally:
        for proc, port in ((bare, 8931), (real, 8932)):
            proc.terminate()
            # granian re-parents its workers: stop everything serving the port.
            subprocess.run(["pkill", "-f", "--", f"--port {port} --workers 1 --log-level warning _bench_apps"], check=False)
    load = f"wrk -t2 -c{args.concurrency} -d{args.seconds}s" if args.client == "wrk" else f"httpx, {args.requests} requests"
    print(f"database: {db_url.split('://')[0]}, load: {load}, concurrency {args.concurrency}, 1 granian worker each")
    print(f"bare Starlette endpoint : {base_rate:8.0f} req/s")
    print(f"webhook ingest (stored) : {real_rate:8.0f} req/s")
    print(f"ratio ingest / bare     : {real_rate / base_rate:8.2f}")


if __name__ == "__main__":
    main()
