"""Shared by the benchmarks: one shop filled with many customers (a pet each, some visits) by bulk inserts."""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta


def timed(fn, repeat: int) -> float:
    """The median seconds of `repeat` runs of `fn`."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def new_shop(prefix: str):
    """A fresh shop and its owner's actor."""
    from auzap_console.db import tenant_session
    from auzap_console.services import auth
    from auzap_console.services.context import Actor

    with tenant_session(None) as s:
        tenant, _ = auth.signup(
            s,
            shop_name=f"{prefix} {time.time_ns()}",
            owner_name="Bench",
            email=f"{prefix.lower()}{time.time_ns()}@x.com",
            password="ração-do-rex-42",
        )
    return tenant.id, Actor(tenant_id=tenant.id, role="owner")


def fill(tenant_id: int, actor, customers: int, rng: random.Random, tag_share: float = 0.3, tag: str = "banho mensal") -> dict:
    """`customers` customers (VIPs, tags, 5 % opted out), one pet each, a third with a past bath; returns the bath service id and visits."""
    from sqlalchemy import insert
    from sqlmodel import select

    from auzap_console.db import tenant_session
    from auzap_console.models import Appointment, Customer, Pet
    from auzap_console.services import catalog

    with tenant_session(tenant_id) as s:
        bath = catalog.save_service(s, actor=actor, name="Banho P", price_cents=5000, duration_minutes=60, category="bath")
        now = datetime.now(UTC)
        rows = [
            {
                "tenant_id": tenant_id,
                "name": f"Cliente {n}",
                "phone": f"+5511{900000000 + n}",
                "whatsapp_id": "",
                "email": "",
                "vip": rng.random() < 0.08,
                "tags": [tag] if rng.random() < tag_share else [],
                "notes": "",
                "marketing_opt_out": rng.random() < 0.05,
                "lead_stage": "won",
                "last_visit_at": now - timedelta(days=rng.randint(1, 200)) if rng.random() < 0.8 else None,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(customers)
        ]
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Customer), rows[chunk : chunk + 5000])
        ids = list(s.exec(select(Customer.id).where(Customer.tenant_id == tenant_id)))
        pets = [
            {
                "tenant_id": tenant_id,
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
                    "tenant_id": tenant_id,
                    "customer_id": cid,
                    "service_id": bath.id,
                    "starts_at": when,
                    "ends_at": when + timedelta(hours=1),
                    "status": "completed",
                    "price_cents": 5000,
                    "source": "staff",
                    "notes": "",
                    "created_at": now - timedelta(days=200),
                }
            )
        for chunk in range(0, len(visits), 5000):
            s.execute(insert(Appointment), visits[chunk : chunk + 5000])
    analyze()
    return {"bath_id": bath.id, "visits": len(visits)}


def analyze() -> None:
    """Fresh planner statistics on PostgreSQL, as the owner role (the app role owns no table, so its ANALYZE does nothing)."""
    admin = os.environ.get("DATABASE_ADMIN_URL", "")
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql") or not admin:
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
