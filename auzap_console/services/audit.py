"""The audit trail: every configuration or record change, with who did it."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.models import AuditLog, User
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


def history(session: Session, *, actor: Actor, entity: str, entity_id: int, limit: int = 50) -> list[tuple[AuditLog, str]]:
    """One record's entries, oldest first, with the name of who made each ("" for the system and the AI)."""
    rows = session.exec(
        select(AuditLog, User.name)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.tenant_id == actor.tenant_id, AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(AuditLog.id)
        .limit(limit)
    ).all()
    return [(entry, name or "") for entry, name in rows]
