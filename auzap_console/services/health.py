"""Health findings (the "bipe"): what staff noticed on a pet during a service.

Recorded on the appointment while the pet is in the shop; the tutor gets a short, calm WhatsApp
message; the finding joins the pet's health history (the record, the assistant's tool) and stays
open on the owner's dashboard until someone marks it resolved.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Customer, HealthFinding, Pet, Service
from auzap_console.models.catalog import FINDING_AREAS, FINDING_SEVERITIES
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.notifications import tell_tutor, tutor_conversation
from auzap_console.services.tenants import get_tenant
from auzap_console.settings import PROJECT_ROOT

DURING_SERVICE = ("checked_in", "in_service", "ready")
NOTE_MAX = 500
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_KINDS = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}  # by their first bytes


def upload_dir() -> Path:
    """Where uploaded files live (Reflex serves this folder under /_upload)."""
    return Path(os.environ.get("REFLEX_UPLOADED_FILES_DIR") or PROJECT_ROOT / "uploaded_files")


def store_photo(*, actor: Actor, data: bytes) -> str:
    """Keep a finding's photo (JPEG, PNG or WebP up to 5 MB) under an unguessable name; returns it.

    The name is the path under the upload folder ("findings/<random>.jpg"); the record only
    stores it once the finding is saved.
    """
    actor.require("staff")
    if not data or len(data) > PHOTO_MAX_BYTES:
        raise ServiceError(t("err.photo_size"), field="finding-photo")
    kind = next((ext for magic, ext in PHOTO_KINDS.items() if data.startswith(magic)), "")
    if not kind or (kind == "webp" and data[8:12] != b"WEBP"):
        raise ServiceError(t("err.photo_kind"), field="finding-photo")
    name = f"findings/{actor.tenant_id}-{secrets.token_urlsafe(16)}.{kind}"
    path = upload_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


@dataclass
class FindingRow:
    """A finding as lists show it."""

    id: int
    pet: str
    pet_id: int
    customer: str
    customer_id: int
    area: str
    severity: str
    note: str
    photo: str
    when: str  # dd/mm/yyyy HH:MM in the shop's zone
    service: str
    resolved: bool


def record_finding(
    session: Session,
    *,
    actor: Actor,
    appointment_id: int,
    area: str,
    severity: str,
    note: str,
    photo: str = "",
    notify: bool = True,
) -> HealthFinding:
    """Record a finding on an appointment in progress and tell the tutor (staff and up); audited."""
    actor.require("staff")
    appointment = get_scoped(session, Appointment, appointment_id, actor)
    if appointment.status not in DURING_SERVICE:
        raise ServiceError(t("err.finding_when"))
    if appointment.pet_id is None:
        raise ServiceError(t("err.finding_no_pet"))
    if area not in FINDING_AREAS:
        raise ServiceError(t("err.finding_area"), field="finding-area")
    if severity not in FINDING_SEVERITIES:
        raise ServiceError(t("err.finding_severity"), field="finding-severity")
    note = limits.bounded(note, NOTE_MAX, t("health.note"), field="finding-note")
    if len(note) < 3:
        raise ServiceError(t("err.finding_note"), field="finding-note")
    if photo and not photo.startswith(f"findings/{actor.tenant_id}-"):  # only a photo stored for this shop
        raise ServiceError(t("err.photo_kind"), field="finding-photo")
    finding = HealthFinding(
        tenant_id=actor.tenant_id,
        pet_id=appointment.pet_id,
        customer_id=appointment.customer_id,
        appointment_id=appointment.id,
        area=area,
        severity=severity,
        note=note,
        photo=photo,
        created_by=actor.user_id,
    )
    session.add(finding)
    session.flush()
    notified = notify and _tell_tutor(session, actor, finding, appointment)
    audit.record(
        session,
        actor=actor,
        action="health.finding",
        entity="appointment",
        entity_id=appointment.id,
        details={"finding_id": finding.id, "area": area, "severity": severity, "tutor_notified": notified},
    )
    return finding


def _tell_tutor(session: Session, actor: Actor, finding: HealthFinding, appointment: Appointment) -> bool:
    conversation = tutor_conversation(session, actor=actor, customer_id=appointment.customer_id)
    if conversation is None:
        return False
    pet = session.get(Pet, finding.pet_id)
    key = "health.notify_high" if finding.severity == "high" else "health.notify"
    body = t(key, pet=pet.name, area=t(f"health.area_words.{finding.area}"), note=finding.note)
    tell_tutor(session, actor=actor, conversation=conversation, body=body, meta={"kind": "health", "finding_id": finding.id})
    return True


def resolve_finding(session: Session, *, actor: Actor, finding_id: int) -> HealthFinding:
    """Mark a finding as taken care of (staff and up); it leaves the dashboard, stays on the history."""
    actor.require("staff")
    finding = get_scoped(session, HealthFinding, finding_id, actor)
    if finding.resolved_at is None:
        finding.resolved_at = utcnow()
        session.add(finding)
        audit.record(session, actor=actor, action="health.resolve", entity="health_finding", entity_id=finding.id)
    return finding


def _rows(session: Session, actor: Actor, *conditions, limit: int) -> list[FindingRow]:
    tz = ZoneInfo(get_tenant(session, actor=actor).timezone)
    rows = session.exec(
        select(HealthFinding, Pet.name, Customer.name, Service.name)
        .join(Pet, Pet.id == HealthFinding.pet_id)
        .join(Customer, Customer.id == HealthFinding.customer_id)
        .outerjoin(Appointment, Appointment.id == HealthFinding.appointment_id)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .where(HealthFinding.tenant_id == actor.tenant_id, *conditions)
        .order_by(HealthFinding.created_at.desc(), HealthFinding.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    return [
        FindingRow(
            id=f.id,
            pet=pet,
            pet_id=f.pet_id,
            customer=customer,
            customer_id=f.customer_id,
            area=f.area,
            severity=f.severity,
            note=f.note,
            photo=f.photo,
            when=f.created_at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
            service=service or "",
            resolved=f.resolved_at is not None,
        )
        for f, pet, customer, service in rows
    ]


def findings_for_customer(session: Session, *, actor: Actor, customer_id: int, limit: int = 50) -> list[FindingRow]:
    """A customer's pets' findings, newest first (the record and the assistant's tool)."""
    actor.require("staff")
    return _rows(session, actor, HealthFinding.customer_id == customer_id, limit=limit)


def open_findings(session: Session, *, actor: Actor, limit: int = 10) -> list[FindingRow]:
    """Findings nobody has marked resolved yet, newest first (the owner's dashboard)."""
    actor.require("staff")
    return _rows(session, actor, HealthFinding.resolved_at.is_(None), limit=limit)  # type: ignore[union-attr]
