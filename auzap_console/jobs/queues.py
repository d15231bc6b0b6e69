"""The one place for job queues: names, connection, retry policy, timeouts, job ids.

With `REDIS_URL`, jobs go to RQ (`rq worker` processes run them; see `auzap worker`).
Without it, the same job functions run on an in-process queue with the same ids,
de-duplication and retries, so local mode behaves like production.
RQ is at-least-once: jobs must be idempotent (they are: see each job's docstring).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache
from typing import Any

from auzap_console.settings import get_settings

log = logging.getLogger("auzap.jobs")

SEND, HIGH, DEFAULT, LOW = "send", "high", "default", "low"
# Worker priority order: replies already written go out first, then chats, the rest, campaigns.
QUEUES = (SEND, HIGH, DEFAULT, LOW)
JOB_TIMEOUT = 300  # seconds; an agent turn is bounded well inside it (runtime.TURN_SECONDS)
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600
# Workers heartbeat a running job every MONITOR_INTERVAL s; RQ keeps it registered for
# MONITOR_INTERVAL + 60 s past each beat. A job silent for STALE_AFTER s lost its worker.
MONITOR_INTERVAL = 10
STALE_AFTER = 25
POPPED_GRACE_SECONDS = 2.0  # a worker marks a popped job started within this (see `_started_meanwhile`)
ACTIVE, FAILED, MISSING = "active", "failed", "missing"
HERE_PREFIX = "auzap:doing-here:"  # + job key: that job's work is being done inside another job (`doing_here`)
_attempt = threading.local()


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


def enqueue(
    func: Callable[..., Any], *args: Any, queue: str = DEFAULT, job_key: str | None = None, delay_ms: int = 0, revive: bool = False
) -> str:
    """Enqueue `func(*args)` (call after the commit the job depends on); returns the job id.

    The same `job_key` enqueued twice runs once while the first is queued, running or kept.
    `revive` also runs it again when its earlier job was lost or finished (see `job_state`),
    in one lookup. `delay_ms` schedules it for later without holding a worker (RQ's
    scheduler, or a timer).
    """
    if get_settings().redis_url:
        return _enqueue_rq(func, args, queue, job_key, delay_ms, revive)
    if revive and job_key:
        in_process().state(job_key)  # forgets a finished key, so submit runs it again
    return in_process().submit(func, args, job_key, delay_ms)


def enqueue_fresh(func: Callable[..., Any], calls: list[tuple[tuple, str]], queue: str = DEFAULT) -> None:
    """Enqueue many jobs whose keys were never used (e.g. new rows' ids) in one Redis round trip.

    No lookup of earlier jobs is needed for fresh keys; on RQ this is `Queue.enqueue_many` in one
    pipeline (the webhook's hot path), in local mode the in-process queue.
    """
    if not calls:
        return
    if not get_settings().redis_url:
        for args, key in calls:
            in_process().submit(func, args, key, 0)
        return
    from rq import Queue, Retry

    intervals = retry_intervals()
    retry = Retry(max=len(intervals), interval=intervals) if intervals else None
    data = [
        Queue.prepare_data(func, args=args, job_id=key, timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, retry=retry)
        for args, key in calls
    ]
    q = rq_queue(queue)
    with redis_connection().pipeline() as pipe:
        q.enqueue_many(data, pipeline=pipe)
        pipe.execute()


def _enqueue_rq(func: Callable[..., Any], args: tuple, queue: str, job_key: str | None, delay_ms: int, revive: bool) -> str:
    from rq import Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    q = rq_queue(queue)
    if job_key and revive:
        if job_state(job_key) != MISSING:
            return job_key
    elif job_key:
        try:
            existing = Job.fetch(job_key, connection=redis_connection())
            if existing.get_status(refresh=True) not in (None, "canceled"):
                return job_key
        except NoSuchJobError:
            pass
    intervals = retry_intervals()
    options = {
        "job_id": job_key,
        "job_timeout": JOB_TIMEOUT,
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
        "retry": Retry(max=len(intervals), interval=intervals) if intervals else None,
    }
    if delay_ms > 0:  # the typing delay: RQ's scheduler moves it to the queue when due
        return q.enqueue_in(timedelta(milliseconds=delay_ms), func, *args, **options).id
    timeout = options.pop("job_timeout")
    return q.enqueue_call(func, args=args, timeout=timeout, **options).id


@contextmanager
def doing_here(key: str, seconds: int) -> Iterator[bool]:
    """Do the work of job `key` inside the running job instead of enqueuing it; yields True when it is ours to do.

    While inside, `job_state(key)` is ACTIVE and `enqueue(..., job_key=key)` does nothing, so the
    outbox sweep never starts the same work beside it. The mark expires after `seconds`: if this
    worker is killed meanwhile, the sweep later finds the work MISSING and enqueues its job.
    Yields False when the key is already marked (its work is being done elsewhere).
    """
    if not get_settings().redis_url:
        with in_process().hold(key) as mine:
            yield mine
        return
    conn = redis_connection()
    token = f"{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"
    mine = bool(conn.set(HERE_PREFIX + key, token, nx=True, ex=seconds))
    try:
        yield mine
    finally:
        if mine:  # only our own mark: an expired one may be someone else's by now
            conn.eval(_DELETE_IF_OURS, 1, HERE_PREFIX + key, token)


_DELETE_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def is_final_attempt() -> bool:
    """True when the job running in this thread has no retry left (its failure is for good)."""
    if getattr(_attempt, "final", None) is not None:  # the in-process queue
        return _attempt.final
    from rq import get_current_job

    job = get_current_job()
    return job is None or not job.retries_left


def job_state(key: str) -> str:
    """ACTIVE (queued, running, scheduled), FAILED (no retry left) or MISSING (lost, finished or never enqueued).

    A MISSING job's leftover record is removed, so `enqueue` with the same key runs it again.
    The outbox sweep uses this to re-enqueue work whose job was lost.
    """
    if not get_settings().redis_url:
        return in_process().state(key)
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    conn = redis_connection()
    if conn.exists(HERE_PREFIX + key):
        return ACTIVE
    try:
        job = Job.fetch(key, connection=conn)
    except NoSuchJobError:
        return MISSING
    status = job.get_status(refresh=False)
    if status in (JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        return ACTIVE
    if status == JobStatus.FAILED:
        return FAILED
    if status == JobStatus.QUEUED:
        queue = rq_queue(job.origin)
        if conn.lpos(queue.key, key) is not None or _started_meanwhile(job):
            return ACTIVE
        conn.lrem(queue.intermediate_queue_key, 0, key)  # dequeued by a worker that died before starting it
    job.delete()
    return MISSING


def _started_meanwhile(job, seconds: float = POPPED_GRACE_SECONDS) -> bool:
    """True when a queued job missing from its list turns out to have been popped, not lost.

    Between a worker's BLPOP and its 'started' mark the job is in no list: look again for a moment
    before calling it lost (re-enqueued then, it would run twice).
    """
    from rq.job import JobStatus

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            if job.get_status(refresh=True) != JobStatus.QUEUED:
                return True
        except Exception:  # gone meanwhile: finished and cleaned up by whoever ran it
            return True
    return False


def discard(key: str) -> None:
    """Forget a finished or failed job's record, so `enqueue` with its key runs it again (a person's retry)."""
    if not get_settings().redis_url:
        with in_process().lock:
            future = in_process().seen.get(key)
            if future is not None and future.done():
                in_process().seen.pop(key, None)
        return
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(key, connection=redis_connection())
    except NoSuchJobError:
        return
    if job.get_status(refresh=False) in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        job.delete()


def reap_abandoned() -> int:
    """Hand RQ the running jobs whose worker stopped heartbeating STALE_AFTER s ago (RQ retries or fails them).

    RQ's own maintenance does this only once a job's registration expires and every
    maintenance interval (minutes); this makes a killed worker's job recover within a minute.
    """
    if not get_settings().redis_url:
        return 0
    cutoff = time.time() + (MONITOR_INTERVAL + 60) - STALE_AFTER
    count = 0
    for name in QUEUES:
        registry = rq_queue(name).started_job_registry
        count += len(registry.get_expired_job_ids(cutoff))
        registry.cleanup(timestamp=cutoff)
    return count


class InProcessQueue:
    """Local mode's worker: a small thread pool running jobs with RQ-like ids and retries."""

    def __init__(self, workers: int = 2):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="auzap-job")
        self.lock = threading.Lock()
        self.seen: dict[str, Future] = {}
        self.pending: set[Future] = set()
        self.timers: list[tuple[float, int, Callable[[], None]]] = []  # (due, order, start): delayed jobs
        self.timer_order = itertools.count()
        self.timer_wakeup = threading.Condition()
        self.timer_thread: threading.Thread | None = None

    def submit(self, func: Callable[..., Any], args: tuple, job_key: str | None, delay_ms: int = 0) -> str:
        """Run `func(*args)` soon (or after `delay_ms`); a known `job_key` is not run again."""
        key = job_key or job_id(func.__name__, time.time_ns(), *args)
        with self.lock:
            if key in self.seen:
                return key
            future = self._later(func, args, key, delay_ms / 1000) if delay_ms > 0 else self.pool.submit(self._run, func, args, key)
            self.seen[key] = future
            self.pending.add(future)
            future.add_done_callback(self.pending.discard)
        return key

    def _later(self, func: Callable[..., Any], args: tuple, key: str, delay: float) -> Future:
        """Hand the job to the pool when due; waiting holds no pool thread (one timer thread serves every delayed job)."""
        outer: Future = Future()

        def copy(done: Future) -> None:
            if done.exception() is not None:
                outer.set_exception(done.exception())
            else:
                outer.set_result(done.result())

        def fire() -> None:
            self.pool.submit(self._run, func, args, key).add_done_callback(copy)

        with self.timer_wakeup:
            heapq.heappush(self.timers, (time.monotonic() + delay, next(self.timer_order), fire))
            self.timer_wakeup.notify()
            if self.timer_thread is None:
                self.timer_thread = threading.Thread(target=self._fire_due, name="auzap-job-timer", daemon=True)
                self.timer_thread.start()
        return outer

    def _fire_due(self) -> None:
        while True:
            with self.timer_wakeup:
                while not self.timers or self.timers[0][0] > time.monotonic():
                    self.timer_wakeup.wait(self.timers[0][0] - time.monotonic() if self.timers else None)
                _, _, fire = heapq.heappop(self.timers)
            fire()

    def state(self, key: str) -> str:
        """Like `job_state`: ACTIVE, FAILED or MISSING (a finished or unknown key is forgotten)."""
        with self.lock:
            future = self.seen.get(key)
            if future is not None and not future.done():
                return ACTIVE
            if future is not None and future.exception() is not None:
                return FAILED
            self.seen.pop(key, None)
            return MISSING

    @contextmanager
    def hold(self, key: str) -> Iterator[bool]:
        """`doing_here` in local mode: the key counts as a running job until the block ends."""
        with self.lock:
            running = self.seen.get(key)
            mine = running is None or running.done()
            if mine:
                marker: Future = Future()
                self.seen[key] = marker
        try:
            yield mine
        finally:
            if mine:
                with self.lock:
                    if self.seen.get(key) is marker:
                        self.seen.pop(key)
                marker.set_result(None)

    @staticmethod
    def _run(func: Callable[..., Any], args: tuple, key: str) -> Any:
        intervals = retry_intervals()
        try:
            for attempt in range(len(intervals) + 1):
                _attempt.final = attempt >= len(intervals)
                try:
                    return func(*args)
                except Exception:
                    if _attempt.final:
                        log.exception("job %s failed for good after %d attempts", key, attempt + 1)
                        raise
                    log.warning("job %s failed (attempt %d), retrying in %ss", key, attempt + 1, intervals[attempt], exc_info=True)
                    time.sleep(intervals[attempt])
            return None
        finally:
            _attempt.final = None

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
