"""Typed slot extractors for the offline engine: a tool's parameters say what to look for.

A parameter's extractor comes from the tool's `slots={...}` declaration, else its type
(`datetime`, `date`, `Literal[...]`, `int`), else its name (`service`, `pet`, `breed`…).
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, get_args, get_origin

from auzap_console import dates, lexicon
from auzap_console.plugin.types import ToolSpec
from auzap_console.text import fold, normalize

BY_NAME = {
    "service": "service",
    "service_interest": "service",
    "pet": "pet",
    "pet_name": "pet_name",
    "name": "pet_name",
    "breed": "breed",
    "species": "species",
    "size": "size",
    "neighbourhood": "neighbourhood",
    "urgency": "urgency",
    "period": "choice",
    "days": "days",
    "reason": "text",
    "note": "text",
    "query": "text",
}
# Words that name an enum value when the value itself is not written ("semana_passada").
CHOICE_WORDS = {
    "manha": r"manha|cedo|cedinho",
    "tarde": r"tarde",
    "noite": r"noite",
    "hoje": r"hoje",
    "ontem": r"ontem",
    "semana": r"(essa|esta|nessa|nesta|da) semana|semana atual|semanal",
    "semana_passada": r"semana passada|ultima semana|semana anterior",
    "mes": r"(esse|este|neste|nesse|do) mes|mes atual|mensal",
    "mes_passado": r"mes passado|ultimo mes|mes anterior",
    "ultimos_7_dias": r"ultimos 7 dias|7 dias",
    "ultimos_30_dias": r"ultimos 30 dias|30 dias",
    "esta_semana": r"(essa|esta) semana|nos proximos dias",
    "sem_pressa": r"sem pressa|qualquer dia|tranquilo|mes que vem|sem urgencia",
    "species": r"especie|especies",
    "breed": r"raca|racas",
    "dog": r"cachorr\w*|cao|cadela|dog",
    "cat": r"gat[oa]s?|gatinh\w*",
    "bird": r"passaro|calopsita|ave",
    "rabbit": r"coelh\w*",
}
SERVICE_SYNONYMS = {"hospedagem": "hotel", "pernoite": "hotel", "daycare": "creche", "adestrador": "adestramento", "vet": "consulta"}


@dataclass
class Known:
    """What the engine knows besides the message: today, this customer's pets, the catalog, the next booking."""

    today: date
    pets: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    anchor: datetime | None = None  # the customer's next booking (local), for "uma semana depois"


def extractor_for(spec: ToolSpec, param: str) -> str:
    """The extractor name of one parameter of a tool."""
    if param in spec.slots:
        return spec.slots[param]
    hint = _type_hints(spec.function).get(param)
    kinds = (
        [a for a in get_args(hint) if a is not type(None)] if get_origin(hint) in (typing.Union, __import__("types").UnionType) else [hint]
    )
    kind = kinds[0] if kinds else hint
    if kind is datetime:
        return "datetime"
    if kind is date:
        return "date"
    if get_origin(kind) is Literal:
        return BY_NAME.get(param) if BY_NAME.get(param) in ("species", "size", "urgency") else "choice"
    return BY_NAME.get(param, "")


@lru_cache(maxsize=1024)
def _type_hints(function) -> dict:
    """A tool function's resolved annotations (resolving them is slow; the functions do not change)."""
    return typing.get_type_hints(function)


def choices(spec: ToolSpec, param: str) -> list[str]:
    """The enum values of a Literal parameter ('' left out)."""
    return [v for v in spec.parameters["properties"].get(param, {}).get("enum", []) if v != ""]


