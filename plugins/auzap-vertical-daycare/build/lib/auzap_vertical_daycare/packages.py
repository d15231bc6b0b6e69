"""Packages of daycare days: sold at the desk, spent one per daycare booking, given back when it is cancelled.

The balance is never stored: it is the package's days minus the daycare stays that use it and
are not cancelled, so a cancelled day returns to the package by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from auzap_console.models import Customer
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_vertical_daycare.models import Package, Stay

MAX_DAYS = 200


@dataclass
class Balance:
    """A package as the desk shows it."""

    id: int
    customer_id: int
    customer: str
    days: int
    used: int
    price_cents: int

    @property
    def left(self) -> int:
        """Days still to use."""
        return self.days - self.used


def sell(session: Session, *, actor: Actor, customer_id: int, days: int, price_cents: int = 0) -> Package:
    """Record a package of `days` daycare days bought by the customer (staff and up); audited."""
    actor.require("staff")
    get_scoped(session, Customer, customer_id, actor)
    if not 1 <= int(days) <= MAX_DAYS:
        raise ServiceError(f"Um pacote tem de 1 a {MAX_DAYS} diárias.")
    if int(price_cents) < 0:
        raise ServiceError("O valor não pode ser negativo.")
    package = Package(tenant_id=actor.tenant_id, customer_id=customer_id, days=int(days), price_cents=int(price_cents))
    session.add(package)
    session.flush()
    audit.record(
        session, actor=actor, action="daycare.package", entity="daycare_package", entity_id=package.id, details={"days": int(days)}
    )
    return package


def _used(tenant_id: int):
    return (
        select(Stay.package_id, func.count().label("used"))
        .where(Stay.tenant_id == tenant_id, Stay.package_id.is_not(None), Stay.status != "cancelled")  # type: ignore[union-attr]
        .group_by(Stay.package_id)
        .subquery()
    )


def balances(session: Session, *, actor: Actor, customer_id: int | None = None, only_open: bool = False) -> list[Balance]:
    """Packages with their days used (one query), newest first; a customer's alone when `customer_id` is given."""
    used = _used(actor.tenant_id)
    stmt = (
        select(Package, Customer.name, func.coalesce(used.c.used, 0))
        .join(Customer, Customer.id == Package.customer_id)
        .outerjoin(used, used.c.package_id == Package.id)
        .where(Package.tenant_id == actor.tenant_id)
        .order_by(Package.id.desc())  # type: ignore[union-attr]
    )
    if customer_id is not None:
        stmt = stmt.where(Package.customer_id == customer_id)
    rows = [Balance(p.id, p.customer_id, name, p.days, int(n), p.price_cents) for p, name, n in session.exec(stmt).all()]
    return [b for b in rows if b.left > 0] if only_open else rows


def package_with_balance(session: Session, *, actor: Actor, customer_id: int) -> int | None:
    """The customer's oldest package with a day left (the one the next daycare day takes), or None."""
    open_ = balances(session, actor=actor, customer_id=customer_id, only_open=True)
    return open_[-1].id if open_ else None


def days_left(session: Session, *, actor: Actor, customer_id: int) -> int:
    """Daycare days the customer still has across their packages."""
    return sum(b.left for b in balances(session, actor=actor, customer_id=customer_id))
