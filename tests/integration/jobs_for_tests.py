"""Job functions the test workers import by path."""

from __future__ import annotations

import os

from redis import Redis


def flaky(key: str) -> str:
    """Fail on the first attempt, succeed on the second (counts attempts in Redis)."""
    attempts = Redis.from_url(os.environ["REDIS_URL"]).incr(key)
    if attempts < 2:
        raise RuntimeError("first attempt fails on purpose")
    return f"ok after {attempts}"
