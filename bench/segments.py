"""Segment counts on many customers: the compiled query (several filters) vs. a bare count of the shop's customers.

Fills one shop with `--customers` customers (a pet each, some visits) with bulk inserts, then
times `segments.preview` (count + sample, the page's live count) for a few segments against
`SELECT count(*)` of the same shop's customers, and prints both and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEGMENTS = {
    "cats": {"species": "cat"},
    "dogs P, no visit in 60 days": {"species": "dog", "size": "P", "inactive_days": 60},
    "no bath in 90 days, VIP": {"service_not_used": {"service_id": 0, "days": 90}, "vip": True},
    "birthday in March, tag": {"birthday_month": 3, "tag": "banho mensal"},
}


def _timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    from sqlalchemy import insert, text
    from sqlmodel import func, select

    from auzap_console.db import tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.models import Appointment, Customer, Pet
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import auth, catalog, segments
    from auzap_console.services.context import Actor

    upgrade_database()
    load_plugins()
    with tenant_session(None) as s:
        tenant, _ = auth.signup(
            s, shop_name=f"Bench {time.time_ns()}", owner_name="Bench", email=f"s{time.time_ns()}@x.com", password="ração-do-rex-42"
        )
    actor = Actor(tenant_id=tenant.id, role="owner")
    rng = random.Random(7)
    started = time.perf_counter()
    with tenant_session(tenant.id) as s:
        bath = catalog.save_service(s, actor=actor, name="Banho P", price_cents=5000, duration_minutes=60, category="bath")
        now = datetime.now(UTC)
        rows = [
            {
                "tenant_id": tenant.id,
                "name": f"Cliente {n}",
                "phone": f"+5511{900000000 + n}",
                "whatsapp_id": "",
                "email": "",
                "vip": rng.random() < 0.08,
                "tags": ["banho mensal"] if rng.random() < 0.3 else [],
                "notes": "",
                "marketing_opt_out": rng.random() < 0.05,
                "lead_stage": "won",
                "last_visit_at": now - timedelta(days=rng.randint(1, 200)) if rng.random() < 0.8 else None,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(args.customers)
        ]
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Customer), rows[chunk : chunk + 5000])
        ids = list(s.exec(select(Customer.id).where(Customer.tenant_id == tenant.id)))
        pets = [
            {
                "tenant_id": tenant.id,
                "customer_id": cid,
                "name": "Pet",
                "species": "cat" if rng.random() < 0.18 else "dog",
                "breed": "",
                "size": rng.choice(["P", "M", "G", ""]),
                "birth_date": date(2015 + rng.randint(0, 9), rng.randint(1, 12), 1),
                "temperament": "",
                "health_notes": "",
                "vaccinations": [],
                "created_at": now,
            }
            for cid in ids
        ]
        for chunk in range(0, len(pets), 5000):
            s.execute(insert(Pet), pets[chunk : chunk + 5000])
        visits = []
        for cid in rng.sample(ids, len(ids) // 3):
            when = now - timedelta(days=rng.randint(1, 180))
            visits.append(
                {
                    "tenant_id": tenant.id,
                    "customer_id": cid,
                    "service_id": bath.id,
                    "starts_at": when,
                    "ends_at": when + timedelta(hours=1),
                    "status": "completed",
                    "price_cents": 5000,
                    "source": "staff",
                    "notes": "",
                    "created_at": now,
                }
            )
        for chunk in range(0, len(visits), 5000):
            s.execute(insert(Appointment), visits[chunk : chunk + 5000])
    if os.environ["DATABASE_URL"].startswith("postgresql"):
        with tenant_session(tenant.id) as s:
            s.execute(text("ANALYZE"))
    print(f"filled {args.customers} customers (+ pets, {len(visits)} visits) in {time.perf_counter() - started:.1f}s")
    SEGMENTS["no bath in 90 days, VIP"]["service_not_used"]["service_id"] = bath.id

    def bare() -> None:
        with tenant_session(tenant.id) as s:
            s.exec(select(func.count()).select_from(Customer).where(Customer.tenant_id == tenant.id)).one()

    baseline = _timed(bare, args.repeat)
    print(f"baseline  SELECT count(*) of the shop's customers: {baseline * 1000:8.1f} ms")
    for label, criteria in SEGMENTS.items():

        def run(criteria=criteria) -> None:
            with tenant_session(tenant.id) as s:
                segments.preview(s, actor=actor, criteria=criteria, sample=6)

        took = _timed(run, args.repeat)
        with tenant_session(tenant.id) as s:
            reach = segments.preview(s, actor=actor, criteria=criteria, sample=0).count
        print(f"segment   {label:32s} {reach:7d} customers: {took * 1000:8.1f} ms  ({took / baseline:5.1f}× the bare count)")


if __name__ == "__main__":
    main()
