"""`auzap worker`: real RQ workers for every queue, plus one RQ cron process for periodic jobs."""

from __future__ import annotations

import logging
import multiprocessing
import time

from rq import Worker

from auzap_console import metrics
from auzap_console.jobs.queues import HIGH, MONITOR_INTERVAL, QUEUES, redis_connection
from auzap_console.settings import check_secret_key

log = logging.getLogger("auzap.worker")
MAINTENANCE_INTERVAL = 30  # RQ's registry clean-up (default 10 min): stuck jobs come back sooner


class MetricsWorker(Worker):
    """An RQ worker that folds each work horse's metrics into the shared archive once it exits (one horse per job)."""

    def monitor_work_horse(self, job, queue, execution):
        """Wait for the horse as RQ does, then do its metrics bookkeeping (even when it was killed)."""
        horse = self.horse_pid
        try:
            return super().monitor_work_horse(job, queue, execution)
        finally:
            if horse:
                metrics.process_exited(horse)


def _prepare() -> None:
    """Load plugins, the job modules and the model SDK once, before forking work horses.

    RQ forks a work horse per job: whatever the parent has not imported, every job imports again
    (the agent runtime and the `openai` SDK cost ≈ 0.9 s of CPU — more than a whole turn's work).
    """
    import importlib

    from sqlalchemy.orm import configure_mappers

    import auzap_console.models  # noqa: F401
    from auzap_console.plugin.manager import load_plugins, registry

    check_secret_key()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    load_plugins()
    registry()  # every plugin's contributions validated once
    configure_mappers()
    for module in PRELOAD:
        importlib.import_module(module)


PRELOAD = (
    "openai",
    "auzap_console.agents.runtime",
    "auzap_console.agents.model",
    "auzap_console.jobs.inbound",
    "auzap_console.jobs.agent",
    "auzap_console.jobs.outbound",
    "auzap_console.jobs.media",
    "auzap_console.jobs.outbox",
)


def run_worker(*, burst: bool = False, with_scheduler: bool = True, name: str | None = None) -> bool:
    """Run one RQ worker in this process until stopped (or until the queues are empty with `burst`)."""
    _prepare()
    worker = MetricsWorker(
        list(QUEUES),
        connection=redis_connection(),
        name=name,
        job_monitoring_interval=MONITOR_INTERVAL,  # heartbeats: `queues.reap_abandoned` spots a dead worker's job
        maintenance_interval=MAINTENANCE_INTERVAL,
    )
    return worker.work(burst=burst, with_scheduler=with_scheduler)


def run_cron() -> None:
    """Enqueue the periodic jobs: the outbox sweep and every plugin schedule (RQ's cron); survives Redis outages by starting over."""
    from rq.cron import CronScheduler

    from auzap_console.jobs import outbox, schedules

    _prepare()
    while True:
        try:
            scheduler = CronScheduler(connection=redis_connection())
            scheduler.register(outbox.sweep, HIGH, interval=outbox.INTERVAL_SECONDS, job_timeout=120, result_ttl=600)
            log.info("plugin schedules: %s", ", ".join(schedules.register_on(scheduler)) or "none")
            scheduler.start()  # returns on SIGTERM/SIGINT
            return
        except Exception:
            log.exception("cron scheduler stopped; restarting in 5 s")
            time.sleep(5)


def run_workers(processes: int = 1, *, burst: bool = False) -> None:
    """Run `processes` workers side by side (each a separate OS process) and, unless `burst`, the cron."""
    check_secret_key()
    procs = [multiprocessing.Process(target=run_worker, kwargs={"burst": burst, "with_scheduler": i == 0}) for i in range(processes)]
    if not burst:
        procs.append(multiprocessing.Process(target=run_cron, name="auzap-cron"))
    if len(procs) == 1:
        run_worker(burst=burst)
        return
    for p in procs:
        p.start()
    for p in procs:
        p.join()
