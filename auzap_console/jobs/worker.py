"""`auzap worker`: real RQ workers (with the scheduler) for the `high`, `default` and `low` queues."""

from __future__ import annotations

import logging
import multiprocessing

from rq import Worker

from auzap_console import metrics
from auzap_console.jobs.queues import QUEUES, redis_connection
from auzap_console.settings import check_secret_key


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
    """Load plugins and configure mappers once, before forking work horses."""
    from sqlalchemy.orm import configure_mappers

    import auzap_console.models  # noqa: F401
    from auzap_console.plugin.manager import load_plugins

    load_plugins()
    configure_mappers()


def run_worker(*, burst: bool = False, with_scheduler: bool = True, name: str | None = None) -> bool:
    """Run one RQ worker in this process until stopped (or until the queues are empty with `burst`)."""
    check_secret_key()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _prepare()
    worker = MetricsWorker(list(QUEUES), connection=redis_connection(), name=name)
    return worker.work(burst=burst, with_scheduler=with_scheduler)


def run_workers(processes: int = 1, *, burst: bool = False) -> None:
    """Run `processes` workers side by side (each a separate OS process)."""
    check_secret_key()
    if processes <= 1:
        run_worker(burst=burst)
        return
    procs = [multiprocessing.Process(target=run_worker, kwargs={"burst": burst, "with_scheduler": i == 0}) for i in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        metrics.process_exited(p.pid)  # children end with os._exit (no atexit), or were killed
