"""Messages/s through the pipeline (RQ worker, offline engine) vs. RQ no-op jobs on the same worker."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
REDIS_URL = "redis://127.0.0.1:6379/11"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["JOB_RETRY_INTERVALS"] = "0"
    from _bench_jobs import noop
    from _bench_shop import new_shop
    from redis import Redis
    from rq import Queue, SimpleWorker

    from auzap_console.agents.chat import receive_text
    from auzap_console.db import tenant_session
    from auzap_console.jobs import queues
    from auzap_console.jobs.agent import answer_conversation
    from auzap_console.migrate import upgrade_database
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import catalog

    conn = Redis.from_url(REDIS_URL)
    conn.flushdb()
    upgrade_database()
    load_plugins()
    tenant_id, actor = new_shop("Bench")
    with tenant_session(tenant_id) as s:
        catalog.save_service(s, actor=actor, name="Banho P", price_cents=5000, duration_minutes=60, category="bath")
    worker = SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn)

    q = Queue("default", connection=conn)
    for _ in range(args.messages):
        q.enqueue(noop)
    started = time.perf_counter()
    worker.work(burst=True)
    noop_rate = args.messages / (time.perf_counter() - started)

    conversations = []
    for i in range(args.messages):
        conversation_id, _ = receive_text(tenant_id=tenant_id, phone=f"+55119{(80000000 + i):08d}", text="quanto custa o banho?")
        conversations.append(conversation_id)
    for i, conversation_id in enumerate(conversations):
        queues.enqueue(answer_conversation, tenant_id, conversation_id, queue=queues.HIGH, job_key=queues.job_id("bench", i))
    started = time.perf_counter()
    worker.work(burst=True)
    rate = args.messages / (time.perf_counter() - started)
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}, {args.messages} messages, 1 RQ SimpleWorker")
    print(f"RQ no-op jobs              : {noop_rate:8.1f} jobs/s")
    print(f"messages answered (offline): {rate:8.1f} msg/s  (a turn each: routing, prompt, tool call, stored reply, usage)")
    print(f"ratio pipeline / no-op     : {rate / noop_rate:8.3f}")


if __name__ == "__main__":
    main()
