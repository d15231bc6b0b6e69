"""Daily usage per tenant and persona (in the shop's own days), its cost in R$, and the monthly AI budget.

Costs are stored in micro-USD (see `agents.pricing`); the console shows them in R$ at the rate the
owner sets (`Tenant.settings["usd_brl_rate"]`). An optional budget in R$ cents
(`Tenant.settings["ai_budget_cents"]`) pauses the AI for the rest of the shop's month.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import event, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.i18n import money, t
from auzap_console.models import Tenant, UsageDaily
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError

DEFAULT_RATE = Decimal("5.50")  # R$ per US$ when the owner has not set one
MAX_RATE = Decimal("100")
TZ_TTL_SECONDS = 60.0

# tenant id → (time zone, when read): messages are counted without reading the tenant every time.
# A change of time zone reaches other processes within TZ_TTL_SECONDS.
_tz_cache: dict[int, tuple[str, float]] = {}


def remember_timezone(tenant_id: int, tz: str) -> None:
    """Cache a tenant's time zone (called whenever the tenant row is at hand or changes)."""
    _tz_cache[tenant_id] = (tz, time.monotonic())


def tenant_timezone(session: Session, tenant_id: int) -> str:
    """The tenant's time zone, from the brief cache or the database."""
    cached = _tz_cache.get(tenant_id)
    if cached and time.monotonic() - cached[1] < TZ_TTL_SECONDS:
        return cached[0]
    tenant = session.get(Tenant, tenant_id)
    tz = tenant.timezone if tenant else "America/Sao_Paulo"
    remember_timezone(tenant_id, tz)
    return tz


def local_day(now: datetime, tz: str) -> date:
    """The shop's calendar day at `now` (a message at 23:30 in São Paulo counts on that day, not UTC's next)."""
    return now.astimezone(ZoneInfo(tz)).date()


PENDING = "usage_pending"  # session.info key: this transaction's increments, written just before its commit


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
    now: datetime | None = None,
) -> None:
    """Add to the shop's counters for its local day, written when the transaction commits.

    Every message of a shop counts on the same row, so the row lock is taken as late as possible:
    a transaction's increments are summed and written as its last statements (`apply_pending`,
    run before every commit), one atomic UPDATE per day and persona.
    """
    day = local_day(now or datetime.now(UTC), tenant_timezone(session, tenant_id))
    counts = session.info.setdefault(PENDING, {}).setdefault((tenant_id, day, persona), [0, 0, 0, 0, 0])
    for i, value in enumerate((tokens_in, tokens_out, messages_in, messages_out, cost_micro_usd)):
        counts[i] += value


def apply_pending(session: Session) -> None:
    """Write this transaction's usage increments now (before a commit, or before reading the counters)."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    for (tenant_id, day, persona), counts in sorted(pending.items()):
        _count(session, tenant_id, day, persona, counts)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the commit
        apply_pending(session)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _count(session: Session, tenant_id: int, day: date, persona: str, counts: list[int]) -> None:
    """One atomic UPDATE of a day's counters; the row is inserted the first time."""
    tokens_in, tokens_out, messages_in, messages_out, cost = counts
    values = {
        "tokens_in": UsageDaily.tokens_in + tokens_in,
        "tokens_out": UsageDaily.tokens_out + tokens_out,
        "messages_in": UsageDaily.messages_in + messages_in,
        "messages_out": UsageDaily.messages_out + messages_out,
        "cost_micro_usd": UsageDaily.cost_micro_usd + cost,
    }
    where = (UsageDaily.tenant_id == tenant_id, UsageDaily.day == day, UsageDaily.persona == persona)
    # No ORM synchronisation: usage rows are never held in the session while counting.
    counting = update(UsageDaily).where(*where).values(**values).execution_options(synchronize_session=False)
    if session.execute(counting).rowcount:
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
                    cost_micro_usd=cost,
                )
            )
    except IntegrityError:
        session.execute(counting)


# --- money -----------------------------------------------------------------------------------


def exchange_rate(settings: dict | None) -> Decimal:
    """R$ per US$ for this tenant (the default until the owner sets one)."""
    try:
        rate = Decimal(str((settings or {}).get("usd_brl_rate", DEFAULT_RATE)))
    except InvalidOperation:
        return DEFAULT_RATE
    return rate if 0 < rate <= MAX_RATE else DEFAULT_RATE


def budget_cents(settings: dict | None) -> int:
    """The monthly AI budget in R$ cents; 0 means no limit."""
    try:
        return max(int((settings or {}).get("ai_budget_cents") or 0), 0)
    except (TypeError, ValueError):
        return 0


