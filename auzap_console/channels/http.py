"""One HTTP client per process for the providers' APIs, shared by every thread of a worker.

`httpx.post()` builds a new client for each call: an SSL context loaded from the CA bundle and
a new connection every time, which costs more CPU than the rest of a send. This client keeps its
connections alive between sends. It is thread-safe; a forked worker process gets its own (a
connection pool must never cross a fork).
"""

from __future__ import annotations

import os
import threading

import httpx

_lock = threading.Lock()
_client: httpx.Client | None = None
_pid = 0


def client() -> httpx.Client:
    """This process's shared client (each call still passes its own headers and timeout)."""
    global _client, _pid
    if _client is None or _pid != os.getpid():
        with _lock:
            if _client is None or _pid != os.getpid():
                _client = httpx.Client(limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
                _pid = os.getpid()
    return _client
