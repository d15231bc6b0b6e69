"""Integration tests run on the real PostgreSQL server, as the non-owner app role."""

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres(use_postgres):
    return use_postgres


@pytest.fixture
def redis_jobs(monkeypatch):
    """Call with a Redis database number: the job queues use it, flushed before and after the test."""
    from redis import Redis

    from auzap_console.jobs import queues
    from auzap_console.settings import get_settings

    def use(db: int, retry_intervals: str | None = None) -> Redis:
        url = f"redis://127.0.0.1:6379/{db}"
        conn = Redis.from_url(url)
        conn.flushdb()
        monkeypatch.setenv("REDIS_URL", url)
        if retry_intervals is not None:
            monkeypatch.setenv("JOB_RETRY_INTERVALS", retry_intervals)
        get_settings.cache_clear()
        queues.redis_connection.cache_clear()
        used.append(conn)
        return conn

    used: list = []
    yield use
    for conn in used:
        conn.flushdb()
    monkeypatch.undo()
    get_settings.cache_clear()
    queues.redis_connection.cache_clear()
