"""A campaign's message: `{variables}` filled per customer, `{Oi|Olá}` variants picked per customer.

Braces around a bare name are a variable (`{nome}`); braces with `|` are variants, which may nest
and hold variables (`{Oi {nome}|Olá, {nome}}`). The pick is seeded by the recipient, so the same
customer always gets the same text (a retried send writes what the preview showed). An unknown
variable or an unbalanced brace is refused with the list of what is allowed.
"""

from __future__ import annotations

import random
import re

from auzap_console.i18n import t
from auzap_console.services.context import ServiceError

VARIABLES: dict[str, str] = {  # name → what it becomes (shown beside the editor)
    "nome": "camp.var_nome",
    "pet": "camp.var_pet",
    "ultimo_servico": "camp.var_ultimo_servico",
    "dias_sem_vir": "camp.var_dias_sem_vir",
    "link_agendamento": "camp.var_link",
    "loja": "camp.var_loja",
}
MAX_LENGTH = 1000
_VARIABLE = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_INNERMOST = re.compile(r"\{([^{}]*)\}")
_MARK = "\x00"


def validate(template: str) -> str:
    """The template, stripped, or a ServiceError naming the problem (empty, too long, unbalanced, unknown variable)."""
    text = (template or "").strip()
    if not text:
        raise ServiceError(t("err.camp_empty"), field="campaign-template")
    if len(text) > MAX_LENGTH:
        raise ServiceError(t("err.too_long", label=t("camp.message"), max=MAX_LENGTH), field="campaign-template")
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise ServiceError(t("err.camp_braces"), field="campaign-template")
    unknown = sorted({name for name in _VARIABLE.findall(text) if name.lower() not in VARIABLES})
    if unknown:
        allowed = ", ".join(f"{{{v}}}" for v in VARIABLES)
        raise ServiceError(t("err.camp_variable", names=", ".join(f"{{{u}}}" for u in unknown), allowed=allowed), field="campaign-template")
    return text


def variables_used(template: str) -> set[str]:
    """The variables a template uses."""
    return {name.lower() for name in _VARIABLE.findall(template or "")}


def render(template: str, values: dict[str, str], seed: int | str) -> str:
    """The message for one recipient: variants picked with `seed`, variables filled from `values`."""
    text = _VARIABLE.sub(lambda m: f"{_MARK}{m.group(1).lower()}{_MARK}", template)
    rng = random.Random(str(seed))
    while True:
        replaced = _INNERMOST.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if replaced == text:
            break
        text = replaced
    filled = re.sub(f"{_MARK}([a-z_0-9]+){_MARK}", lambda m: values.get(m.group(1), ""), text)
    return re.sub(r"[ \t]{2,}", " ", filled).strip()
