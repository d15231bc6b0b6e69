"""The audit trail: every configuration or record change, with who did it."""

from __future__ import annotations

from sqlmodel import Session

from auzap_console.models import AuditLog
from auzap_console.services.context import Actor


def record(session: Session, *, actor: Actor, action: str, entity: str, entity_id: int | None, details: dict | None = None) -> None:
    """Append one audit entry in the caller's transaction."""
    session.add(
        AuditLog(
            tenant_id=actor.tenant_id,
            user_id=actor.user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details or {},
        )
    )