def extract(kind: str, text: str, known: Known, values: list[str] | None = None) -> Any:
    """The slot value of `kind` in `text`, or None."""
    norm = normalize(text)
    if kind == "datetime":
        return when(text, known)
    if kind == "date":
        day = dates.parse_when(text, known.today).day
        return day.isoformat() if day else None
    if kind == "choice":
        for value in sorted(values or [], key=lambda v: -len(v)):
            pattern = CHOICE_WORDS.get(value, re.escape(value.replace("_", " ")))
            if re.search(rf"\b(?:{pattern})\b", norm):
                return value
        return None
    if kind == "service":
        return service(text, known.services)
    if kind == "pet":
        return pet(text, known.pets)
    if kind == "pet_name":
        return (
            pet(text, known.pets)
            if any(fold(p) in fold(text).split() for p in known.pets)
            else new_pet_name(text, known.pets) or pet(text, [])
        )
    if kind == "breed":
        return lexicon.breed_of(text) or None
    if kind == "species":
        return lexicon.species_of(text) or None
    if kind == "size":
        return lexicon.size_of(text) or None
    if kind == "neighbourhood":
        return neighbourhood(text) or None
    if kind == "urgency":
        return urgency(norm) or None
    if kind == "days":
        m = re.search(r"\b(\d{1,3})\s*(dias?|meses|mes|semanas?)\b", norm)
        if not m:
            return None
        n, unit = int(m.group(1)), m.group(2)
        return n * 30 if unit.startswith("mes") else n * 7 if unit.startswith("semana") else n
    if kind == "text":
        return " ".join(text.split())[:200] or None
    return None


def when(text: str, known: Known) -> dict | None:
    """A moment: {"at": ISO local} when day and time are known, else the partial {"day", "time", "period"}."""
    if known.anchor is not None:
        moved = dates.shift(text, known.anchor)
        if moved is not None:
            return {"at": moved.replace(tzinfo=None).isoformat(timespec="minutes")}
    w = dates.parse_when(text, known.today)
    if w.day and w.at:
        return {"at": w.moment().isoformat(timespec="minutes")}
    if not (w.day or w.at or w.period):
        return None
    return {"day": w.day.isoformat() if w.day else "", "time": w.at.strftime("%H:%M") if w.at else "", "period": w.period}


def service(text: str, catalog: list[str]) -> str | None:
    """The service a message names: a whole catalog name, else its catalog words (with a size letter)."""
    norm = " ".join(SERVICE_SYNONYMS.get(w, w) for w in normalize(text).split())
    for name in sorted(catalog, key=lambda n: -len(n)):
        if re.search(rf"\b{re.escape(fold(name))}\b", norm):
            return name
    vocabulary = {w for name in catalog for w in fold(name).split() if len(w) > 3 and w not in ("para", "completa", "diaria")}
    words = [w for w in norm.split() if w in vocabulary or (len(w) > 4 and w[:-1] in vocabulary)]
    if not words:
        return None
    found = " e ".join(dict.fromkeys(w if w in vocabulary else w[:-1] for w in words))
    if re.search(r"\btosa completa\b", norm) and "completa" not in found:
        found = found.replace("tosa", "tosa completa")
    if re.search(r"\b(higienica|higienico)\b", norm) and "tosa" in found:
        found = found.replace("tosa", "tosa higienica")
    size = re.search(rf"\b(?:{'|'.join(vocabulary)})\s+(?:porte\s+)?(p|m|g|gg)\b", fold(text))
    return f"{found} {size.group(1)}" if size else found


def pet(text: str, known_pets: list[str]) -> str | None:
    """One of this customer's pets named in the text, else a name said in "pro Rex" (may not exist)."""
    plain = fold(text)
    for name in known_pets:
        if re.search(rf"\b{re.escape(fold(name))}\b", plain):
            return name
    m = re.search(r"\b(?:pro|pra|para o|para a|do|da)\s+([A-ZÀ-Ý][\wÀ-ÿ-]+)", text)
    return m.group(1) if m and fold(m.group(1)) not in _NOT_NAMES else None


_NOT_NAMES = set(
    [
        "banho",
        "tosa",
        "creche",
        "hotel",
        "segunda",
        "terca",
        "quarta",
        "quinta",
        "sexta",
        "sabado",
        "domingo",
        "amanha",
        "hoje",
        "semana",
        "manha",
        "tarde",
        "noite",
        "mesma",
        "mesmo",
        "dia",
        "cachorro",
        "cachorra",
        "gato",
        "gata",
        "pet",
        "meu",
        "minha",
        "ele",
        "ela",
        "vila",
        "bairro",
        "centro",
        "thor",
    ]
) - {"thor"}


