"""Live updates: "shop T's conversations changed" travels from whoever committed it to the open inboxes.

A commit that adds or changes a message or a conversation publishes the shop's id
(`db.tenant_session` calls `publish` after the commit). With `REDIS_URL` it goes out on the Redis
pub/sub channel `auzap:live`, so a reply written by any worker reaches the inboxes open on every
backend process; without Redis (local mode: jobs run inside the console) it stays in this process.
Each backend process holds ONE subscription and wakes the waiting inbox tabs of that shop
(`changed`), instead of every tab querying the database every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import lru_cache

from auzap_console.settings import get_settings

log = logging.getLogger("auzap.live")
CHANNEL = "auzap:live"
SAFETY_NET_SECONDS = 60  # with Redis every process hears every commit: a slow refresh only for what none announced
LOCAL_SAFETY_NET_SECONDS = 3  # local mode: a webhook may land in another web worker process, which this one cannot hear


def safety_net_seconds() -> int:
    """How often an open inbox refreshes even when nothing was announced to this process."""
    return SAFETY_NET_SECONDS if get_settings().redis_url else LOCAL_SAFETY_NET_SECONDS


def touched(session, flush_context) -> None:
    """SQLAlchemy `after_flush`: remember the shops whose messages or conversations this transaction wrote."""
    from auzap_console.models import Conversation, Message

    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Message | Conversation) and obj.tenant_id:
            session.info.setdefault("live", set()).add(obj.tenant_id)


def publish(tenant_ids: set[int]) -> None:
    """Tell every open inbox of these shops that something changed (after the commit; never raises)."""
    if not tenant_ids:
        return
    if get_settings().redis_url:
        try:
            _redis(get_settings().redis_url).publish(CHANNEL, ",".join(str(t) for t in sorted(tenant_ids)))
        except Exception as exc:  # the inboxes' slow refresh still comes
            log.warning("live update not published: %s", exc)
    else:
        _listener.wake_threadsafe(tenant_ids)


@lru_cache
def _redis(url: str):
    """A Redis client with short timeouts: the publish runs right after every commit and must never hold it up.

    Like `jobs.queues.redis_connection`, which this module cannot import (jobs → db → live).
    """
    from redis import Redis

    return Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


class _Listener:
    """The process's waiting tabs by shop, woken by this process's commits or by the Redis subscription."""

    def __init__(self) -> None:
        self.waiters: dict[int, set[asyncio.Event]] = {}
        self.versions: dict[int, int] = {}  # changes heard per shop: a tab busy refreshing misses no wake-up
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task | None = None

    def wake(self, tenant_ids) -> None:
        for tenant_id in tenant_ids:
            self.versions[tenant_id] = self.versions.get(tenant_id, 0) + 1
            for event in self.waiters.get(tenant_id, ()):
                event.set()

    def wake_threadsafe(self, tenant_ids: set[int]) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.wake, set(tenant_ids))

    def ensure_started(self) -> None:
        """Bind to the running loop; with Redis, start the one subscription of this process."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self.loop, self.task = loop, None
        if get_settings().redis_url and (self.task is None or self.task.done()):
            self.task = loop.create_task(self._subscribe(get_settings().redis_url))

    async def _subscribe(self, url: str) -> None:
        from redis.asyncio import Redis

        while True:
            try:
                client = Redis.from_url(url)
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"].decode() if isinstance(message["data"], bytes) else message["data"]
                            self.wake(int(t) for t in data.split(",") if t.isdigit())
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: tabs fall back to their slow refresh meanwhile
                log.warning("live updates paused (%s); retrying in 5 s", exc)
                await asyncio.sleep(5)

    async def changed(self, tenant_id: int, timeout: float, since: int | None = None) -> bool:
        """Wait until shop `tenant_id` changes (True) or `timeout` seconds pass (False).

        With `since` (a `version` read earlier), a change heard meanwhile counts at once.
        """
        self.ensure_started()
        if since is not None and self.versions.get(tenant_id, 0) != since:
            return True
        event = asyncio.Event()
        self.waiters.setdefault(tenant_id, set()).add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
            return event.is_set()
        finally:
            self.waiters[tenant_id].discard(event)
            if not self.waiters[tenant_id]:
                del self.waiters[tenant_id]


_listener = _Listener()


async def changed(tenant_id: int, timeout: float, since: int | None = None) -> bool:
    """Wait for a change to shop `tenant_id`'s conversations (True) or until `timeout` (False).

    Pass `since=version(tenant_id)` read before the last refresh: a change that arrived while the
    caller was busy is not lost.
    """
    return await _listener.changed(tenant_id, timeout, since)


def version(tenant_id: int) -> int:
    """How many changes of this shop this process has heard (compare with a later `changed(since=…)`)."""
    _listener.ensure_started()
    return _listener.versions.get(tenant_id, 0)
