"""Prometheus metrics, summed over every process (prometheus_client's multiprocess mode).

Web backend workers, `auzap worker`s and their work horses each write their values to files in
PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The directory is emptied by the first process
that starts while no other uses it (files of an earlier run would be summed too); every process
holds a shared lock on it while alive. RQ forks a work horse per job, so an exited process's
counters are folded into one archive file (`process_exited`, by the parent for a horse, at exit
for any other process) instead of leaving files behind.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from auzap_console.settings import PROJECT_ROOT, get_settings

SUMMED_KINDS = ("counter", "histogram", "summary")  # what can be folded by adding (no gauges here)
_holder = None  # the open lock file: our shared lock on the directory lives as long as the process


def _prepare_directory() -> Path:
    """Choose and create the directory, export it for prometheus_client and child processes, clean it if first."""
    global _holder
    path = Path(get_settings().prometheus_multiproc_dir or PROJECT_ROOT / "data" / "prometheus")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / f"auzap-prometheus-{os.getuid()}"
        path.mkdir(exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    _holder = open(path / ".lock", "a")  # noqa: SIM115  (kept open for the life of the process)
    try:
        fcntl.flock(_holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for stale in path.glob("*.db"):
            stale.unlink()
    except BlockingIOError:
        pass  # other live processes use it: keep their files
    fcntl.flock(_holder, fcntl.LOCK_SH)
    return path


MULTIPROC_DIR = _prepare_directory()  # before prometheus_client is imported: it picks its mode then

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess, values  # noqa: E402
from prometheus_client.mmap_dict import MmapedDict  # noqa: E402

values.ValueClass = values.get_value_class()  # in case prometheus_client was imported before the directory was set

__all__ = ["CONTENT_TYPE_LATEST", "JOB_LATENCY", "MESSAGES", "MODEL_LATENCY", "MODEL_TOKENS", "WEBHOOKS", "process_exited", "scrape"]

WEBHOOKS = Counter("auzap_webhooks_total", "Webhook deliveries by provider and result", ["provider", "result"])
MESSAGES = Counter("auzap_messages_total", "Messages processed by direction and outcome", ["direction", "outcome"])
JOB_LATENCY = Histogram("auzap_job_seconds", "Job run time", ["job"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120))
MODEL_LATENCY = Histogram("auzap_model_seconds", "Model call latency", ["engine"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60))
MODEL_TOKENS = Counter("auzap_model_tokens_total", "Model tokens", ["engine", "kind"])


@contextmanager
def _archive_lock(mode: int) -> Iterator[None]:
    """Shared while scraping, exclusive while folding: a scrape never sees a file vanish mid-read."""
    with open(MULTIPROC_DIR / ".archive.lock", "a") as f:
        fcntl.flock(f, mode)
        yield


def scrape() -> bytes:
    """The Prometheus text for all processes together."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(MULTIPROC_DIR))
    with _archive_lock(fcntl.LOCK_SH):
        return generate_latest(registry)


def process_exited(pid: int) -> None:
    """Bookkeeping for a process that will write no more: fold its counters into the archive, drop its files."""
    multiprocess.mark_process_dead(pid, str(MULTIPROC_DIR))
    with _archive_lock(fcntl.LOCK_EX):
        for kind in SUMMED_KINDS:
            dead = MULTIPROC_DIR / f"{kind}_{pid}.db"
            if not dead.exists():
                continue
            archive = MmapedDict(str(MULTIPROC_DIR / f"{kind}_archive.db"))
            try:
                for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(dead)):
                    archive.write_value(key, archive.read_value(key)[0] + value, timestamp)
            finally:
                archive.close()
            dead.unlink()


atexit.register(lambda: process_exited(os.getpid()))  # pid read at exit: a forked child folds its own files
