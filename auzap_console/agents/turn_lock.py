"""One agent turn at a time per conversation, without a database lock held over model calls.

With REDIS_URL (workers in several processes) the lock is a Redis lock with a TTL, so a
crashed worker's lock expires by itself; in local mode (one process) it is an in-process
lock per conversation. The lock only orders turns: the final write of a turn still checks
that its inbound messages are pending, so a turn that outlives its lock never replies twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from auzap_console.settings import get_settings

log = logging.getLogger("auzap.agents")

# Seconds. The longest turn: runtime.TURN_SECONDS (90) plus one last model call with its SDK
# retries (30 s × 3). A worker killed mid-turn blocks its conversation at most this long.
LOCK_TTL = 180
# How long a turn waits for the previous one; waiting plus a turn fits the RQ job timeout (300 s).
WAIT_SECONDS = 110


class TurnBusy(RuntimeError):
    """Another turn of this conversation held the lock for too long; the job retries later."""


@lru_cache
def _redis(url: str):
    from redis import Redis

    return Redis.from_url(url)


class _LocalLocks:
    """A lock per key, forgotten when nobody holds or waits for it (so the map stays small)."""

    def __init__(self):
        self.guard = threading.Lock()
        self.locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str, wait: float) -> Iterator[None]:
        with self.guard:
            lock, users = self.locks.get(key, (threading.Lock(), 0))
            self.locks[key] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=wait):
                raise TurnBusy(key)
            try:
                yield
            finally:
                lock.release()
        finally:
            with self.guard:
                lock, users = self.locks[key]
                if users == 1:
                    del self.locks[key]
                else:
                    self.locks[key] = (lock, users - 1)


_local = _LocalLocks()


@contextmanager
def conversation_lock(tenant_id: int, conversation_id: int, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the turn lock of one conversation; raises TurnBusy after `wait` seconds."""
    key = f"auzap:turn:{tenant_id}:{conversation_id}"
    url = get_settings().redis_url
    if not url:
        with _local.hold(key, wait):
            yield
        return
    from redis.exceptions import LockError

    lock = _redis(url).lock(key, timeout=LOCK_TTL, blocking_timeout=wait)
    if not lock.acquire():
        raise TurnBusy(key)
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:  # expired (the turn outlived LOCK_TTL) and maybe taken by the next turn
            log.warning("turn lock %s expired before the turn ended", key)
