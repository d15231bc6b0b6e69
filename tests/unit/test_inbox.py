"""Inbox service and handlers: filters, takeover pauses the AI, human replies, tenant isolation."""

from __future__ import annotations

from sqlmodel import select

from auzap_console.agents.chat import chat, receive_text
from auzap_console.agents.runtime import run_turn
from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Conversation, Message, User
from auzap_console.pages.inbox import InboxState
from auzap_console.services import inbox
from auzap_console.services.context import ServiceError
from tests.conftest import session_token
from tests.utils.agent_helpers import PHONE, agent_shop
from tests.utils.reflex_harness import Browser


def _conversation_id(shop):
    with tenant_session(shop.tenant_id) as s:
        return s.exec(select(Conversation.id).where(Conversation.tenant_id == shop.tenant_id)).first()


def test_filters_search_and_unread():
    shop = agent_shop("Loja Filtros")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    chat(tenant_id=shop.tenant_id, phone="+5511922223333", text="quero falar com um atendente", name="Carlos Lead")
    with tenant_session(shop.tenant_id) as s:
        everyone = inbox.list_conversations(s, actor=shop.actor, status="open")
        waiting = inbox.list_conversations(s, actor=shop.actor, status="waiting")
        found = inbox.list_conversations(s, actor=shop.actor, status="all", search="carlos")
        by_phone = inbox.list_conversations(s, actor=shop.actor, status="all", search="98888")
    assert everyone.total == 2 and waiting.total == 1 and waiting.rows[0][1].name == "Carlos Lead"
    assert [c.name for _, c, _ in found.rows] == ["Carlos Lead"] and [c.name for _, c, _ in by_phone.rows] == ["Joana Tutora"]
    assert all(preview for _, _, preview in everyone.rows)
    with tenant_session(shop.tenant_id) as s:  # what is typed is looked for, not LIKE's wildcards
        assert inbox.list_conversations(s, actor=shop.actor, status="all", search="%%%").total == 0
        assert inbox.list_conversations(s, actor=shop.actor, status="all", search="a_e").total == 0  # "atendente" has no "a_e"
        assert inbox.list_conversations(s, actor=shop.actor, status="all", search="atend").total == 1
    cid = _conversation_id(shop)
    with tenant_session(shop.tenant_id) as s:
        inbox.mark_read(s, actor=shop.actor, conversation_id=cid)
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Conversation, cid).unread_count == 0


def test_take_over_pauses_ai_and_hand_back_resumes():
    shop = agent_shop("Loja Assumir")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    cid = _conversation_id(shop)
    with tenant_session(shop.tenant_id) as s:
        inbox.take_over(s, actor=shop.actor, conversation_id=cid)
        reply = inbox.reply_as_human(s, actor=shop.actor, conversation_id=cid, text="Oi! Aqui é a dona.")
        assert reply.sender == "human" and reply.direction == "out"
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="que bom!")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id).skipped == "ai paused"
    with tenant_session(shop.tenant_id) as s:
        inbox.hand_back(s, actor=shop.actor, conversation_id=cid)
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="e quanto custa o banho?")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id).message_id
    with tenant_session(shop.tenant_id) as s:
        try:
            inbox.reply_as_human(s, actor=shop.actor, conversation_id=cid, text="   ")
            raise AssertionError("empty reply accepted")
        except ServiceError as exc:
            assert "Escreva" in str(exc)


def test_a_team_reply_to_a_handed_off_conversation_ends_the_wait():
    shop = agent_shop("Loja Espera")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    cid = _conversation_id(shop)
    with tenant_session(shop.tenant_id) as s:  # the AI handed it to the team: paused, waiting, nobody's
        conversation = s.get(Conversation, cid)
        conversation.ai_paused, conversation.waiting_human, conversation.assigned_user_id = True, True, None
        s.add(conversation)
    with tenant_session(shop.tenant_id) as s:
        inbox.reply_as_human(s, actor=shop.actor, conversation_id=cid, text="Oi! Aqui é a equipe.")
    with tenant_session(shop.tenant_id) as s:
        conversation = s.get(Conversation, cid)
        assert (conversation.waiting_human, conversation.ai_paused, conversation.assigned_user_id) == (False, True, shop.actor.user_id)
        colleague = User(tenant_id=shop.tenant_id, email=f"colega-{cid}@example.com", password_hash="x", name="Colega")
        s.add(colleague)
        s.flush()
        conversation.assigned_user_id = colleague_id = colleague.id  # handed to a colleague (round-robin), waiting
        conversation.waiting_human = True
        s.add(conversation)
    with tenant_session(shop.tenant_id) as s:
        inbox.reply_as_human(s, actor=shop.actor, conversation_id=cid, text="Complementando.")
    with tenant_session(shop.tenant_id) as s:
        conversation = s.get(Conversation, cid)
        assert (conversation.assigned_user_id, conversation.waiting_human) == (colleague_id, False)  # still theirs, no longer waiting


def test_inbox_handlers_never_show_or_touch_another_tenant():
    a, b = agent_shop("Loja A"), agent_shop("Loja B")
    chat(tenant_id=a.tenant_id, phone=PHONE, text="segredo da loja A")
    a_conv = _conversation_id(a)
    tab = Browser(session_token(b.email, b.password))
    state = tab.state(InboxState)
    tab.call(InboxState.load)
    assert state.rows == []
    tab.call(InboxState.open, str(a_conv))
    assert state.messages == [] and state.form_error == t("err.not_found")
    assert not state.narrowed  # an empty inbox with no filter on says "no conversations yet"
    tab.call(InboxState.set_label, "reclamação")
    assert state.narrowed and state.rows == []  # a filter that finds nothing says so
    assert "3 letras" not in state.no_match
    tab.call(InboxState.search_changed, "oi")
    assert state.rows == [] and "a busca olha só nomes e telefones" in state.no_match  # why "oi" found no message
    state.selected_id = a_conv
    tab.call(InboxState.take_over)
    tab.call(InboxState.reply, {"text": "invasão"})
    with tenant_session(a.tenant_id) as s:
        conv = s.get(Conversation, a_conv)
        assert not conv.ai_paused
        assert s.exec(select(Message).where(Message.conversation_id == a_conv, Message.sender == "human")).all() == []


def test_persona_filter_in_the_service():
    shop = agent_shop("Loja Personas")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    chat(tenant_id=shop.tenant_id, phone="+5511922224444", text="oi", name="Lead Novo")
    with tenant_session(shop.tenant_id) as s:
        sdr = inbox.list_conversations(s, actor=shop.actor, status="all", persona="sdr")
        assistant = inbox.list_conversations(s, actor=shop.actor, status="all", persona="customer_assistant")
    assert [c.name for _, c, _ in sdr.rows] == ["Lead Novo"] and [c.name for _, c, _ in assistant.rows] == ["Joana Tutora"]
