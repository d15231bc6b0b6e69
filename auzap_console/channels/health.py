"""`/health` (database, Redis, queues, channels) and `/metrics` (Prometheus)."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auzap_console.db import tenant_session
from auzap_console.models import Channel
from auzap_console.settings import get_settings


def _database() -> dict:
    started = time.monotonic()
    try:
        with tenant_session(None) as session:
            session.execute(text("SELECT 1"))
            if session.get_bind().dialect.name == "postgresql":
                rows = session.execute(text("SELECT status, total FROM auzap_channel_status_counts()")).all()
            else:
                rows = session.execute(select(Channel.status, func.count()).group_by(Channel.status)).all()
        return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1), "channels": {s: int(n) for s, n in rows}}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _queues() -> dict:
    from auzap_console.jobs import queues

    if not get_settings().redis_url:
        pending = len(queues.in_process().pending)
        return {"ok": True, "mode": "in-process", "pending": pending}
    try:
        from rq.job import Job

        conn = queues.redis_connection()
        conn.ping()
        report = {}
        for name in queues.QUEUES:
            q = queues.rq_queue(name)
            ids = q.get_job_ids(0, 0)
            oldest = None
            if ids:
                job = Job.fetch(ids[0], connection=conn)
                if job.enqueued_at:
                    oldest = round(time.time() - job.enqueued_at.timestamp(), 1)
            report[name] = {"depth": q.count, "oldest_age_s": oldest, "failed": q.failed_job_registry.count}
        return {"ok": True, "mode": "redis", "queues": report}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": str(exc)[:200]}


async def health(request: Request) -> JSONResponse:
    """200 when the database and the queue answer, 503 otherwise."""
    import asyncio

    database, jobs = await asyncio.gather(asyncio.to_thread(_database), asyncio.to_thread(_queues))
    ok = database["ok"] and jobs["ok"]
    return JSONResponse({"status": "ok" if ok else "degraded", "database": database, "jobs": jobs}, status_code=200 if ok else 503)


async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
