"""Customer memory: the one place that creates and updates `customer_memories` rows.

Tools (facts) and the runtime (running summary) both write to the same row in one turn;
every writer goes through `memory_for`, which creates the row at most once (an
INSERT … ON CONFLICT DO NOTHING, then a re-read), so two writers never insert twice.
"""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.db import insert_ignore
from auzap_console.db_types import utcnow
from auzap_console.models import Customer, CustomerMemory
from auzap_console.services.context import Actor, get_scoped

MAX_FACTS = 30
SUMMARY_LINES = 8


def find_memory(session: Session, *, actor: Actor, customer_id: int) -> CustomerMemory | None:
    """The customer's memory, or None when nothing was remembered yet (read-only)."""
    return session.exec(
        select(CustomerMemory).where(CustomerMemory.tenant_id == actor.tenant_id, CustomerMemory.customer_id == customer_id)
    ).first()


def memory_for(session: Session, *, actor: Actor, customer_id: int) -> CustomerMemory:
    """The customer's memory row, created once if missing."""
    memory = find_memory(session, actor=actor, customer_id=customer_id)
    if memory is not None:
        return memory
    get_scoped(session, Customer, customer_id, actor)  # the customer must be this tenant's
    session.flush()
    insert_ignore(session, CustomerMemory(tenant_id=actor.tenant_id, customer_id=customer_id))
    memory = find_memory(session, actor=actor, customer_id=customer_id)
    assert memory is not None
    return memory


def remember_facts(session: Session, *, actor: Actor, customer_id: int, facts: list[str]) -> CustomerMemory:
    """Add facts (kept once, in order, the latest MAX_FACTS)."""
    memory = memory_for(session, actor=actor, customer_id=customer_id)
    memory.facts = list(dict.fromkeys([*(memory.facts or []), *facts]))[-MAX_FACTS:]
    memory.updated_at = utcnow()
    session.add(memory)
    return memory


def append_summary(session: Session, *, actor: Actor, customer_id: int, line: str) -> None:
    """Add one line to the running summary (the last SUMMARY_LINES kept).

    A customer's first summary is inserted with its line (one INSERT … ON CONFLICT DO NOTHING);
    when a concurrent writer created the row first, the line is added to theirs.
    """
    memory = find_memory(session, actor=actor, customer_id=customer_id)
    if memory is None:
        get_scoped(session, Customer, customer_id, actor)  # the customer must be this tenant's
        if insert_ignore(session, CustomerMemory(tenant_id=actor.tenant_id, customer_id=customer_id, summary=line)):
            return
        memory = memory_for(session, actor=actor, customer_id=customer_id)
    memory.summary = "\n".join([*(memory.summary.splitlines() if memory.summary else []), line][-SUMMARY_LINES:])
    memory.updated_at = utcnow()
    session.add(memory)
