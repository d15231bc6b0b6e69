"""Segments: who a campaign goes to, as filters compiled to one SQL query.

Criteria are `{filter name: value}`. The core's own filters live here (VIP, tag, lead stage, pet
size, a service used or not used in a period, pets' birthday month); plugins add theirs through
`register_segment_filters` (the core plugin registers species, breed and "no visit in N days").
Customers who opted out of marketing are always left out. Counting and sampling are two queries,
whatever the number of customers — no per-customer Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import String, cast, extract
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.db_types import escape_like, utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Customer, Pet, Segment
from auzap_console.models.crm import LEAD_STAGES, SIZES, SPECIES

__all__ = [  # the choices are re-exported: the builder page offers them
    "CORE_FILTERS",
    "LEAD_STAGES",
    "SIZES",
    "SPECIES",
    "Preview",
    "available",
    "build",
    "list_segments",
    "preview",
    "save_segment",
]
from auzap_console.plugin import manager
from auzap_console.plugin.types import SegmentFilterSpec
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.plugins import CORE_PLUGINS, disabled_plugins
from auzap_console.services.tenants import get_tenant


def _pet_owners(tenant_id: int, *conditions):
    return select(Pet.customer_id).where(Pet.tenant_id == tenant_id, *conditions)


def _vip(stmt, value: Any, tenant_id: int):
    return stmt.where(Customer.vip == bool(value))


def _tag(stmt, value: Any, tenant_id: int):
    quoted = escape_like(json.dumps(str(value).strip().lower()))
    return stmt.where(func.lower(cast(Customer.tags, String)).like(f"%{quoted}%", escape="!"))


def _lead_stage(stmt, value: Any, tenant_id: int):
    if value not in LEAD_STAGES:
        raise ServiceError(t("err.segment_value", name=t("seg.lead_stage")))
    return stmt.where(Customer.lead_stage == value)


def _size(stmt, value: Any, tenant_id: int):
    if value not in SIZES:
        raise ServiceError(t("err.segment_value", name=t("seg.size")))
    return stmt.where(Customer.id.in_(_pet_owners(tenant_id, Pet.size == value)))  # type: ignore[union-attr]


def _visits(tenant_id: int, value: Any) -> tuple[int | None, int]:
    """(service id, days) from `{"service_id": 3, "days": 90}`; no service id (or "any") means any service."""
    try:
        raw = value.get("service_id")
        days = max(1, int(value.get("days", 90)))  # a segment saved with 0 days (the page allowed it) still loads
        return (None if raw in (None, "", "any") else int(raw)), days
    except (AttributeError, TypeError, ValueError) as exc:
        raise ServiceError(t("err.segment_value", name=t("seg.service"))) from exc


def _used(stmt, value: Any, tenant_id: int, used: bool = True):
    service_id, days = _visits(tenant_id, value)
    since = utcnow() - timedelta(days=days)
    visited = select(Appointment.customer_id).where(
        Appointment.tenant_id == tenant_id,
        Appointment.status == "completed",
        Appointment.starts_at >= since,
    )
    if service_id is not None:
        visited = visited.where(Appointment.service_id == service_id)
    condition = Customer.id.in_(visited)  # type: ignore[union-attr]
    return stmt.where(condition if used else ~condition)


def _not_used(stmt, value: Any, tenant_id: int):
    return _used(stmt, value, tenant_id, used=False)


def _birthday_month(stmt, value: Any, tenant_id: int):
    month = int(value)
    if not 1 <= month <= 12:
        raise ServiceError(t("err.segment_value", name=t("seg.birthday_month")))
    return stmt.where(Customer.id.in_(_pet_owners(tenant_id, extract("month", Pet.birth_date) == month)))  # type: ignore[union-attr]


CORE_FILTERS: dict[str, tuple[str, Callable[..., Any]]] = {
    "vip": ("seg.vip", _vip),
    "tag": ("seg.tag", _tag),
    "lead_stage": ("seg.lead_stage", _lead_stage),
    "size": ("seg.size", _size),
    "service_used": ("seg.service_used", _used),
    "service_not_used": ("seg.service_not_used", _not_used),
    "birthday_month": ("seg.birthday_month", _birthday_month),
}


@dataclass
class Preview:
    """How many customers a segment reaches, and a few of them."""

    count: int
    sample: list[tuple[int, str]]  # (customer id, name)


def available(session: Session, *, actor: Actor) -> dict[str, str]:
    """Filter name → its title in the owner's words (the core's and the shop's plugins')."""
    actor.require("staff")
    titles = {name: t(key) for name, (key, _) in CORE_FILTERS.items()}
    disabled = disabled_plugins(get_tenant(session, actor=actor))
    titles.update({name: spec.title for name, spec in manager.segment_filters(disabled).items()})
    return titles


def plugin_filters(session: Session, *, actor: Actor) -> list[SegmentFilterSpec]:
    """The filters the shop's plugins add (the core's own have their controls on the page)."""
    actor.require("staff")
    disabled = [*disabled_plugins(get_tenant(session, actor=actor)), *CORE_PLUGINS]
    return list(manager.segment_filters(disabled).values())


def build(session: Session, *, actor: Actor, criteria: dict) -> Any:
    """The SELECT of the segment's customer ids (opted-out customers always left out)."""
    actor.require("manager")
    stmt = select(Customer.id).where(Customer.tenant_id == actor.tenant_id, ~Customer.marketing_opt_out)
    disabled = disabled_plugins(get_tenant(session, actor=actor))
    plugins = manager.segment_filters(disabled)
    for name, value in (criteria or {}).items():
        if name in CORE_FILTERS:
            stmt = CORE_FILTERS[name][1](stmt, value, actor.tenant_id)
        elif name in plugins:
            stmt = plugins[name].apply(stmt, value, actor.tenant_id)
        else:
            raise ServiceError(t("err.segment_filter", name=name))
    return stmt


def preview(session: Session, *, actor: Actor, criteria: dict, sample: int = 5) -> Preview:
    """The live count and a sample (two queries, however many customers match)."""
    ids = build(session, actor=actor, criteria=criteria).subquery()
    count = session.exec(select(func.count()).select_from(ids)).one()
    rows = session.exec(
        select(Customer.id, Customer.name).where(Customer.id.in_(select(ids.c.id))).order_by(Customer.name).limit(sample)  # type: ignore[union-attr]
    ).all()
    return Preview(int(count), [(cid, name) for cid, name in rows])


def save_segment(session: Session, *, actor: Actor, name: str, criteria: dict, segment_id: int | None = None) -> Segment:
    """Keep a segment for reuse (manager and up); its criteria are checked by compiling them. Audited."""
    actor.require("manager")
    name = limits.bounded(name, 80, t("seg.name"), field="segment-name")
    if len(name) < 2:
        raise ServiceError(t("err.segment_name"), field="segment-name")
    build(session, actor=actor, criteria=criteria)  # unknown filters and bad values refused before saving
    segment = get_scoped(session, Segment, segment_id, actor) if segment_id else Segment(tenant_id=actor.tenant_id, name=name)
    segment.name, segment.criteria = name, dict(criteria)
    try:
        with session.begin_nested():
            session.add(segment)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.segment_taken"), field="segment-name") from exc
    audit.record(
        session, actor=actor, action="segment.save", entity="segment", entity_id=segment.id, details={"criteria": segment.criteria}
    )
    return segment


def list_segments(session: Session, *, actor: Actor) -> list[Segment]:
    """The shop's saved segments by name."""
    actor.require("manager")
    return list(session.exec(select(Segment).where(Segment.tenant_id == actor.tenant_id).order_by(Segment.name)))
