"""The team inbox on PostgreSQL (the app role, RLS on): label filter on the JSON column, search in
messages, and the new tables (queues, quick replies) invisible to another shop even by raw SQL."""

from __future__ import annotations

from sqlalchemy import text

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.services import inbox, quick_replies
from auzap_console.services import queues as queue_service
from tests.utils.agent_helpers import PHONE, agent_shop


def test_labels_search_and_row_level_security():
    a, b = agent_shop("Loja Rótulos PG A"), agent_shop("Loja Rótulos PG B")
    conversation_id, _ = receive_text(tenant_id=a.tenant_id, phone=PHONE, text="quero um orçamento de tosa")
    with tenant_session(a.tenant_id) as s:
        inbox.set_labels(s, actor=a.actor, conversation_id=conversation_id, labels=["Orçamento", "ração"])
        queue_service.save_queue(s, actor=a.actor, name="Tosa", keywords=["tosa"], member_ids=[])
        quick_replies.save_reply(s, actor=a.actor, shortcut="oi", body="Olá {nome}")
    with tenant_session(a.tenant_id) as s:
        by_label = inbox.list_conversations(s, actor=a.actor, status="all", label="ração").rows
        by_words = inbox.list_conversations(s, actor=a.actor, status="all", search="orçamento de tosa").rows
    assert [c.id for c, _, _ in by_label] == [conversation_id] and [c.id for c, _, _ in by_words] == [conversation_id]
    with tenant_session(b.tenant_id) as s:
        assert s.execute(text("SELECT count(*) FROM queues")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM quick_replies")).scalar() == 0
        assert inbox.list_conversations(s, actor=b.actor, status="all", label="ração").rows == []


def test_search_inside_messages_stays_in_the_sessions_shop():
    """The inbox's message search runs in `auzap_message_search` (SECURITY DEFINER, so the trigram
    index can serve it): it answers only for the shop the session is pinned to, and nothing without one."""
    a, b = agent_shop("Loja Busca PG A"), agent_shop("Loja Busca PG B")
    mine, _ = receive_text(tenant_id=a.tenant_id, phone=PHONE, text="o Rex precisa de hidratação")
    theirs, _ = receive_text(tenant_id=b.tenant_id, phone=PHONE, text="o Rex precisa de hidratação")
    with tenant_session(a.tenant_id) as s:
        assert s.execute(text("SELECT * FROM auzap_message_search('%hidrata%')")).scalars().all() == [mine]
        found = inbox.list_conversations(s, actor=a.actor, status="all", search="hidrata")
        assert [c.id for c, _, _ in found.rows] == [mine] and found.total == 1
        assert inbox.list_conversations(s, actor=a.actor, status="all", search="hidrata", page=2).total == 1  # total past the last page
    with tenant_session(b.tenant_id) as s:
        assert s.execute(text("SELECT * FROM auzap_message_search('%hidrata%')")).scalars().all() == [theirs]
        assert [c.id for c, _, _ in inbox.list_conversations(s, actor=b.actor, status="all", search="hidrata").rows] == [theirs]
        assert inbox.list_conversations(s, actor=b.actor, status="all", search="%%%").rows == []  # typed, not wildcards
    with tenant_session(None) as s:  # no shop: nothing, not everything
        assert s.execute(text("SELECT count(*) FROM auzap_message_search('%%')")).scalar() == 0


def test_a_word_search_goes_back_a_month_at_a_time_and_says_when_it_stopped(monkeypatch):
    """`auzap_message_search(pattern, enough)` reads the newest month first and stops after the month
    in which `enough` conversations said the word; the inbox then gives its total as a floor."""
    from datetime import timedelta

    from auzap_console.db_types import utcnow
    from auzap_console.models import Message
    from auzap_console.services import inbox as inbox_service

    shop = agent_shop("Loja Busca Meses")
    recent = [receive_text(tenant_id=shop.tenant_id, phone=f"+55119700000{i:02d}", text="quero marcar uma tosa")[0] for i in range(2)]
    old, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511970000099", text="a tosa de março ficou ótima")
    with tenant_session(shop.tenant_id) as s:  # that customer wrote two months ago
        s.execute(text("UPDATE messages SET created_at = :at WHERE conversation_id = :c"), {"at": utcnow() - timedelta(days=62), "c": old})
        assert s.exec(select_count_of(Message, old)).one() == 1
    with tenant_session(shop.tenant_id) as s:
        assert sorted(s.execute(text("SELECT * FROM auzap_message_search('%tosa%')")).scalars()) == sorted([*recent, old])  # everything
        assert sorted(s.execute(text("SELECT * FROM auzap_message_search('%tosa%', 2)")).scalars()) == sorted(recent)  # enough: stopped
        assert sorted(s.execute(text("SELECT * FROM auzap_message_search('%tosa%', 3)")).scalars()) == sorted([*recent, old])
        full = inbox_service.list_conversations(s, actor=shop.actor, status="all", search="tosa")
        assert (full.total, full.at_least) == (3, False)
        monkeypatch.setattr(inbox_service, "SEARCH_ENOUGH", 2)
        floor = inbox_service.list_conversations(s, actor=shop.actor, status="all", search="tosa")
        assert (sorted(c.id for c, _, _ in floor.rows), floor.total, floor.at_least) == (sorted(recent), 2, True)
    other = agent_shop("Loja Busca Meses B")  # another shop's search finds none of these
    with tenant_session(other.tenant_id) as s:
        assert s.execute(text("SELECT count(*) FROM auzap_message_search('%tosa%', 2)")).scalar() == 0


def select_count_of(model, conversation_id: int):
    from sqlmodel import func, select

    return select(func.count()).select_from(model).where(model.conversation_id == conversation_id)
