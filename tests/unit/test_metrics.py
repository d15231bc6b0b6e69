"""/metrics adds up every process: web backend workers, `auzap worker`s and their work horses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
from starlette.testclient import TestClient

from auzap_console import metrics
from auzap_console.channels.webhooks import webhook_app
from auzap_console.settings import PROJECT_ROOT

REDIS_PORT = 6391


def bump(provider: str) -> None:
    """A job (run by the worker test's work horses): count one webhook."""
    metrics.WEBHOOKS.labels(provider, "ok").inc()


def _python(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", *args], cwd=PROJECT_ROOT, env={**os.environ, **env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _count(provider: str) -> float:
    text = TestClient(webhook_app()).get("/metrics").text
    found = re.search(rf'auzap_webhooks_total{{provider="{provider}",result="ok"}} (\S+)', text)
    return float(found.group(1)) if found else 0.0


COUNT = "import os, sys; from auzap_console.metrics import WEBHOOKS; WEBHOOKS.labels(sys.argv[1], 'ok').inc(float(sys.argv[2]));"


def test_one_scrape_sums_the_counters_of_several_processes():
    provider = f"mp-{uuid.uuid4().hex[:8]}"
    subprocess.run([sys.executable, "-c", COUNT, provider, "2"], cwd=PROJECT_ROOT, timeout=60, check=True)  # exits normally
    killed = _python(COUNT + " print(os.getpid(), flush=True); input()", provider, "3")
    pid = int(killed.stdout.readline())
    metrics.WEBHOOKS.labels(provider, "ok").inc()  # and this (web) process
    assert _count(provider) == 6.0
    killed.kill()
    killed.wait(10)
    assert _count(provider) == 6.0 and (metrics.MULTIPROC_DIR / f"counter_{pid}.db").exists()
    metrics.process_exited(pid)  # what a parent does for a dead child: same sum, no file left
    assert _count(provider) == 6.0 and not (metrics.MULTIPROC_DIR / f"counter_{pid}.db").exists()


def test_the_first_process_cleans_the_directory_others_keep_it(tmp_path):
    stale = tmp_path / "counter_999999.db"
    stale.touch()
    first = _python("import auzap_console.metrics; print('ready', flush=True); input()", PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    assert first.stdout.readline().strip() == "ready"
    assert not stale.exists()  # an earlier run's values are not summed into this one
    stale.touch()
    second = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import auzap_console.metrics"], cwd=PROJECT_ROOT, env=second, check=True, timeout=60)
    assert stale.exists()  # `first` is alive: its directory is left alone
    first.communicate("\n", timeout=60)


@pytest.fixture
def redis_url():
    """A Redis of this test's own (never the shared one), stopped afterwards."""
    from redis import Redis

    server = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--save", ""], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    try:
        for _ in range(100):
            try:
                Redis.from_url(url).ping()
                break
            except Exception:
                time.sleep(0.05)
        yield url
    finally:
        server.kill()
        server.wait(10)


def test_worker_jobs_show_in_the_web_scrape(redis_url):
    from redis import Redis
    from rq import Queue

    provider = f"rq-{uuid.uuid4().hex[:8]}"
    queue = Queue("default", connection=Redis.from_url(redis_url))
    for _ in range(3):
        queue.enqueue(bump, provider)
    done = subprocess.run(
        [sys.executable, "-m", "auzap_console.cli", "worker", "--burst"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _count(provider) == 3.0  # counted in three work horses, read by this (web) process
    leftovers = {p.name for p in metrics.MULTIPROC_DIR.glob("counter_*.db")} - {"counter_archive.db", f"counter_{os.getpid()}.db"}
    assert leftovers == set()  # horses and the worker were folded into the archive
