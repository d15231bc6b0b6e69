"""Database queries per second spent keeping 50 open inbox tabs live: polling every 3 s vs push.

Fifty tabs of one shop run the inbox's real watch loop (`state.poll` with the inbox's refresh:
the conversation list and the open thread, `services.inbox`) while a customer writes every
`--every` seconds for `--seconds`. Before: each tab refreshes every 3 s. Now: each tab waits on
`live.changed` (Redis pub/sub with `--redis`, else in-process) and refreshes when its shop
changed, with a safety net (`live.safety_net_seconds()`: 60 s with Redis; 3 s in local mode,
where a webhook may land in another web worker process that this one cannot hear). Printed: SQL
statements/s issued by the tabs, refreshes, and how long after a commit the tabs had refreshed
(p50/p95 — the push's latency; polling's is ≈ 1.5 s).

    .venv/bin/python bench/live_inbox.py                  # SQLite file, in-process push
    .venv/bin/python bench/live_inbox.py --redis          # push through Redis pub/sub (db 12)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class _Url:
    path = "/inbox"


class _Router:
    url = _Url()


class Tab:
    """What `poll` needs of a Reflex state: a lock (`async with`), `watching`, the router."""

    def __init__(self) -> None:
        self.watching = False
        self.router = _Router()
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        await self._lock.acquire()
        return self

    async def __aexit__(self, *exc):
        self._lock.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tabs", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--every", type=float, default=5.0, help="a new customer message every N seconds")
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/12" if args.redis else ""
    from _bench_shop import new_shop
    from sqlalchemy import event

    from auzap_console import live
    from auzap_console import state as console_state
    from auzap_console.agents.chat import receive_text
    from auzap_console.db import get_engine, tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import inbox

    upgrade_database()
    load_plugins()
    tenant_id, actor = new_shop("Bench")
    first, _ = receive_text(tenant_id=tenant_id, phone="+5511976660000", text="oi")
    statements = [0]
    tab_thread = threading.get_ident()

    @event.listens_for(get_engine(), "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == tab_thread:  # the tabs' queries, not the writer's
            statements[0] += 1

    def refresh_of(stamps: list[float]):
        async def refresh() -> None:
            with tenant_session(tenant_id) as s:
                inbox.list_conversations(s, actor=actor, status="open")
                inbox.thread(s, actor=actor, conversation_id=first)
            stamps.append(time.monotonic())

        return refresh

    def run(mode: str) -> dict:
        committed: list[float] = []
        stamps: list[list[float]] = [[] for _ in range(args.tabs)]
        statements[0] = 0

        def writer(stop: threading.Event) -> None:
            i = 0
            while not stop.wait(args.every):
                receive_text(tenant_id=tenant_id, phone=f"+55119766{i % 10000:05d}", text="oi, tem horário?")
                committed.append(time.monotonic())
                i += 1

        async def scenario() -> None:
            tabs = [Tab() for _ in range(args.tabs)]
            kwargs = {"seconds": 3} if mode == "poll" else {"seconds": live.safety_net_seconds(), "tenant_id": tenant_id}
            tasks = [
                asyncio.create_task(console_state.poll(tab, path="/inbox", refresh=refresh_of(stamps[i]), **kwargs))
                for i, tab in enumerate(tabs)
            ]
            await asyncio.sleep(args.seconds)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

        stop = threading.Event()
        thread = threading.Thread(target=writer, args=(stop,), daemon=True)
        thread.start()
        asyncio.run(scenario())
        stop.set()
        thread.join()
        delays = []
        for at in committed:
            for tab in stamps:
                later = [s for s in tab if s >= at]
                if later:
                    delays.append(later[0] - at)
        delays.sort()
        return {
            "qps": statements[0] / args.seconds,
            "refreshes": sum(len(t) for t in stamps),
            "p50": statistics.median(delays) if delays else float("nan"),
            "p95": delays[int(0.95 * (len(delays) - 1))] if delays else float("nan"),
        }

    rows = {mode: run(mode) for mode in ("poll", "push")}
    where = "Redis pub/sub" if args.redis else "in-process"
    print(f"{args.tabs} inbox tabs of one shop, {args.seconds:.0f} s, a customer message every {args.every:g} s; push: {where}")
    print(f"{'mode':<6} {'SQL statements/s':>17} {'refreshes':>10} {'refresh after commit p50':>25} {'p95':>8}")
    for mode, r in rows.items():
        print(f"{mode:<6} {r['qps']:17.1f} {r['refreshes']:10d} {r['p50']:24.2f}s {r['p95']:7.2f}s")
    print(f"push / poll statements: {rows['push']['qps'] / rows['poll']['qps']:.3f}")


if __name__ == "__main__":
    main()
