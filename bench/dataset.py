"""The console's queries on a platform-sized PostgreSQL: p50/p95 of each screen's service calls.

Fills a database (default `auzap_dataset`, re-created) with `tests/utils/big_dataset.fill`
(COPY): 1,000 shops, 200,000 customers, 1,000,000 messages, 300,000 appointments at scale 1.0.
Then, as the app role under row-level security and through the same service functions the pages
call, times the inbox list, an inbox search, a long conversation thread, the customer search, the
dashboard (figures and the period report), and the calendar week and day — for the largest
shop (10 % of every table) and a typical one. Baseline in the same run: fetching one customer by
primary key through the same session path (`tenant_session` + RLS).

    .venv/bin/python bench/dataset.py                 # scale 1.0 (≈ 2–4 min to fill)
    .venv/bin/python bench/dataset.py --scale 0.1 --keep   # smaller; --keep reuses the filled database
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ADMIN = os.environ.get("PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
APP_ROLE = "auzap_app"


def _timed(fn, runs: int) -> tuple[float, float]:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", default="auzap_dataset")
    parser.add_argument("--keep", action="store_true", help="reuse the database when it is already filled")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import psycopg

    admin_url = f"{ADMIN}/{args.database}"
    app_url = f"postgresql+psycopg://{APP_ROLE}:{APP_ROLE}@127.0.0.1:5432/{args.database}"
    plain = ADMIN.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(plain, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.database,)).fetchone()
        if exists and not args.keep:
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        if not exists or not args.keep:
            conn.execute(f'CREATE DATABASE "{args.database}"')
    os.environ.update({"DATABASE_URL": app_url, "DATABASE_ADMIN_URL": admin_url, "REDIS_URL": ""})
    from sqlmodel import func, select

    from auzap_console.db import tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.models import Customer, Message
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import calendar, customers, dashboard, inbox, performance
    from auzap_console.services.context import Actor
    from tests.utils.big_dataset import fill

    upgrade_database()
    load_plugins()
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://")) as conn:  # as the owner: RLS hides shops
        filled = [row[0] for row in conn.execute("SELECT id FROM tenants WHERE slug LIKE 'ds-%' ORDER BY id")]
    if not filled:
        started = time.perf_counter()
        data = fill(admin_url, args.scale)
        print(f"filled in {time.perf_counter() - started:.0f} s: {data.counts}")
        tenant_ids, busiest = data.tenant_ids, data.busiest_conversation
    else:
        tenant_ids, busiest = list(filled), {}
        for t in (tenant_ids[0], tenant_ids[len(tenant_ids) // 2]):
            with tenant_session(t) as s:
                most = select(Message.conversation_id).where(Message.tenant_id == t).group_by(Message.conversation_id)
                busiest[t] = s.exec(most.order_by(func.count().desc()).limit(1)).one()
    today = datetime.now(UTC).date()
    rows = []
    for label, tenant_id in (("largest shop", tenant_ids[0]), ("typical shop", tenant_ids[len(tenant_ids) // 2])):
        actor = Actor(tenant_id=tenant_id, role="owner")
        with tenant_session(tenant_id) as s:
            some_customer = s.exec(select(Customer.id).where(Customer.tenant_id == tenant_id).limit(1)).one()

        def run(call, tenant_id=tenant_id):
            def go():
                with tenant_session(tenant_id) as s:
                    call(s)

            return go

        calls = {
            "baseline: one customer by id": lambda s, c=some_customer: s.get(Customer, c),
            "inbox list (open, page 1)": lambda s: inbox.list_conversations(s, actor=actor, status="open"),  # noqa: B023
            "inbox search 'tosa'": lambda s: inbox.list_conversations(s, actor=actor, status="open", search="tosa"),  # noqa: B023
            "inbox search 'gato' (no hit)": lambda s: inbox.list_conversations(s, actor=actor, status="open", search="gato"),  # noqa: B023
            "conversation thread": lambda s: inbox.thread(s, actor=actor, conversation_id=busiest[tenant_id]),  # noqa: B023
            "customer search 'silva'": lambda s: customers.list_customers(s, actor=actor, search="silva"),  # noqa: B023
            "dashboard figures": lambda s: dashboard.figures(s, actor=actor),  # noqa: B023
            "dashboard period (30 days)": lambda s: performance.report(s, actor=actor, period="ultimos_30_dias"),  # noqa: B023
            "calendar week": lambda s: calendar.week_overview(s, actor=actor, week_of=today),  # noqa: B023
            "calendar day": lambda s: calendar.day_agenda(s, actor=actor, day=today),  # noqa: B023
        }
        for name, call in calls.items():
            p50, p95 = _timed(run(call), args.runs)
            rows.append((label, name, p50, p95))
    print(f"database: PostgreSQL, scale {args.scale}; {args.runs} runs each after 3 warm-ups; times in ms")
    print(f"{'shop':<14} {'query':<30} {'p50':>8} {'p95':>8}  {'p95 / baseline p95':>18}")
    baseline = {label: p95 for label, name, _, p95 in rows if name.startswith("baseline")}
    for label, name, p50, p95 in rows:
        print(f"{label:<14} {name:<30} {p50:8.1f} {p95:8.1f}  {p95 / baseline[label]:18.1f}")


if __name__ == "__main__":
    main()
