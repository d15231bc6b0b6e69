"""Periodic jobs that plugins declare with `register_schedules`.

`auzap worker` hands them to RQ's cron (one enqueue per due time, across every worker); in
local mode the console itself times them (`LocalCron`, checked by its periodic task). A
schedule runs once for the whole installation, not per shop: the job walks the shops it
concerns and honours each shop's plugin switch itself.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from croniter import croniter

from auzap_console.plugin import manager
from auzap_console.plugin.manager import resolve_function
from auzap_console.plugin.types import ScheduleSpec

log = logging.getLogger("auzap.jobs")
JOB_TIMEOUT = 300


def register_on(scheduler: Any) -> list[str]:
    """Register every installed plugin's schedule on an RQ `CronScheduler`; returns their names."""
    names = []
    for spec in manager.schedules().values():
        scheduler.register(resolve_function(spec.function), spec.queue, cron=spec.cron, job_timeout=JOB_TIMEOUT, name=spec.name)
        names.append(spec.name)
    return names


class LocalCron:
    """When each schedule is next due, for local mode (no RQ cron there)."""

    def __init__(self, now: datetime, specs: dict[str, ScheduleSpec] | None = None):
        self.specs = manager.schedules() if specs is None else specs
        self.next_at = {name: croniter(spec.cron, now).get_next(datetime) for name, spec in self.specs.items()}

    def due(self, now: datetime) -> list[ScheduleSpec]:
        """The schedules due at `now` (each at most once per call), moving each one's next time on."""
        ready = []
        for name, spec in self.specs.items():
            if now >= self.next_at[name]:
                ready.append(spec)
                self.next_at[name] = croniter(spec.cron, now).get_next(datetime)
        return ready

    def run_due(self, now: datetime) -> list[str]:
        """Run what is due, one after the other; a failing job is logged and the others still run."""
        ran = []
        for spec in self.due(now):
            try:
                resolve_function(spec.function)()
                ran.append(spec.name)
            except Exception:
                log.exception("scheduled job %s failed", spec.name)
        return ran
