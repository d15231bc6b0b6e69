"""Unit tests run on the embedded SQLite database."""

import pytest


@pytest.fixture(autouse=True)
def _sqlite(use_sqlite):
    return use_sqlite


@pytest.fixture
def local_jobs(request, monkeypatch):
    """Jobs on the in-process queue (no REDIS_URL), retried without waiting, drained after the test.

    A test module may set `JOB_RETRY_INTERVALS = "0"` to change how many retries there are.
    """
    from auzap_console.jobs import queues
    from auzap_console.settings import get_settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("JOB_RETRY_INTERVALS", getattr(request.module, "JOB_RETRY_INTERVALS", "0,0"))
    get_settings.cache_clear()
    yield queues.in_process()
    queues.in_process().drain()
    monkeypatch.undo()
    get_settings.cache_clear()
