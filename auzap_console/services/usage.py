"""Daily usage per tenant and persona, updated as messages and model calls happen."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from auzap_console.models import UsageDaily


def add_usage(
    session: Session,
    *,
    tenant_id: int,
    persona: str,
    tokens_in: int = 0,
    tokens_out: int = 0,
    messages_in: int = 0,
    messages_out: int = 0,
    cost_micro_usd: int = 0,
) -> None:
    """Add to today's (UTC) counters with an atomic UPDATE; insert the row the first time."""
    day = datetime.now(UTC).date()
    values = {
        "tokens_in": UsageDaily.tokens_in + tokens_in,
        "tokens_out": UsageDaily.tokens_out + tokens_out,
        "messages_in": UsageDaily.messages_in + messages_in,
        "messages_out": UsageDaily.messages_out + messages_out,
        "cost_micro_usd": UsageDaily.cost_micro_usd + cost_micro_usd,
    }
    where = (UsageDaily.tenant_id == tenant_id, UsageDaily.day == day, UsageDaily.persona == persona)
    if session.execute(update(UsageDaily).where(*where).values(**values)).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(
                UsageDaily(
                    tenant_id=tenant_id,
                    day=day,
                    persona=persona,
                    tokens_in=tokens_in,
                    tokens_out=tokens_out,
                    messages_in=messages_in,
                    messages_out=messages_out,
                    cost_micro_usd=cost_micro_usd,
                )
            )
    except IntegrityError:
        session.execute(update(UsageDaily).where(*where).values(**values))
