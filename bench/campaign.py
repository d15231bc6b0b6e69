"""Campaigns: planning 10,000 recipients from a segment over 100,000 customers, and the send rate achieved.

1. Planning: a shop with `--customers` customers, `--recipients` of them tagged for the campaign;
   `campaigns.schedule` plans them (one INSERT … SELECT from the segment's query). Baseline: the
   same segment's live count (`segments.preview`). Goal: under 5 s for 10,000 of 100,000.
2. Pacing: a second campaign at `--rate` a minute on a real `auzap worker` (RQ, with its scheduler)
   and a local HTTP server speaking the Evolution API. One campaign minute is run, then the sends
   the provider receives in the next 70 s are counted: achieved vs configured rate, and how evenly
   they are spread (the largest count in any 10 s window vs the even share).
Needs Redis on 127.0.0.1:6379 (database 11, flushed). SQLite unless DATABASE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REDIS_URL = "redis://127.0.0.1:6379/11"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=120, help="messages a minute for the pacing part")
    parser.add_argument("--skip-pacing", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="auzap-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))  # the worker refuses the development key with Redis
    os.environ["JOB_RETRY_INTERVALS"] = "1,5"
    from _bench_shop import analyze, fill, new_shop, timed
    from redis import Redis
    from sqlalchemy import update

    from auzap_console.db import tenant_session
    from auzap_console.jobs.campaigns import send_due_campaigns
    from auzap_console.migrate import upgrade_database
    from auzap_console.models import Customer
    from auzap_console.plugin.manager import load_plugins
    from auzap_console.services import campaigns, segments
    from auzap_console.services.channels import create_channel
    from tests.fakes.provider_server import FakeProvider

    Redis.from_url(REDIS_URL).flushdb()
    upgrade_database()
    load_plugins()
    tenant_id, actor = new_shop("Campanha")
    started = time.perf_counter()
    share = args.recipients / args.customers / 0.95  # 5 % are opted out
    fill(tenant_id, actor, args.customers, random.Random(11), tag_share=share, tag="volta")
    print(
        f"database: {os.environ['DATABASE_URL'].split('://')[0]}; filled {args.customers} customers in {time.perf_counter() - started:.1f}s"
    )

    with FakeProvider("evolution", "k") as evo:
        with tenant_session(tenant_id) as s:
            channel = create_channel(
                s, actor=actor, name="Evo", provider="evolution", base_url=evo.base_url, external_id="loja", credentials={"api_key": "k"}
            ).channel
            segment = segments.save_segment(s, actor=actor, name="Volta", criteria={"tag": "volta"})

        def count() -> int:
            with tenant_session(tenant_id) as s:
                return segments.preview(s, actor=actor, criteria=segment.criteria, sample=0).count

        baseline = timed(count, 3)
        with tenant_session(tenant_id) as s:
            draft = campaigns.save_draft(
                s,
                actor=actor,
                name="Volta",
                template="{Oi|Olá} {nome}, o {pet} sente falta da gente!",
                segment_id=segment.id,
                channel_id=channel.id,
            )
        started = time.perf_counter()
        with tenant_session(tenant_id) as s:
            planned = campaigns.schedule(s, actor=actor, campaign_id=draft.id, at=datetime.now(UTC) + timedelta(days=30))
        took = time.perf_counter() - started
        ratio = took / baseline
        print(f"baseline  the segment's live count ({count()} customers): {baseline * 1000:8.1f} ms")
        print(f"planning  {planned} recipients (one INSERT … SELECT): {took * 1000:8.1f} ms  ({ratio:5.1f}× the count; goal < 5000 ms)")
        if args.skip_pacing:
            return
        _pacing(
            args.rate, tenant_id, actor, channel.id, evo, send_due_campaigns, campaigns, segments, tenant_session, Customer, update, analyze
        )


def _pacing(rate, tenant_id, actor, channel_id, evo, send_due_campaigns, campaigns, segments, tenant_session, Customer, update, analyze):
    """One campaign minute on a real worker; sends counted as the provider receives them."""
    with tenant_session(tenant_id) as s:
        s.execute(update(Customer).where(Customer.tenant_id == tenant_id, Customer.id % 50 == 0).values(vip=True))
        segment = segments.save_segment(s, actor=actor, name="Ritmo", criteria={"vip": True, "tag": "volta"})
    analyze()
    with tenant_session(tenant_id) as s:
        campaign_id = campaigns.save_draft(
            s, actor=actor, name="Ritmo", template="Oi {nome}!", segment_id=segment.id, channel_id=channel_id, rate_per_minute=rate
        ).id
        # No quiet hours for the shop: the benchmark runs at any time of day.
        from auzap_console.services import reminders

        reminders.save_settings(s, actor=actor, enabled=True, offsets_hours=[24], quiet_start="00:00", quiet_end="00:00")
        campaigns.schedule(s, actor=actor, campaign_id=campaign_id)
    env = {**os.environ}
    worker = subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker is up
        evo.sent.clear()
        t0 = time.time()
        started = time.perf_counter()
        counts = send_due_campaigns(only_tenant=tenant_id)
        written = time.perf_counter() - started
        time.sleep(70)
        stamps = [m["_at"] - t0 for m in evo.sent if "_at" in m]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    in_minute = [x for x in stamps if x < 61]
    buckets = [sum(1 for x in in_minute if i * 10 <= x < (i + 1) * 10) for i in range(6)]
    sent = counts.get("sent", 0)
    print(f"minute    {sent} messages written in {written * 1000:.0f} ms ({sent / written:.0f} msg/s possible)")
    print(f"pacing    configured {rate}/min, achieved {len(in_minute)} in the first 60 s ({len(in_minute) / rate:.2f}× configured)")
    print(f"spread    sends per 10 s: {buckets} (even share {rate / 6:.0f}; max/even {max(buckets) / (rate / 6):.2f})")


if __name__ == "__main__":
    main()
