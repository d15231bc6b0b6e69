"""Dates and times as Brazilian customers write them, in one tested place.

`parse_when` reads "amanhã às 3 da tarde", "sexta de manhã", "daqui a 3 dias", "sábado que
vem", "25/12 11h"; `shift` reads moves relative to an existing booking ("uma semana depois",
"mesmo horário", "uma hora mais cedo"). `dateparser` 1.5 (languages=["pt"]) was measured on 17
phrases customers write (`bench/dates_vs_dateparser.py`): 4/17 right against 17/17 here — it
misses "sexta de manhã", "dia 25 às 10", "depois de amanhã", "às 3" = 15h — so it is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from auzap_console.text import normalize

WEEKDAYS = {"segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5, "domingo": 6}
MONTHS = {
    m: i
    for i, m in enumerate(
        ("janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"), 1
    )
}
NUMBERS = {
    "uma": 1,
    "um": 1,
    "duas": 2,
    "dois": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "onze": 11,
    "doze": 12,
    "quinze": 15,
    "meia": 1,
}
_NUM = r"(\d{1,2}|" + "|".join(NUMBERS) + r")"
_WD = r"(" + "|".join(WEEKDAYS) + r")(?:-feira| feira)?"


def _n(raw: str) -> int:
    return NUMBERS[raw] if raw in NUMBERS else int(raw)


@dataclass
class When:
    """A date and, when the message said it, a time or a period of the day."""

    day: date | None = None
    at: time | None = None
    period: str = ""  # "manha" | "tarde" | "noite" | ""

    def moment(self) -> datetime | None:
        """Date + time, when both are known (naive, in the tenant's zone)."""
        return datetime.combine(self.day, self.at) if self.day and self.at else None


def hour_of(text: str) -> tuple[time | None, str]:
    """The time of day and the period ("manha"/"tarde"/"noite") in a normalised text."""
    period = next((p for p in ("manha", "tarde", "noite") if re.search(rf"\b(de|da|a|pela|na|no|cedo|final da|fim da) {p}\b", text)), "")
    period = period or ("manha" if re.search(r"\bcedinho\b|\bcedo\b", text) else "")
    if re.search(r"\bmeio[ -]dia\b", text):
        return time(12, 0), period
    candidates = []
    for m in re.finditer(
        r"\b(as|pelas|umas|por volta das|a partir das|la pelas|tipo)\s+" + _NUM + r"(?:[:h](\d{2}))?\s*(?:h|hs|horas?)?(?: e meia)?", text
    ):
        candidates.append((m.start(), m.group(2), m.group(3), "e meia" in m.group(0)))
    for m in re.finditer(r"\b(\d{1,2})(?::(\d{2})|h(\d{2})?|\s?(?:hs|horas?))(?: e meia)?(?![\w/])", text):
        candidates.append((m.start(), m.group(1), m.group(2) or m.group(3), "e meia" in m.group(0)))
    if not candidates:
        return None, period
    _, raw_hour, raw_min, half = min(candidates)
    hour, minute = _n(raw_hour), int(raw_min) if raw_min else (30 if half else 0)
    if hour > 23 or minute > 59:
        return None, period
    if period in ("tarde", "noite") and hour < 12:
        hour += 12
    elif not period and 1 <= hour <= 6:
        hour += 12  # "às 3" in a pet shop means 15h
    return time(hour, minute), period


def _next_weekday(today: date, target: int, strict: bool = True) -> date:
    ahead = (target - today.weekday()) % 7
    return today + timedelta(days=ahead or (7 if strict else 0))


def day_of(text: str, today: date) -> date | None:
    """The calendar day a normalised text names, relative to `today`."""
    if re.search(r"\bdepois de amanha\b", text):
        return today + timedelta(days=2)
    if re.search(r"\bamanha\b", text):
        return today + timedelta(days=1)
    if re.search(r"\bhoje\b", text):
        return today
    m = re.search(r"\b(?:daqui a|daqui|em|dentro de)\s+" + _NUM + r"\s+(dias?|semanas?)\b", text)
    if m:
        n = _n(m.group(1))
        return today + timedelta(days=n * 7 if m.group(2).startswith("semana") else n)
    m = re.search(r"\b(?:fim|final) de semana(?: (que vem|depois do proximo|seguinte))?\b", text)
    if m:
        saturday = _next_weekday(today, 5, strict=False)
        if m.group(1) == "depois do proximo":
            return saturday + timedelta(days=14 if today.weekday() < 5 else 7)
        return saturday + timedelta(days=7) if m.group(1) in ("que vem", "seguinte") and today.weekday() >= 5 else saturday
    m = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", text) or re.search(r"\b(\d{1,2}) de (" + "|".join(MONTHS) + r")\b", text)
    if m:
        month = MONTHS.get(m.group(2)) or int(m.group(2))
        year = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else today.year
        year = year + 2000 if year < 100 else year
        try:
            day = date(year, month, int(m.group(1)))
        except ValueError:
            return None
        return day.replace(year=year + 1) if day < today else day
    m = re.search(r"\bdia (\d{1,2})\b", text)
    if m:
        n = int(m.group(1))
        month, year = today.month, today.year
        if n < today.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        try:
            return date(year, month, n)
        except ValueError:
            return None
    m = re.search(r"\b(proxima|proximo)\s+" + _WD, text) or re.search(r"\b" + _WD + r"(?:\s+(que vem|da semana que vem|proxima))?\b", text)
    if m:
        name = m.group(2) if m.group(1) in ("proxima", "proximo") else m.group(1)
        later = m.group(1) in ("proxima", "proximo") or (m.lastindex == 2 and m.group(2) is not None)
        day = _next_weekday(today, WEEKDAYS[name], strict=True)
        if later and "semana que vem" in text and day - today < timedelta(days=7) and day.weekday() > today.weekday():
            day += timedelta(days=7)
        return day
    if re.search(r"\b(semana que vem|proxima semana)\b", text):
        return _next_weekday(today, 0)
    return None


def parse_when(text: str, today: date) -> When:
    """Dates and times as people write them, relative to `today`."""
    text = normalize(text)
    day = day_of(text, today)
    at, period = hour_of(
        re.sub(
            r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b|\bdia \d{1,2}\b|\b\d{1,2} de [a-z]+\b|\b(daqui a|em|dentro de) \w+ (dias?|semanas?)\b",
            " ",
            text,
        )
    )
    return When(day=day, at=at, period=period)


def shift(text: str, anchor: datetime) -> datetime | None:
    """A new moment relative to an existing booking's `anchor`, or None when the text is not relative.

    "uma semana depois", "no dia seguinte", "2 dias antes", "uma hora mais cedo", "30 min mais tarde",
    "mesmo horario na sexta", "mesmo dia as 15h".
    """
    text = normalize(text)
    moved = anchor
    found = False
    m = re.search(_NUM + r"\s+(semanas?|dias?)\s+(depois|mais tarde|antes|adiante|pra frente|para frente)", text)
    verb = re.search(r"\b(adi\w*|antecip\w*|empurr\w*)\s+(?:\w+\s+)?" + _NUM + r"\s+(semanas?|dias?)\b", text)
    if m:
        days = _n(m.group(1)) * (7 if m.group(2).startswith("semana") else 1)
        moved += timedelta(days=-days if m.group(3) == "antes" else days)
        found = True
    elif verb:
        days = _n(verb.group(2)) * (7 if verb.group(3).startswith("semana") else 1)
        moved += timedelta(days=-days if verb.group(1).startswith("antecip") else days)
        found = True
    elif re.search(r"\b(semana seguinte|na outra semana)\b", text):
        moved, found = moved + timedelta(days=7), True
    elif re.search(r"\bdia seguinte\b", text):
        moved, found = moved + timedelta(days=1), True
    m = re.search(r"(?:\b" + _NUM + r"|\bmeia)\s*(horas?|h|minutos?|min)?\s*(mais cedo|antes|mais tarde|depois)", text)
    if m and not re.search(r"(semanas?|dias?)\s+(depois|antes|mais tarde)", m.group(0)):
        raw = m.group(1) or "meia"
        unit = m.group(2) or "hora"
        minutes = 30 if raw == "meia" else _n(raw) * (1 if unit.startswith("min") else 60)
        moved += timedelta(minutes=-minutes if m.group(3) in ("mais cedo", "antes") else minutes)
        found = True
    m = re.search(r"\b(antecip\w*|adi\w*|atras\w*|empurr\w*)\s+(?:em\s+)?(?:" + _NUM + r"|meia)\s*(horas?|h|minutos?|min)\b", text)
    if m and not found:
        minutes = 30 if m.group(2) is None else _n(m.group(2)) * (1 if m.group(3).startswith("min") else 60)
        moved += timedelta(minutes=-minutes if m.group(1).startswith("antecip") else minutes)
        found = True
    if re.search(r"\bmesmo (horario|hora)\b", text):
        target = text.rsplit(" para ", 1)[-1]  # "nao posso quinta, troca para sexta": the day after "para"
        day = day_of(target, anchor.date()) or day_of(text, anchor.date())
        if day:
            moved = datetime.combine(day, anchor.time(), tzinfo=anchor.tzinfo)
        found = True
    elif re.search(r"\bmesmo dia\b", text):
        at, _ = hour_of(text)
        if at:
            moved = datetime.combine(anchor.date(), at, tzinfo=anchor.tzinfo)
        found = True
    return moved if found and moved != anchor else None
