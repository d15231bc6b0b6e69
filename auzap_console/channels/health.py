"""`/health` (database, Redis, queues, channels) and `/metrics` (Prometheus).

Anyone may ask whether the console is up; the detail (every tenant's channel counts, queue
depths, connection errors) is only for callers holding HEALTH_TOKEN.
"""

from __future__ import annotations

import hmac
import time

from sqlalchemy import func, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auzap_console import partitions
from auzap_console.db import tenant_session
from auzap_console.metrics import CONTENT_TYPE_LATEST, scrape
from auzap_console.models import Channel
from auzap_console.settings import get_settings


def _database() -> dict:
    started = time.monotonic()
    try:
        with tenant_session(None) as session:
            session.execute(text("SELECT 1"))
            extra = {}
            if session.get_bind().dialect.name == "postgresql":
                rows = session.execute(text("SELECT status, total FROM auzap_channel_status_counts()")).all()
                extra["message_partitions_months_ahead"] = partitions.months_ahead(session.connection())
            else:
                rows = session.execute(select(Channel.status, func.count()).group_by(Channel.status)).all()
        latency = round((time.monotonic() - started) * 1000, 1)
        return {"ok": True, "latency_ms": latency, "channels": {s: int(n) for s, n in rows}} | extra
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


def _presented_token(request: Request) -> str:
    """The token from `Authorization: Bearer …` or `?token=`; "" when none."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return request.query_params.get("token", "")


def _detail_allowed(request: Request) -> bool | None:
    """True with the right token, False with a wrong one, None when none is given (or none is set)."""
    expected, given = get_settings().health_token, _presented_token(request)
    if not expected or not given:
        return None
    return hmac.compare_digest(given.encode(), expected.encode())  # bytes: any header text compares in constant time


async def health(request: Request) -> JSONResponse:
    """200 when the database and the queue answer, 503 otherwise; the detail only with HEALTH_TOKEN."""
    import asyncio

    allowed = _detail_allowed(request)
    if allowed is False:
        return JSONResponse({"error": "invalid token"}, status_code=401)
    database, jobs = await asyncio.gather(asyncio.to_thread(_database), asyncio.to_thread(_queues))
    ok = database["ok"] and jobs["ok"]
    body = {"status": "ok" if ok else "degraded"}
    if allowed:
        body |= {"database": database, "jobs": jobs}
    return JSONResponse(body, status_code=200 if ok else 503)


async def metrics(request: Request) -> Response:
    """Prometheus text format, summed over the web and worker processes."""
    import asyncio

    return Response(await asyncio.to_thread(scrape), media_type=CONTENT_TYPE_LATEST)
