"""Segment counts on many customers: the compiled query (several filters) vs. a bare count of the shop's customers.

Fills one shop with `--customers` customers (a pet each, some visits) with bulk inserts, then
times `segments.preview` (count + sample, the page's live count) for a few segments against
`SELECT count(*)` of the same shop's customers, and prints both and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEGMENTS = {
    "cats": {"species": "cat"},
    "dogs P, no visit in 60 days": {"species": "dog", "size": "P", "inactive_days": 60},
    "no bath in 90 days, VIP": {"service_not_used": {"service_id": 0, "days": 90}, "vip": True},
    "birthday in March, tag": {"birthday_month": 3, "tag": "banho mensal"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    from _bench_shop import fill, new_shop, timed
    from sqlmodel import func, select

    from auzap_console.db import tenant_session
    from auzap_console.migrate import upgrade_database
    from auzap_console.models import Customer
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import segments

    upgrade_database()
    load_plugins()
    tenant_id, actor = new_shop("Bench")
    started = time.perf_counter()
    filled = fill(tenant_id, actor, args.customers, random.Random(7))
    print(f"filled {args.customers} customers (+ pets, {filled['visits']} visits) in {time.perf_counter() - started:.1f}s")
    bath_id = filled["bath_id"]
    SEGMENTS["no bath in 90 days, VIP"]["service_not_used"]["service_id"] = bath_id

    def bare() -> None:
        with tenant_session(tenant_id) as s:
            s.exec(select(func.count()).select_from(Customer).where(Customer.tenant_id == tenant_id)).one()

    baseline = timed(bare, args.repeat)
    print(f"baseline  SELECT count(*) of the shop's customers: {baseline * 1000:8.1f} ms")
    for label, criteria in SEGMENTS.items():

        def run(criteria=criteria) -> None:
            with tenant_session(tenant_id) as s:
                segments.preview(s, actor=actor, criteria=criteria, sample=6)

        took = timed(run, args.repeat)
        with tenant_session(tenant_id) as s:
            reach = segments.preview(s, actor=actor, criteria=criteria, sample=0).count
        print(f"segment   {label:32s} {reach:7d} customers: {took * 1000:8.1f} ms  ({took / baseline:5.1f}× the bare count)")


if __name__ == "__main__":
    main()
