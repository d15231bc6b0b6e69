"""The one place for job queues: names, connection, retry policy, timeouts, job ids.

With `REDIS_URL`, jobs go to RQ (`rq worker` processes run them; see `auzap worker`).
Without it, the same job functions run on an in-process queue with the same ids,
de-duplication and retries, so local mode behaves like production.
RQ is at-least-once: jobs must be idempotent (they are: see each job's docstring).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from auzap_console.settings import get_settings

log = logging.getLogger("auzap.jobs")

HIGH, DEFAULT, LOW = "high", "default", "low"
QUEUES = (HIGH, DEFAULT, LOW)  # worker priority order: chats, then the rest, then campaigns
JOB_TIMEOUT = 300  # seconds; an agent turn is bounded well inside it (runtime.TURN_SECONDS)
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600


def retry_intervals() -> list[int]:
    """Back-off between attempts, in seconds (configurable for tests)."""
    return [int(x) for x in get_settings().job_retry_intervals.split(",") if x.strip()]


def job_id(kind: str, *parts: object) -> str:
    """A stable RQ-safe id (`[A-Za-z0-9_-]`) from e.g. a provider message id."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"{kind}-{digest}"


@lru_cache
def redis_connection():
    """The Redis connection for RQ (only when REDIS_URL is set)."""
    from redis import Redis

    return Redis.from_url(get_settings().redis_url)


def rq_queue(name: str):
    """An RQ queue by name."""
    from rq import Queue

    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=redis_connection(), default_timeout=JOB_TIMEOUT)


def enqueue(func: Callable[..., Any], *args: Any, queue: str = DEFAULT, job_key: str | None = None, delay_ms: int = 0) -> str:
    """Enqueue `func(*args)` (call after the commit the job depends on); returns the job id.

    The same `job_key` enqueued twice runs once while the first is queued, running or kept.
    `delay_ms` schedules it for later without holding a worker (RQ's scheduler, or a timer).
    """
    if get_settings().redis_url:
        return _enqueue_rq(func, args, queue, job_key, delay_ms)
    return in_process().submit(func, args, job_key, delay_ms)


def _enqueue_rq(func: Callable[..., Any], args: tuple, queue: str, job_key: str | None, delay_ms: int = 0) -> str:
    from rq import Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    q = rq_queue(queue)
    if job_key:
        try:
            existing = Job.fetch(job_key, connection=redis_connection())
            if existing.get_status(refresh=True) not in (None, "canceled"):
                return job_key
        except NoSuchJobError:
            pass
    intervals = retry_intervals()
    job = q.enqueue_call(
        func,
        args=args,
        job_id=job_key,
        timeout=JOB_TIMEOUT,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
    )
    return job.id


class InProcessQueue:
    """Local mode's worker: a small thread pool running jobs with RQ-like ids and retries."""

    def __init__(self, workers: int = 2):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="auzap-job")
        self.lock = threading.Lock()
        self.seen: dict[str, Future] = {}
        self.pending: set[Future] = set()

    def submit(self, func: Callable[..., Any], args: tuple, job_key: str | None, delay_ms: int = 0) -> str:
        """Run `func(*args)` soon (or after `delay_ms`); a known `job_key` is not run again."""
        key = job_key or job_id(func.__name__, time.time_ns(), *args)
        with self.lock:
            if key in self.seen:
                return key
            delay = delay_ms / 1000

            def delayed() -> Any:
                time.sleep(delay)  # on a pool thread: the caller (web handler or job) is not held
                return self._run(func, args, key)

            future = self.pool.submit(delayed if delay > 0 else self._run, *(() if delay > 0 else (func, args, key)))
            self.seen[key] = future
            self.pending.add(future)
            future.add_done_callback(self.pending.discard)
        return key

    @staticmethod
    def _run(func: Callable[..., Any], args: tuple, key: str) -> Any:
        intervals = retry_intervals()
        for attempt in range(len(intervals) + 1):
            try:
                return func(*args)
            except Exception:
                if attempt >= len(intervals):
                    log.exception("job %s failed for good after %d attempts", key, attempt + 1)
                    raise
                log.warning("job %s failed (attempt %d), retrying in %ss", key, attempt + 1, intervals[attempt], exc_info=True)
                time.sleep(intervals[attempt])
        return None

    def drain(self, timeout: float = 30) -> None:
        """Wait until every submitted job has finished (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                futures = list(self.pending)
            if not futures:
                return
            for future in futures:
                future.exception(timeout=max(0.1, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError("in-process jobs still running")


_in_process: InProcessQueue | None = None


def in_process() -> InProcessQueue:
    """The process-wide in-process queue."""
    global _in_process
    if _in_process is None:
        _in_process = InProcessQueue()
    return _in_process