def cost_cents(micro_usd: int, rate: Decimal) -> int:
    """Micro-USD → R$ cents at `rate`, rounded half up (1 US$ = 1,000,000 µUS$ = rate × 100 cents)."""
    return int((Decimal(micro_usd) * rate / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_rate(text: str) -> Decimal:
    """`"5,50"` or `"5.5"` → Decimal('5.50'); ServiceError when it is not a positive rate."""
    try:
        rate = Decimal((text or "").replace("R$", "").strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ServiceError(t("err.rate_invalid")) from exc
    if not (0 < rate <= MAX_RATE) or rate.as_tuple().exponent < -4:
        raise ServiceError(t("err.rate_invalid"))
    return rate


def parse_budget(text: str) -> int:
    """`"150,00"` → 15000 cents; empty → 0 (no limit)."""
    from auzap_console.i18n import parse_money

    if not (text or "").strip():
        return 0
    try:
        return parse_money(text)
    except (ValueError, InvalidOperation) as exc:
        raise ServiceError(t("err.budget_invalid")) from exc


def update_money_settings(session: Session, *, actor: Actor, rate_text: str, budget_text: str) -> Tenant:
    """Set the exchange rate and the monthly AI budget (owner only)."""
    actor.require("owner")
    rate, budget = parse_rate(rate_text), parse_budget(budget_text)
    tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
    tenant.settings = {**(tenant.settings or {}), "usd_brl_rate": str(rate), "ai_budget_cents": budget}
    session.add(tenant)
    audit.record(
        session, actor=actor, action="usage.settings", entity="tenant", entity_id=tenant.id, details={"rate": str(rate), "budget": budget}
    )
    return tenant


# --- the month -------------------------------------------------------------------------------


def _month_rows(session: Session, tenant_id: int, tz: str, now: datetime | None) -> list[UsageDaily]:
    apply_pending(session)
    today = local_day(now or datetime.now(UTC), tz)
    return list(
        session.exec(
            select(UsageDaily)
            .where(UsageDaily.tenant_id == tenant_id, UsageDaily.day >= today.replace(day=1), UsageDaily.day <= today)
            .order_by(UsageDaily.day, UsageDaily.persona)
        )
    )


def month_cost_micro_usd(session: Session, tenant_id: int, tz: str, now: datetime | None = None) -> int:
    """The estimated model cost of the shop's current month so far."""
    apply_pending(session)
    today = local_day(now or datetime.now(UTC), tz)
    total = session.exec(
        select(func.coalesce(func.sum(UsageDaily.cost_micro_usd), 0)).where(
            UsageDaily.tenant_id == tenant_id, UsageDaily.day >= today.replace(day=1), UsageDaily.day <= today
        )
    ).one()
    return int(total)


def budget_exhausted(session: Session, tenant_id: int, now: datetime | None = None) -> bool:
    """True when the shop set a monthly AI budget and this month's estimated cost reached it.

    Cheap when no budget is set: the tenant row is usually already in the session.
    """
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        return False
    remember_timezone(tenant_id, tenant.timezone)
    limit = budget_cents(tenant.settings)
    if not limit:
        return False
    spent = cost_cents(month_cost_micro_usd(session, tenant_id, tenant.timezone, now), exchange_rate(tenant.settings))
    return spent >= limit


def budget_notice(session: Session, tenant_id: int, now: datetime | None = None) -> str:
    """The console's 'AI paused: budget reached' sentence, or '' while the AI may answer."""
    if not budget_exhausted(session, tenant_id, now):
        return ""
    return t("budget.reached", budget=money(budget_cents(session.get(Tenant, tenant_id).settings)))


@dataclass
class UsageLine:
    """Counters for one persona (and one day, in the daily list)."""

    persona: str
    day: date | None = None
    tokens: int = 0
    messages_in: int = 0
    messages_out: int = 0
    cost_cents: int = 0


@dataclass
class MonthUsage:
    """The usage page: the month so far by day and persona, with totals in R$."""

    month: date
    rate: Decimal
    budget_cents: int
    days: list[UsageLine] = field(default_factory=list)
    personas: list[UsageLine] = field(default_factory=list)
    total: UsageLine = field(default_factory=lambda: UsageLine(persona=""))

    @property
    def exhausted(self) -> bool:
        """The budget is set and reached."""
        return bool(self.budget_cents) and self.total.cost_cents >= self.budget_cents


def month_usage(session: Session, *, actor: Actor, now: datetime | None = None) -> MonthUsage:
    """The shop's current month (its own time zone) by day and persona (managers and up).

    Costs are summed in micro-USD and converted once per line, so the total is not a sum of roundings.
    """
    actor.require("manager")
    tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
    rate = exchange_rate(tenant.settings)
    rows = _month_rows(session, actor.tenant_id, tenant.timezone, now)
    report = MonthUsage(
        month=local_day(now or datetime.now(UTC), tenant.timezone).replace(day=1), rate=rate, budget_cents=budget_cents(tenant.settings)
    )
    by_persona: dict[str, list[int]] = {}
    total = [0, 0, 0, 0]
    for r in rows:
        counts = [r.tokens_in + r.tokens_out, r.messages_in, r.messages_out, r.cost_micro_usd]
        report.days.append(UsageLine(r.persona, r.day, counts[0], counts[1], counts[2], cost_cents(counts[3], rate)))
        acc = by_persona.setdefault(r.persona, [0, 0, 0, 0])
        for i, value in enumerate(counts):
            acc[i] += value
            total[i] += value
    report.personas = [UsageLine(p, None, a[0], a[1], a[2], cost_cents(a[3], rate)) for p, a in sorted(by_persona.items())]
    report.total = UsageLine("", None, total[0], total[1], total[2], cost_cents(total[3], rate))
    return report
