"""The customer assistant end to end on the offline engine: a booking made by chat lands on the
customer's record, confirmations are real, and everything is recorded."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.models import AIInteraction, Appointment, Conversation, Pet, UsageDaily
from auzap_console.services import customers
from tests.utils.agent_helpers import PHONE, agent_shop


def _say(shop, text, phone=PHONE):
    return chat(tenant_id=shop.tenant_id, phone=phone, text=text)


def _appointments(shop):
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Appointment).where(Appointment.tenant_id == shop.tenant_id)))


def test_greeting_prices_and_hours():
    shop = agent_shop()
    hello = _say(shop, "oiii bom dia 🐶")
    assert hello.engine == "offline" and "Olá, Joana" in hello.reply
    prices = _say(shop, "quanto tá o banho?")
    assert [c["tool"] for c in prices.tool_calls] == ["list_services"]
    assert "Banho P: R$ 50,00" in prices.reply and "Banho G: R$ 85,00" in prices.reply
    hours = _say(shop, "q horas vcs abrem sabado?")
    assert "08:00 às 18:00" in hours.reply


def test_booking_by_chat_appears_on_the_customer_record():
    shop = agent_shop()
    result = _say(shop, "qria marcar um banho pro Thor segunda às 3 da tarde")
    assert [c["tool"] for c in result.tool_calls] == ["book_appointment"], result.reply
    assert "Agendado" in result.reply and "15:00" in result.reply
    (appt,) = _appointments(shop)
    with tenant_session(shop.tenant_id) as s:
        pet = s.get(Pet, appt.pet_id)
    assert (appt.customer_id, pet.name, appt.source, appt.status, appt.price_cents) == (shop.customer_id, "Thor", "ai", "confirmed", 5000)
    mine = _say(shop, "meus agendamentos")
    assert "Banho P do Thor" in mine.reply


def test_booking_across_several_messages():
    shop = agent_shop()
    first = _say(shop, "quero agendar uma tosa completa")
    assert "o dia e o horário" in first.reply and not first.tool_calls
    slots = _say(shop, "terça de manhã")
    assert [c["tool"] for c in slots.tool_calls] == ["check_availability"]
    assert "08:00" in slots.reply
    done = _say(shop, "as 9h")
    assert [c["tool"] for c in done.tool_calls] == ["book_appointment"], done.reply
    assert len(_appointments(shop)) == 1


def test_any_free_time_of_the_day_can_be_picked_and_a_bare_yes_to_a_list_books_nothing():
    shop = agent_shop()
    offered = _say(shop, "quero agendar um banho pro Thor amanhã")
    assert "08:00" in offered.reply and "17:00" in offered.reply and "14:00" not in offered.reply  # the day in a few times
    assert "Qual prefere?" in _say(shop, "sim").reply and _appointments(shop) == []  # "sim" is not "the first one"
    done = _say(shop, "pode ser às 14h")  # free, though not among the times shown
    assert [c["tool"] for c in done.tool_calls] == ["book_appointment"] and "14:00" in done.reply, done.reply
    _say(shop, "quero agendar um banho pro Thor depois de amanhã")
    last = _say(shop, "o último")  # the last time shown (11:30), not the last free one of the day
    assert "11:30" in last.reply, last.reply


def test_a_size_question_keeps_the_day_and_time_already_said():
    from sqlmodel import delete

    shop = agent_shop()
    with tenant_session(shop.tenant_id) as s:  # no pet on record: the bath's size is unknown
        s.exec(delete(Pet).where(Pet.tenant_id == shop.tenant_id))
    asked = _say(shop, "quero agendar banho amanhã")
    assert "Banho G" in asked.reply and "Banho P" in asked.reply and "pequeno ou grande" in asked.reply
    assert "Horários livres" not in asked.reply  # no times for a size nobody chose
    assert "Qual prefere?" in _say(shop, "pode ser às 14h").reply and _appointments(shop) == []
    done = _say(shop, "pequeno")
    assert [c["tool"] for c in done.tool_calls] == ["book_appointment"] and "Banho P" in done.reply and "14:00" in done.reply


def test_cancel_needs_a_yes():
    shop = agent_shop()
    _say(shop, "marcar banho pro Thor segunda 10h")
    ask = _say(shop, "preciso cancelar")
    assert "Confirma o cancelamento" in ask.reply
    assert _appointments(shop)[0].status == "confirmed"
    keep = _say(shop, "não")
    assert "deixei como estava" in keep.reply and _appointments(shop)[0].status == "confirmed"
    _say(shop, "quero cancelar")
    yes = _say(shop, "sim, pode cancelar")
    assert "Cancelado" in yes.reply
    assert _appointments(shop)[0].status == "cancelled"


def test_reschedule_and_full_slot():
    shop = agent_shop()
    _say(shop, "marcar banho pro Thor segunda 10h")
    moved = _say(shop, "quero remarcar pra terça 11h")
    assert "Remarcado" in moved.reply
    moved_to = _appointments(shop)[0].starts_at.astimezone(ZoneInfo("America/Sao_Paulo"))
    assert (moved_to.weekday(), moved_to.hour) == (1, 11)
    other = "+5511977776666"
    with tenant_session(shop.tenant_id) as s:
        cust = customers.save_customer(s, actor=shop.actor, name="Outro Tutor", phone=other)
        s.add(Pet(tenant_id=shop.tenant_id, customer_id=cust.id, name="Bidu", size="P"))
    # Banho P has capacity 1 in this shop: the same slot is refused with alternatives.
    busy = _say(shop, "marcar banho p pro Bidu terça 11h", phone=other)
    assert "lotado" in busy.reply and "Horários livres" in busy.reply


def test_register_pet_and_unknown_question():
    shop = agent_shop()
    reg = _say(shop, "quero cadastrar minha gata, ela se chama Mimi, é persa")
    assert "Cadastrei a Mimi" in reg.reply or "Cadastrei o Mimi" in reg.reply
    with tenant_session(shop.tenant_id) as s:
        mimi = s.exec(select(Pet).where(Pet.tenant_id == shop.tenant_id, Pet.name == "Mimi")).one()
    assert (mimi.species, mimi.breed, mimi.customer_id) == ("cat", "Persa", shop.customer_id)
    lost = _say(shop, "vcs aceitam pix?")
    assert "Posso ajudar com" in lost.reply  # a question it cannot place: the persona's menu, no invented answer


def test_knowledge_base_answers():
    from auzap_console.services import knowledge

    shop = agent_shop()
    with tenant_session(shop.tenant_id) as s:
        knowledge.save_article(s, actor=shop.actor, title="Formas de pagamento", body="Aceitamos Pix, cartão de crédito e débito.")
        knowledge.save_article(s, actor=shop.actor, title="Vacinas exigidas", body="Para creche e hotel exigimos V10 e antirrábica em dia.")
    pay = _say(shop, "vocês aceitam pix como pagamento?")
    assert pay.reply == "Aceitamos Pix, cartão de crédito e débito."
    vax = _say(shop, "quais vacinas precisa pra creche")
    assert "V10" in vax.reply


def test_handoff_pauses_the_ai():
    shop = agent_shop()
    result = _say(shop, "quero falar com um atendente")
    assert "equipe" in result.reply
    with tenant_session(shop.tenant_id) as s:
        conv = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
        assert conv.waiting_human and conv.ai_paused
    after = _say(shop, "oi?")
    assert after.reply == "" and after.skipped == "ai paused"


def test_handoff_keywords_from_the_agent_config():
    from auzap_console.services.agents import save_config

    shop = agent_shop()
    with tenant_session(shop.tenant_id) as s:
        save_config(s, actor=shop.actor, persona="customer_assistant", enabled=True, handoff_keywords=["procon"])
    result = _say(shop, "vou chamar o PROCON!")
    assert "equipe" in result.reply and result.engine == "rules"


def test_interactions_and_usage_are_recorded():
    shop = agent_shop()
    result = _say(shop, "quanto custa a tosa?")
    with tenant_session(shop.tenant_id) as s:
        rows = list(s.exec(select(AIInteraction).where(AIInteraction.tenant_id == shop.tenant_id).order_by(AIInteraction.id)))
        usage = s.exec(select(UsageDaily).where(UsageDaily.tenant_id == shop.tenant_id)).one()
    assert [r.kind for r in rows] == ["model", "tool", "model"]
    assert rows[1].tool == "list_services" and "Tosa completa" in str(rows[1].result)
    assert {r.message_id for r in rows} == {result.message_id}
    assert (usage.messages_in, usage.messages_out, usage.persona) == (1, 1, "customer_assistant")
    assert usage.tokens_in > 0 and usage.cost_micro_usd == 0


def test_a_retried_turn_never_replies_twice():
    from auzap_console.agents.runtime import run_turn

    shop = agent_shop()
    first = _say(shop, "oi")
    with tenant_session(shop.tenant_id) as s:
        conv_id = s.exec(select(Conversation.id).where(Conversation.tenant_id == shop.tenant_id)).one()
    again = run_turn(tenant_id=shop.tenant_id, conversation_id=conv_id)
    assert first.message_id and again.message_id is None and again.skipped == "already answered"


def test_disabled_persona_does_not_answer():
    from auzap_console.services.agents import save_config

    shop = agent_shop()
    with tenant_session(shop.tenant_id) as s:
        save_config(s, actor=shop.actor, persona="customer_assistant", enabled=False)
    assert _say(shop, "oi").skipped == "persona disabled"


def test_memory_keeps_a_running_summary_that_reaches_the_prompt():
    from auzap_console.models import CustomerMemory
    from tests.utils.agent_helpers import ScriptedModel

    shop = agent_shop()
    _say(shop, "quanto custa a tosa?")
    _say(shop, "marcar banho pro Thor segunda 10h")
    with tenant_session(shop.tenant_id) as s:
        memory = s.exec(select(CustomerMemory).where(CustomerMemory.customer_id == shop.customer_id)).one()
    lines = memory.summary.splitlines()
    assert len(lines) == 2 and "list_services" in lines[0] and "book_appointment" in lines[1]
    model = ScriptedModel("oi")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi", client=model)
    assert "Resumo:" in model.seen[0][0]["content"] and "book_appointment" in model.seen[0][0]["content"]


def test_agent_hours_send_one_away_notice_per_day():
    from datetime import UTC, datetime

    from auzap_console.agents.runtime import AWAY_REPLY, run_turn
    from auzap_console.services.agents import save_config

    shop = agent_shop("Loja Horário")
    with tenant_session(shop.tenant_id) as s:
        save_config(
            s,
            actor=shop.actor,
            persona="customer_assistant",
            enabled=True,
            business_hours={d: {"open": "08:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")},
        )
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 20:30 in São Paulo, a Sunday
    from auzap_console.agents.chat import receive_text

    conv, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    first = run_turn(tenant_id=shop.tenant_id, conversation_id=conv, now=sunday_night)
    assert first.reply == AWAY_REPLY and first.engine == "rules"
    conv, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="alguém aí?")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conv, now=sunday_night).skipped == "outside hours"
    monday_morning = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    conv, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="bom dia, quanto custa o banho?")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conv, now=monday_morning).engine == "offline"


def test_typing_delay_holds_the_send_not_the_worker(monkeypatch):
    import time as _time

    from auzap_console.jobs import queues
    from auzap_console.settings import get_settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    ran = []
    started = _time.monotonic()
    queues.enqueue(lambda: ran.append(_time.monotonic() - started), job_key="typing-delay-test", delay_ms=300)
    assert ran == []  # enqueue returned at once
    queues.in_process().drain()
    assert ran and ran[0] >= 0.3


def test_a_stretched_greeting_is_a_greeting():
    from auzap_console.agents.chat import chat

    shop = agent_shop("Loja Oii")
    reply = chat(tenant_id=shop.tenant_id, phone=PHONE, text="oii boa tarde").reply
    assert "não entendi" not in reply.lower() and "Joana" in reply
