"""Work to start once a transaction has committed, without services importing the job layer.

A service says what must happen after its commit (`after_commit(session, "send", tenant_id,
message_id)`); the job layer's function for each kind is named here by path and imported when
first needed (so no import order matters); `db.tenant_session` runs the list after a
successful commit. If nothing runs it (no handler,
Redis down), the outbox sweep still finds the pending message: this is the fast path only.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("auzap.dispatch")
PATHS = {"answer": "auzap_console.jobs.agent:enqueue_answer", "send": "auzap_console.jobs.outbound:enqueue_send"}
_handlers: dict[str, Callable[..., Any]] = {}


def register(kind: str, handler: Callable[..., Any]) -> None:
    """Who does `kind` work, when it is not one of PATHS (plugins, tests)."""
    _handlers[kind] = handler


def after_commit(session, kind: str, *args: Any, **kwargs: Any) -> None:
    """Queue `kind(*args, **kwargs)` to run after `session` commits (dropped on rollback)."""
    session.info.setdefault("after_commit", []).append((kind, args, kwargs))


def run(session) -> None:
    """Run what the committed transaction asked for; a failure is logged (the outbox sweep recovers)."""
    for kind, args, kwargs in session.info.pop("after_commit", []):
        handler = _handlers.get(kind) or _load(kind)
        if handler is None:
            log.warning("no handler for %s work; the outbox sweep will pick it up", kind)
            continue
        try:
            handler(*args, **kwargs)
        except Exception:
            log.exception("%s work could not start; the outbox sweep will pick it up", kind)


def _load(kind: str) -> Callable[..., Any] | None:
    if kind not in PATHS:
        return None
    module, name = PATHS[kind].split(":")
    _handlers[kind] = getattr(importlib.import_module(module), name)
    return _handlers[kind]
