"""No silent failures: a turn that failed for good shows a 'falhou' badge with its reason in the
inbox and can be retried; a failed send likewise; another tenant can neither see nor retry it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.jobs import queues
from auzap_console.jobs.agent import enqueue_answer
from auzap_console.models import Conversation, Message
from auzap_console.pages.inbox import InboxState
from auzap_console.services.conversations import FAILURE_APOLOGY
from tests.conftest import session_token
from tests.utils.agent_helpers import PHONE, agent_shop
from tests.utils.reflex_harness import Browser

pytestmark = pytest.mark.usefixtures("local_jobs")
JOB_RETRY_INTERVALS = "0"


def _failed_turn(shop, monkeypatch) -> tuple[int, int]:
    def broken(**kwargs):
        raise RuntimeError("modelo fora do ar")

    with monkeypatch.context() as patch:
        patch.setattr("auzap_console.jobs.agent.run_turn", broken)
        conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
        enqueue_answer(shop.tenant_id, conversation_id, message_id)
        queues.in_process().drain()
    return conversation_id, message_id


def test_failed_turn_shows_a_badge_and_retry_answers_it(monkeypatch):
    shop = agent_shop("Loja Falhou")
    conversation_id, message_id = _failed_turn(shop, monkeypatch)
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(InboxState)
    tab.call(InboxState.load)
    tab.call(InboxState.open, str(conversation_id))
    (failed,) = [m for m in state.messages if m.failed]
    assert failed.id == message_id and "A IA não conseguiu responder" in failed.failed
    assert "modelo fora do ar" in failed.failed
    assert [m.text for m in state.messages if m.mine] == [FAILURE_APOLOGY]
    assert all(m.ticks == "" for m in state.messages)  # no channel: no pending clock forever
    tab.call(InboxState.retry, str(message_id))
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        message = s.get(Message, message_id)
        conversation = s.get(Conversation, conversation_id)
        replies = s.exec(select(Message).where(Message.conversation_id == conversation_id, Message.direction == "out")).all()
    assert message.processing == "done" and not conversation.ai_paused
    assert "Banho P: R$ 50,00" in replies[-1].body
    tab.call(InboxState.open, str(conversation_id))
    assert not any(m.failed for m in state.messages)


def test_another_tenant_cannot_retry(monkeypatch):
    a, b = agent_shop("Loja A Falha"), agent_shop("Loja B Curiosa")
    conversation_id, message_id = _failed_turn(a, monkeypatch)
    tab = Browser(session_token(b.email, b.password))
    state = tab.state(InboxState)
    tab.call(InboxState.load)
    tab.call(InboxState.retry, str(message_id))
    assert state.form_error == t("err.not_found")
    queues.in_process().drain()
    with tenant_session(a.tenant_id) as s:
        assert s.get(Message, message_id).processing == "failed"
        assert s.get(Conversation, conversation_id).ai_paused


def test_retrying_a_message_that_did_not_fail_is_refused():
    shop = agent_shop("Loja Sem Falha")
    _, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(InboxState)
    tab.call(InboxState.load)
    tab.call(InboxState.retry, str(message_id))
    assert state.form_error == t("inbox.retry_not_failed")
