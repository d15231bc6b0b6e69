"""Periodic housekeeping jobs (queue `low`), run by RQ's cron."""

from __future__ import annotations

import logging

from auzap_console.services import partitions
from auzap_console.services.throttle import prune_login_attempts

log = logging.getLogger("auzap.maintenance")


def prune_login_attempts_job() -> int:
    """Delete old login and sign-up tries (they hold e-mails and IPs); returns how many went."""
    removed = prune_login_attempts()
    log.info("pruned %s old login attempts", removed)
    return removed


def create_message_partitions_job() -> int:
    """Create the coming months' partitions of `messages` (PostgreSQL), so none is ever missing."""
    made = partitions.create_ahead()
    if made:
        log.info("created %s monthly partitions of messages", made)
    return made
