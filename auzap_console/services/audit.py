"""The audit trail: every configuration or record change, with who did it."""

from __future__ import annotations

from sqlmodel import Session, select

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


def recent(session: Session, *, actor: Actor, limit: int = 50) -> list[AuditLog]:
    """The latest audit entries of the actor's tenant (managers and up)."""
    actor.require("manager")
    stmt = select(AuditLog).where(AuditLog.tenant_id == actor.tenant_id).order_by(AuditLog.id.desc()).limit(limit)
    return list(session.exec(stmt))
