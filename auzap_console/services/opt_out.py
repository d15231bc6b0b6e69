"""Marketing opt-out: "SAIR", "PARAR", "não quero mais" (and variants) — from then on no campaign or automation.

The agent turn asks here first, at any hour and even with the AI paused: the customer is marked
opted out (audited) and told so; chats with the shop go on as usual. Only the whole message
counts ("não quero mais o horário de amanhã" is not an opt-out).
"""

from __future__ import annotations

import re

from sqlmodel import Session

from auzap_console.i18n import t
from auzap_console.models import Customer
from auzap_console.services import audit
from auzap_console.text import normalize

_PHRASES = re.compile(
    r"^(sair|parar|pare|para|stop|chega|descadastrar|descadastra|descadastre|cancelar inscricao|cancelar mensagens|"
    r"nao quero mais( receber)?( mensagens?| promocoes| propagandas?| campanhas?| isso)?|"
    r"nao (me )?(mande|manda|envie|envia)(m)? mais( mensagens?| nada| promocoes)?|"
    r"(me )?(tira|tire|remove|remova|exclui|exclua) (meu numero )?da lista)"
    r"( por favor| pfv| pf)?[ .!]*$"
)


def is_opt_out(text: str) -> bool:
    """Whether a whole message asks to stop marketing messages: "SAIR", "parar", "Não quero mais receber!"."""
    return bool(_PHRASES.match(normalize(text)))


def handle(session: Session, *, actor, customer_id: int, text: str) -> str | None:
    """Mark the customer opted out when the message asks it; the confirmation to send, or None."""
    if not is_opt_out(text):
        return None
    customer = session.get(Customer, customer_id)
    if customer is None or customer.tenant_id != actor.tenant_id:
        return None
    if not customer.marketing_opt_out:
        customer.marketing_opt_out = True
        session.add(customer)
        audit.record(session, actor=actor, action="customer.opt_out", entity="customer", entity_id=customer.id, details={"text": text[:80]})
    return t("optout.confirmed")