def new_pet_name(text: str, known_pets: list[str] | None = None) -> str | None:
    """A new pet's name from "se chama Mel", "nome dela é luna", "minha cachorra Luna", "um golden chamado Bob"."""
    plain = " ".join(fold(w) if not w[:1].isupper() else w for w in re.findall(r"[\wÀ-ÿ-]+", text))
    plain = __import__("unicodedata").normalize("NFKD", plain).encode("ascii", "ignore").decode()
    m = re.search(r"\b(?:chama|chamad[oa]|nome (?:dele|dela|e)|se chama|nome)\s+(?:e\s+|eh\s+)?([A-Za-z][\w-]+)", plain, re.IGNORECASE)
    if m and fold(m.group(1)) not in _NOT_NAMES:
        return m.group(1).capitalize()
    species = "|".join(lexicon.SPECIES)
    breeds = "|".join(re.escape(b) for b in lexicon.BREEDS)
    m = re.search(rf"\b(?:{species}|{breeds})\s+(?:[a-z]+\s+)?([A-Z][\w-]+)", plain)
    if m and fold(m.group(1)) not in _NOT_NAMES:
        return m.group(1)
    for pattern in (
        r"\b(?:cadastr\w+|registr\w+)\s+(?:o|a)\s+([A-Z][\w-]+)",
        rf"\b(?:{species}|{breeds})\b[^.!?]*?\s(?:o|a)\s+([A-Z][\w-]+)",  # "uma beagle de 2 anos, a Bela"
        rf"\b([A-Z][\w-]+),?\s+(?:um|uma)\s+(?:{species}|{breeds})\b",  # "Fred, um pug"
        r"\bpet\s*:\s*([A-Z][\w-]+)",
    ):
        m = re.search(pattern, plain)
        if m and fold(m.group(1)) not in _NOT_NAMES:
            return m.group(1)
    return None


def neighbourhood(text: str) -> str:
    """The neighbourhood in "moro no Tatuapé", "sou da vila mariana", "bairro centro" (title-cased)."""
    m = re.search(
        r"\b(?:moro|fico|sou|estou|to|tô|moramos)\s+(?:no|na|em|do|da|perto do|perto da|aqui no|aqui na)\s+(?:bairro\s+)?"
        r"([\wÀ-ÿ]+(?:\s+(?!e\b|eh\b|é\b|perto\b|mas\b|tenho\b|quero\b|queria\b)[\wÀ-ÿ]+){0,2})",
        text,
        re.IGNORECASE,
    ) or re.search(r"\bbairro\s+([\wÀ-ÿ]+(?:\s+(?!e\b|é\b)[\wÀ-ÿ]+){0,2})", text, re.IGNORECASE)
    if not m:
        return ""
    words = re.split(r"[,.;!?]", m.group(1))[0].split()
    stop = {"e", "eh", "é", "com", "tenho", "meu", "minha", "pra", "para", "urgente", "hoje", "quero", "queria"}
    kept = []
    for w in words:
        if w.lower() in stop:
            break
        kept.append(w)
    return " ".join(w.capitalize() if w.lower() not in ("de", "do", "da", "dos", "das") else w.lower() for w in kept)


def urgency(norm: str) -> str:
    """'hoje', 'esta_semana', 'sem_pressa' or ''."""
    if re.search(r"\b(urgente|urgencia|hoje|o quanto antes|o mais rapido|agora|emergencia)\b", norm):
        return "hoje"
    if re.search(r"\b(essa|esta) semana\b|\bproximos dias\b", norm):
        return "esta_semana"
    if re.search(r"\b(sem pressa|tranquilo|qualquer dia|mes que vem|sem urgencia)\b", norm):
        return "sem_pressa"
    return ""
