"""Who is using the console right now: "online" for auto-assignment.

The session check stamps the user at most once a minute; someone seen in the last ten minutes
counts as online.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from auzap_console.db_types import utcnow
from auzap_console.models import User

ONLINE_WINDOW = timedelta(minutes=10)
SEEN_EVERY = timedelta(minutes=1)  # presence is written at most this often per person


def touch(session: Session, *, user: User, now: datetime | None = None) -> None:
    """Note that a person is using the console, at most once a minute."""
    now = now or utcnow()
    if user.last_seen_at is None or now - user.last_seen_at >= SEEN_EVERY:
        user.last_seen_at = now
        session.add(user)
