"""The inbox page as the team uses it: filters by responsible person, queue and label; assigning,
moving to a queue, labelling; private notes; quick replies typed with "/"; closing and reopening;
the queues/quick-replies page and merging records from the customer page."""

from __future__ import annotations

from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.models import Conversation, Customer, Message
from auzap_console.pages.customers import CustomersState, MergeState
from auzap_console.pages.inbox import InboxState
from auzap_console.pages.inbox_setup import InboxSetupState
from auzap_console.services import customers, team
from tests.conftest import session_token
from tests.utils.agent_helpers import PHONE, agent_shop
from tests.utils.reflex_harness import Browser


def test_the_team_works_a_conversation_from_the_inbox():
    shop = agent_shop("Loja Caixa Equipe")
    with tenant_session(shop.tenant_id) as s:
        fabi = team.add_user(
            s, actor=shop.actor, name="Fabi", email=f"fabi-{shop.tenant_id}@example.com", role="staff", password="Rabanete-Azul-77"
        )
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi, quero marcar banho")
    receive_text(tenant_id=shop.tenant_id, phone="+5511933334444", text="oi")
    owner = Browser(session_token(shop.email, shop.password))
    owner.call(InboxSetupState.load)
    owner.call(InboxSetupState.open_queue, 0)
    owner.call(InboxSetupState.save_queue, {"queue-name": "", "keywords": "banho"})
    setup = owner.state(InboxSetupState)
    assert "nome da fila" in setup.form_error and setup.queue_dialog
    owner.call(InboxSetupState.save_queue, {"queue-name": "Banho e tosa", "keywords": "banho, tosa", f"member-{fabi.id}": "on"})
    owner.call(InboxSetupState.open_reply, 0)
    owner.call(InboxSetupState.save_reply, {"quick-shortcut": "preco", "quick-body": "Oi {nome}, o banho do {pet} é R$ 50,00."})
    assert [q.name for q in setup.queue_rows] == ["Banho e tosa"] and setup.queue_rows[0].member_names == "Fabi"
    assert [r.shortcut for r in setup.reply_rows] == ["preco"]

    tab = Browser(session_token(shop.email, shop.password))
    tab.call(InboxState.load)
    inbox_state = tab.state(InboxState)
    tab.call(InboxState.open, conversation_id)
    queue_id = next(o.value for o in inbox_state.queue_choices if o.label == "Banho e tosa")
    tab.call(InboxState.assign, str(fabi.id))
    tab.call(InboxState.move_queue, queue_id)
    tab.call(InboxState.save_labels, {"labels": "orçamento, VIP"})
    assert (inbox_state.header.assignee, inbox_state.header.queue, inbox_state.header.labels) == (
        str(fabi.id),
        queue_id,
        ["orçamento", "vip"],
    )
    tab.call(InboxState.set_assignee, str(fabi.id))
    assert [r.id for r in inbox_state.rows] == [conversation_id] and inbox_state.rows[0].assignee == "Fabi"
    tab.call(InboxState.set_assignee, "none")
    assert conversation_id not in [r.id for r in inbox_state.rows]
    tab.call(InboxState.set_assignee, "all")
    tab.call(InboxState.set_queue, queue_id)
    assert [r.id for r in inbox_state.rows] == [conversation_id]
    tab.call(InboxState.set_queue, "all")
    tab.call(InboxState.set_label, "vip")
    assert [r.id for r in inbox_state.rows] == [conversation_id]
    tab.call(InboxState.set_label, "all")

    tab.call(InboxState.typed, "/pr")
    assert [(o.shortcut, o.body) for o in inbox_state.quick] == [("/preco", "Oi {nome}, o banho do {pet} é R$ 50,00.")]
    events = tab.call(InboxState.use_quick, inbox_state.quick[0].id)
    assert "Oi Joana, o banho do Thor é R$ 50,00." in str(events) and inbox_state.quick == []
    tab.call(InboxState.set_note_mode, True)
    tab.call(InboxState.reply, {"text": "ligar à tarde"})
    assert inbox_state.messages[-1].private and inbox_state.messages[-1].author == "Dona Teste"
    tab.call(InboxState.ask_close)
    tab.call(InboxState.close_conversation, {"resolution": ""})
    assert inbox_state.closing and "resolução" in inbox_state.form_error
    tab.call(InboxState.close_conversation, {"resolution": "agendou sexta"})
    assert inbox_state.header.closed and inbox_state.header.resolution == "agendou sexta" and not inbox_state.closing
    tab.call(InboxState.reopen)
    assert not inbox_state.header.closed
    with tenant_session(shop.tenant_id) as s:
        notes = s.exec(select(Message.body).where(Message.conversation_id == conversation_id, Message.direction == "note")).all()
        conversation = s.get(Conversation, conversation_id)
    assert "Atribuída a Fabi." in notes and "ligar à tarde" in notes and conversation.status == "open"


def test_merging_from_the_customer_page():
    shop = agent_shop("Loja Unificar Página")
    with tenant_session(shop.tenant_id) as s:
        twin = customers.save_customer(s, actor=shop.actor, name="Joana Segundo Número", phone="+5511955554444")
        customers.save_pet(s, actor=shop.actor, customer_id=twin.id, name="Pipoca")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.select, shop.customer_id)
    tab.call(MergeState.open_dialog)
    tab.call(MergeState.search, "Joana")
    merge = tab.state(MergeState)
    assert [o.value for o in merge.results] == [str(twin.id)]  # not the record on screen
    tab.call(MergeState.choose, merge.results[0].value, merge.results[0].label)
    tab.call(MergeState.merge)
    record = tab.state(CustomersState)
    assert not merge.open and sorted(p.name for p in record.pets) == ["Pipoca", "Thor"]
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Customer, twin.id) is None


def test_staff_cannot_merge_nor_set_up_queues():
    shop = agent_shop("Loja Papéis Caixa")
    with tenant_session(shop.tenant_id) as s:
        team.add_user(
            s, actor=shop.actor, name="Gabi", email=f"gabi-{shop.tenant_id}@example.com", role="staff", password="Rabanete-Azul-77"
        )
    tab = Browser(session_token(f"gabi-{shop.tenant_id}@example.com", "Rabanete-Azul-77"))
    tab.call(InboxSetupState.save_reply, {"quick-shortcut": "oi", "quick-body": "x"})
    tab.call(MergeState.open_dialog)
    assert not tab.state(MergeState).open
    with tenant_session(shop.tenant_id) as s:
        from auzap_console.models import QuickReply

        assert s.exec(select(QuickReply).where(QuickReply.tenant_id == shop.tenant_id)).all() == []
