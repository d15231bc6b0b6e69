"""What a message costs the worker, kept low without changing what it does: the day's usage counted
in one UPDATE at commit, the typing delay counted from the customer's message, a reply sent by its
own turn's job in local mode too, and an inbound event stored in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from auzap_console.agents import runtime
from auzap_console.agents.chat import receive_text
from auzap_console.db import get_engine, tenant_session
from auzap_console.db_types import utcnow
from auzap_console.jobs import queues
from auzap_console.models import UsageDaily
from auzap_console.services import usage
from tests.conftest import make_shop
from tests.utils.agent_helpers import PHONE, agent_shop


def _statements(run) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, params, context, many):
        if not statement.startswith(("BEGIN", "COMMIT", "SELECT set_config")):
            seen.append(" ".join(statement.split()[:3]))

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)
    return seen


def _counters(shop) -> list[tuple[int, int, int, int]]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(UsageDaily).where(UsageDaily.tenant_id == shop.tenant_id)).all()
    return [(r.messages_in, r.messages_out, r.tokens_in, r.cost_micro_usd) for r in rows]


def test_a_transactions_usage_is_one_update_written_last():
    shop = make_shop("Loja Contagem")

    def transaction():
        with tenant_session(shop.tenant_id) as s:
            for _ in range(3):
                usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=1, tokens_in=10, cost_micro_usd=5)
            s.exec(select(UsageDaily.id)).all()  # other work after counting

    _statements(transaction)  # the first time inserts the day's row
    done = _statements(transaction)
    usage_writes = [i for i, text in enumerate(done) if text.startswith("UPDATE usage_daily")]
    assert usage_writes == [len(done) - 1]  # one UPDATE, the transaction's last statement
    assert _counters(shop) == [(6, 0, 60, 30)]


def test_usage_of_a_rolled_back_transaction_is_not_counted():
    shop = make_shop("Loja Desfeita")
    with pytest.raises(RuntimeError), tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=5)
        raise RuntimeError("the transaction fails")
    with tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=1)
        with s.begin_nested():  # a savepoint's release is not the commit: nothing written twice
            usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=1)
        assert usage.month_usage(s, actor=shop.actor).total.messages_in == 2  # readers see this transaction's counts
    assert _counters(shop) == [(2, 0, 0, 0)]


def test_the_typing_delay_counts_from_the_customers_message():
    assert runtime._typing_left(None, 1500) == 1500
    assert runtime._typing_left(utcnow(), 0) == 0
    assert 1000 < runtime._typing_left(utcnow() - timedelta(milliseconds=300), 1500) <= 1200
    assert runtime._typing_left(utcnow() - timedelta(seconds=3), 1500) == 0  # a slow model already took longer
    assert runtime._typing_left((utcnow() - timedelta(seconds=1)).replace(tzinfo=None), 1500) <= 500  # SQLite's naive UTC


def test_a_turn_answers_with_the_typing_delay_left_not_the_whole_of_it():
    shop = agent_shop("Loja Digitando")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    result = runtime.run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id)
    assert result.message_id and 0 <= result.typing_delay_ms <= 1200  # the default 1,2 s, less the turn's own time


def test_in_local_mode_a_mark_makes_the_key_count_as_a_running_job():
    key = queues.job_id("send", "local-mark-test")
    with queues.doing_here(key, 30) as mine:
        assert mine and queues.job_state(key) == queues.ACTIVE
        ran: list[str] = []
        queues.enqueue(ran.append, "beside", job_key=key, revive=True)
        queues.in_process().drain()
        assert ran == []  # nothing ran beside the marked work
        with queues.doing_here(key, 30) as second:
            assert not second
    assert queues.job_state(key) == queues.MISSING
