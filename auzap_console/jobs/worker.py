"""`auzap worker`: real RQ workers for every queue, plus one RQ cron process for periodic jobs.

Two shapes of the same RQ worker: with `--threads 1` each process is an RQ `Worker` that forks a
work horse per job (a crash or a leak dies with the horse); with `--threads N` each process runs N
RQ `SimpleWorker`s in threads (`ThreadWorker`). A turn spends most of its time waiting for the
model, holding no database connection (`agents.runtime`): a thread per turn in flight costs a
few MB, a forked horse per turn costs a process, its start-up and its share of two cores.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time

from rq import SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.timeouts import TimerDeathPenalty
from rq.worker import WorkerStatus

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


class ThreadWorker(SimpleWorker):
    """An RQ SimpleWorker meant to run beside others in threads of one process (see `run_worker_threads`).

    Job time-outs use RQ's timer death penalty (signals reach only the main thread), the process's
    main thread owns SIGTERM/SIGINT, and `beat` heartbeats the running job every MONITOR_INTERVAL
    like a forking worker's monitor does, so `queues.reap_abandoned` tells a busy thread from a dead one.
    """

    death_penalty_class = TimerDeathPenalty
    get_heartbeat_ttl = Worker.get_heartbeat_ttl  # a heartbeat's registration lasts MONITOR_INTERVAL + 60 s, not the job timeout

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.running = None  # (job, execution) while a job runs, for `beat`
        self.running_lock = threading.Lock()

    def _install_signal_handlers(self):
        """Signals belong to the main thread (`run_worker_threads` asks each worker to stop)."""

    def execute_job(self, job, queue):
        """Run the job in this thread, visible to `beat` while it runs."""
        execution = self.prepare_execution(job)
        with self.running_lock:
            self.running = (job, execution)
        try:
            self.perform_job(job, queue, execution)
        finally:
            with self.running_lock:
                self.running = None
        self.set_state(WorkerStatus.IDLE)

    def beat(self) -> None:
        """Heartbeat the worker and its running job (called from the process's heartbeat thread)."""
        with self.running_lock:
            if self.running is None:
                return
            job, execution = self.running
            if job.started_at is None:
                return
            self.maintain_heartbeats(job, execution)

    def stop_soon(self) -> None:
        """Warm stop: finish the running job, take no other."""
        self._stop_requested = True


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


def run_worker_threads(threads: int, *, burst: bool = False, with_scheduler: bool = True) -> None:
    """Run `threads` RQ workers in threads of this process until SIGTERM/SIGINT (or empty queues with `burst`).

    The first signal is a warm stop: running jobs finish, then the process leaves (idle threads
    waiting on Redis hold no job: RQ's intermediate queue gives back one popped in that instant).
    """
    _prepare()
    connection = redis_connection()
    workers = [
        ThreadWorker(
            list(QUEUES),
            connection=connection,
            job_monitoring_interval=MONITOR_INTERVAL,
            maintenance_interval=MAINTENANCE_INTERVAL if i == 0 else 24 * 3600,  # one registry clean-up per process, not per thread
        )
        for i in range(threads)
    ]
    stopping = threading.Event()

    def stop(signum, frame):
        log.info("warm stop: %d thread workers finish their jobs", threads)
        stopping.set()
        for worker in workers:
            worker.stop_soon()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runners = [
        threading.Thread(target=w.work, kwargs={"burst": burst, "with_scheduler": with_scheduler and i == 0}, name=f"rq-{i}", daemon=True)
        for i, w in enumerate(workers)
    ]
    for runner in runners:
        runner.start()
    while any(r.is_alive() for r in runners):
        if stopping.is_set() and not any(w.running for w in workers):
            break
        for worker in workers:
            try:
                worker.beat()
            except Exception:
                log.exception("heartbeat failed")
        stopping.wait(MONITOR_INTERVAL if not stopping.is_set() else 0.2)
    for worker, runner in zip(workers, runners, strict=True):
        if runner.is_alive() and worker.running is None:  # still waiting on Redis (one that left tore itself down)
            try:
                worker.teardown()  # registered as gone now, not when its key expires
            except Exception:
                log.exception("worker %s teardown", worker.name)


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
        except StopRequested:
            return  # a second stop signal (the group's and the parent's) arrived while it was shutting down
        except Exception:
            log.exception("cron scheduler stopped; restarting in 5 s")
            time.sleep(5)


def run_workers(processes: int = 1, *, threads: int = 1, burst: bool = False, cron: bool = True) -> None:
    """Run `processes` worker processes side by side (each with `threads` thread workers when > 1).

    The cron runs beside them unless `burst` or `cron=False` (then `auzap cron` runs once elsewhere).
    """
    check_secret_key()
    target = run_worker if threads <= 1 else run_worker_threads
    extra = {} if threads <= 1 else {"threads": threads}
    procs = [multiprocessing.Process(target=target, kwargs={"burst": burst, "with_scheduler": i == 0, **extra}) for i in range(processes)]
    if cron and not burst:
        procs.append(multiprocessing.Process(target=run_cron, name="auzap-cron"))
    if len(procs) == 1:
        target(burst=burst, **extra)
        return
    for p in procs:
        p.start()

    def pass_on(signum, frame):
        """A stop for the parent (docker and systemd signal only it) is a stop for every child."""
        for p in procs:
            if p.is_alive() and p.pid:
                os.kill(p.pid, signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    for p in procs:
        p.join()
