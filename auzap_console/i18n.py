"""UI strings in one table (`ui_strings.py`), plus pt-BR money and date formatting (Babel).

The console is in Brazilian Portuguese; `AUZAP_LANGUAGE=en` switches the table.
Pages call `t("key")` when they are compiled; services call it for error messages.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from auzap_console.ui_strings import UI_STRINGS


def language() -> str:
    """The active UI language code."""
    lang = os.environ.get("AUZAP_LANGUAGE", "pt_BR")
    return lang if lang in UI_STRINGS else "pt_BR"


def t(key: str, **values: object) -> str:
    """The text for `key` in the active language, with `{placeholders}` filled."""
    text = UI_STRINGS[language()].get(key) or UI_STRINGS["pt_BR"].get(key) or key
    return text.format(**values) if values else text


def count(n: int, one: str, many: str, locale: str = "pt_BR") -> str:
    """'1 cliente', '2 clientes', '1.234 clientes' (pt-BR: one for 0 and 1 is not used; 0 is plural)."""
    return f"{format_decimal(n, locale=locale)} {one if n == 1 else many}"


def money(cents: int, currency: str = "BRL", locale: str = "pt_BR") -> str:
    """`123456` → `R$ 1.234,56` (integer cents in, never floats)."""
    text = format_currency(Decimal(cents) / 100, currency, locale=locale)
    return text.replace("\xa0", " ")


def parse_money(text: str) -> int:
    """`"1.234,56"`, `"R$ 80"`, `"80.5"` → cents. Raises ValueError on nonsense."""
    cleaned = (text or "").replace("R$", "").replace(" ", "").strip()
    if not cleaned:
        raise ValueError(text)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if value < 0 or value.as_tuple().exponent < -2:
        raise ValueError(text)
    return int(value * 100)


def local_datetime(value: datetime, tz: str, locale: str = "pt_BR") -> str:
    """A timestamp shown in the tenant's time zone, e.g. `22/11/2026 14:30`."""
    return format_datetime(value.astimezone(ZoneInfo(tz)), "dd/MM/yyyy HH:mm", locale=locale)


def duration_words(minutes: int) -> str:
    """A service's length as people say it: `45 min`, `1 h 30`, `10 h`."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def list_when(value: datetime, tz: str, now: datetime | None = None) -> str:
    """When something last happened, as a list shows it: `14:30` today, `ontem`, `28/11` this year, else `28/11/2025`."""
    zone = ZoneInfo(tz)
    local, today = value.astimezone(zone), (now or datetime.now(zone)).astimezone(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.date() == today - timedelta(days=1):
        return t("when.yesterday")
    return local.strftime("%d/%m" if local.year == today.year else "%d/%m/%Y")


def local_date(value: datetime, tz: str, locale: str = "pt_BR") -> str:
    """A date in the tenant's time zone, e.g. `22/11/2026`."""
    return format_date(value.astimezone(ZoneInfo(tz)).date(), "dd/MM/yyyy", locale=locale)
