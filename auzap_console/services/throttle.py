"""Throttling of login and sign-up tries over `login_attempts`, and its pruning.

A login is held back per (e-mail, IP) pair with a growing delay, so that someone guessing an
owner's password from elsewhere does not lock the owner out on their usual IP; an IP that fails
for many e-mails is held back as a whole. On PostgreSQL the app role cannot read the table (it
holds every tenant's e-mails and IPs): it goes through SECURITY DEFINER functions (see `rls.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, text
from sqlmodel import Session, select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import LoginAttempt
from auzap_console.services.context import ServiceError
from auzap_console.settings import get_settings

LOGIN, SIGNUP = "login", "signup"
IP_FAILURE_LIMIT_FACTOR = 4  # an IP may fail for several e-mails before it is held back
SIGNUP_IP_FACTOR = 2  # sign-up tries that fail (e.g. "e-mail already exists") per IP
FIRST_DELAY_SECONDS = 30  # doubled at every further failure of a locked pair


@dataclass(frozen=True)
class Failures:
    """Recent failures of one kind: of the pair since its last success, of the IP, of the e-mail."""

    pair: int
    ip: int
    email: int
    pair_last: datetime | None


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def recent_failures(session: Session, *, kind: str, ip: str, email: str) -> Failures:
    """Count the failures inside the throttling window."""
    since = utcnow() - timedelta(minutes=get_settings().login_window_minutes)
    if _postgres(session):
        row = session.execute(
            text("SELECT * FROM auzap_attempt_failures(:k, :ip, :e, :since)"), {"k": kind, "ip": ip, "e": email, "since": since}
        ).one()
        return Failures(row[0], row[1], row[2], row[3])
    recent = select(LoginAttempt).where(
        LoginAttempt.kind == kind,
        LoginAttempt.attempted_at > since,  # type: ignore[attr-defined]
        or_(LoginAttempt.ip == ip, LoginAttempt.email == email),
    )
    rows = session.exec(recent).all()
    pair = [r for r in rows if r.ip == ip and r.email == email]
    pair_start = max((r.attempted_at for r in pair if r.success), default=since)
    pair_failed = [r.attempted_at for r in pair if not r.success and r.attempted_at > pair_start]
    return Failures(
        pair=len(pair_failed),
        ip=sum(1 for r in rows if not r.success and r.ip == ip),
        email=sum(1 for r in rows if not r.success and r.email == email),
        pair_last=max((r.attempted_at for r in pair if not r.success), default=None),
    )


def record(session: Session, *, kind: str, ip: str, email: str, success: bool) -> None:
    """Store one try (the caller commits)."""
    if _postgres(session):
        session.execute(text("SELECT auzap_attempt_record(:k, :ip, :e, :ok)"), {"k": kind, "ip": ip, "e": email, "ok": success})
    else:
        session.add(LoginAttempt(kind=kind, ip=ip[:64], email=email[:254], success=success))


def pair_delay(failures: int) -> timedelta:
    """How long a pair waits after its `failures`-th failure: nothing, then 30 s, 60 s, 120 s… up to the window."""
    settings = get_settings()
    extra = failures - settings.login_max_failures
    if extra < 0:
        return timedelta(0)
    seconds = FIRST_DELAY_SECONDS * 2 ** min(extra, 16)
    return timedelta(seconds=min(seconds, settings.login_window_minutes * 60))


def check_login(session: Session, *, ip: str, email: str) -> None:
    """Refuse a login try from an IP that failed too often, or for a pair still waiting out its delay."""
    settings = get_settings()
    failures = recent_failures(session, kind=LOGIN, ip=ip, email=email)
    if ip and failures.ip >= settings.login_max_failures * IP_FAILURE_LIMIT_FACTOR:
        raise ServiceError(t("err.throttled", minutes=settings.login_window_minutes))
    if failures.pair_last is not None:
        wait = failures.pair_last + pair_delay(failures.pair) - utcnow()
        if wait > timedelta(0):
            raise ServiceError(t("err.throttled_wait", seconds=math.ceil(wait.total_seconds())))


def check_signup(session: Session, *, ip: str, email: str) -> None:
    """Refuse a sign-up when this IP or e-mail failed too often (e.g. probing which e-mails exist)."""
    settings = get_settings()
    failures = recent_failures(session, kind=SIGNUP, ip=ip, email=email)
    if (ip and failures.ip >= settings.login_max_failures * SIGNUP_IP_FACTOR) or failures.email >= settings.login_max_failures:
        raise ServiceError(t("err.throttled_signup", minutes=settings.login_window_minutes))


def prune_login_attempts(*, keep: timedelta | None = None) -> int:
    """Delete tries older than `keep` (default: the `login_attempts_keep_hours` setting); returns how many."""
    settings = get_settings()
    keep = max(keep or timedelta(hours=settings.login_attempts_keep_hours), timedelta(minutes=settings.login_window_minutes))
    before = utcnow() - keep
    with tenant_session(None) as session:
        if _postgres(session):
            return session.execute(text("SELECT auzap_attempt_prune(:before)"), {"before": before}).scalar_one()
        result = session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < before))  # type: ignore[arg-type]
        return result.rowcount
