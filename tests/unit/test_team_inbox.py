"""Working as a team: queues and round-robin among people online, assignment and its filters,
private notes never sent, labels, close/reopen, search inside messages, quick replies with
variables, merging two records of one person; another shop reaches none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.jobs.agent import answer_conversation
from auzap_console.models import AuditLog, Conversation, CustomerMemory, Message, Pet, User
from auzap_console.services import assignment, customers, inbox, quick_replies, team
from auzap_console.services import queues as queue_service
from auzap_console.services.channels import create_channel
from auzap_console.services.context import Actor, NotFound, ServiceError
from tests.utils.agent_helpers import PHONE, agent_shop

PASSWORD = "Rabanete-Azul-77"


def _team(shop, *names: str, online: tuple[str, ...] = ()) -> dict[str, int]:
    ids = {}
    with tenant_session(shop.tenant_id) as s:
        for name in names:
            user = team.add_user(
                s, actor=shop.actor, name=name, email=f"{name.lower()}-{shop.tenant_id}@example.com", role="staff", password=PASSWORD
            )
            user.last_seen_at = utcnow() if name in online else utcnow() - timedelta(hours=2)
            s.add(user)
            ids[name] = user.id
    return ids


def _conversation(shop, phone: str = PHONE, text: str = "oi") -> int:
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=phone, text=text)
    return conversation_id


def _hand_over(shop, conversation_id: int, reason: str) -> Conversation:
    with tenant_session(shop.tenant_id) as s:
        conversation = s.get(Conversation, conversation_id)
        assignment.request_human(s, actor=shop.actor, conversation=conversation, reason=reason)
        s.flush()
        return conversation


def test_hand_offs_enter_their_queue_and_go_round_robin_to_people_online():
    shop = agent_shop("Loja Filas")
    people = _team(shop, "Ana", "Bia", "Caio", online=("Ana", "Bia"))
    with tenant_session(shop.tenant_id) as s:
        grooming = queue_service.save_queue(
            s, actor=shop.actor, name="Banho e tosa", keywords=["banho", "Tosa"], member_ids=[people["Ana"], people["Bia"], people["Caio"]]
        )
        hotel = queue_service.save_queue(
            s, actor=shop.actor, name="Hotel", keywords=["hotel", "hospedagem"], member_ids=[], is_default=True
        )
    first = _hand_over(shop, _conversation(shop, "+5511911110001"), "quero reclamar da tosa")
    second = _hand_over(shop, _conversation(shop, "+5511911110002"), "o banho atrasou")
    third = _hand_over(shop, _conversation(shop, "+5511911110003"), "meu pet vai tomar banho")
    fourth = _hand_over(shop, _conversation(shop, "+5511911110004"), "quero falar com alguém")
    assert (first.queue_id, second.queue_id, fourth.queue_id) == (grooming.id, grooming.id, hotel.id)  # no keyword: the default
    assert [first.assigned_user_id, second.assigned_user_id, third.assigned_user_id] == [people["Ana"], people["Bia"], people["Ana"]]
    assert fourth.assigned_user_id in (people["Ana"], people["Bia"])  # a queue without members: anyone online
    assert people["Caio"] not in {c.assigned_user_id for c in (first, second, third, fourth)}  # offline: never
    with tenant_session(shop.tenant_id) as s:
        notes = s.exec(select(Message.body).where(Message.conversation_id == first.id, Message.direction == "note")).all()
        for user in s.exec(select(User).where(User.tenant_id == shop.tenant_id)):
            user.last_seen_at = None
            s.add(user)
    assert notes == ["Na fila Banho e tosa.", "Atribuída automaticamente a Ana."]
    nobody = _hand_over(shop, _conversation(shop, "+5511911110005"), "tosa")
    assert nobody.assigned_user_id is None and nobody.waiting_human  # nobody online: waits under "Sem responsável"


def test_the_agent_hand_off_goes_through_the_queue(local_jobs):
    shop = agent_shop("Loja Filas IA")
    people = _team(shop, "Duda", online=("Duda",))
    with tenant_session(shop.tenant_id) as s:
        queue_service.save_queue(
            s, actor=shop.actor, name="Veterinário", keywords=["vomitando", "passando mal"], member_ids=[people["Duda"]]
        )
    conversation_id = _conversation(shop, text="meu cachorro está vomitando desde ontem")
    answer_conversation(shop.tenant_id, conversation_id)
    with tenant_session(shop.tenant_id) as s:
        conversation = s.get(Conversation, conversation_id)
        queue = s.exec(select(Conversation.queue_id).where(Conversation.id == conversation_id)).one()
    assert conversation.waiting_human and conversation.ai_paused and conversation.assigned_user_id == people["Duda"]
    assert queue is not None


def test_assignment_filters_labels_search_and_closing():
    shop = agent_shop("Loja Atribui")
    people = _team(shop, "Eva", online=("Eva",))
    mine = _conversation(shop, "+5511922220001", "qual o preço da hidratação?")
    other = _conversation(shop, "+5511922220002", "oi")
    eva = Actor(tenant_id=shop.tenant_id, user_id=people["Eva"], role="staff")
    with tenant_session(shop.tenant_id) as s:
        assignment.assign(s, actor=shop.actor, conversation_id=mine, user_id=people["Eva"])
        inbox.set_labels(s, actor=eva, conversation_id=mine, labels=["Orçamento ", "orçamento", "vip"])
        with pytest.raises(ServiceError, match="Até 10 etiquetas"):
            inbox.set_labels(s, actor=eva, conversation_id=other, labels=["x" * 31])

    def ids(**filters) -> list[int]:
        with tenant_session(shop.tenant_id) as s:
            return [c.id for c, _, _ in inbox.list_conversations(s, actor=eva, **{"status": "all", **filters}).rows]

    assert ids(assignee="me") == [mine] and ids(assignee="none") == [other] and ids(assignee=str(people["Eva"])) == [mine]
    assert ids(label="orçamento") == [mine] and ids(label="vip") == [mine] and ids(label="reclamação") == []
    assert ids(search="hidratação") == [mine]  # words of the messages
    with tenant_session(shop.tenant_id) as s:
        assert inbox.labels_in_use(s, actor=eva) == ["orçamento", "vip"]
        with pytest.raises(ServiceError, match="resolução") as err:
            inbox.close(s, actor=eva, conversation_id=mine, resolution=" ")
        assert err.value.field == "resolution"
        inbox.close(s, actor=eva, conversation_id=mine, resolution="passou o preço")
    assert ids(status="closed") == [mine] and mine not in ids(status="open")
    again = _conversation(shop, "+5511922220001", "voltei")  # a closed conversation is not reused
    assert again != mine
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="outra conversa aberta"):
        inbox.reopen(s, actor=eva, conversation_id=mine)
    with tenant_session(shop.tenant_id) as s:
        inbox.close(s, actor=eva, conversation_id=again, resolution="duplicada")
        inbox.reopen(s, actor=eva, conversation_id=mine)
        assert s.get(Conversation, mine).status == "open"
        closing = s.exec(select(AuditLog.details).where(AuditLog.action == "conversation.close", AuditLog.entity_id == mine)).one()
    assert closing == {"resolution": "passou o preço"}


def test_a_private_note_is_never_sent_nor_read_by_the_ai(local_jobs):
    from tests.fakes.provider_server import FakeProvider

    shop = agent_shop("Loja Nota")
    with FakeProvider("evolution", "tok") as evo:
        with tenant_session(shop.tenant_id) as s:
            channel = create_channel(
                s,
                actor=shop.actor,
                name="Evo",
                provider="evolution",
                base_url=evo.base_url,
                external_id="loja",
                credentials={"api_key": "tok"},
            ).channel
        conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=channel.id)
        with tenant_session(shop.tenant_id) as s:
            note = inbox.add_note(s, actor=shop.actor, conversation_id=conversation_id, text="cliente prefere ser chamada de Jô")
        local_jobs.drain()
        assert evo.sent == []
        answer_conversation(shop.tenant_id, conversation_id)
        local_jobs.drain()
        assert all("Jô" not in sent.get("text", "") for sent in evo.sent)
    with tenant_session(shop.tenant_id) as s:
        stored = s.get(Message, note.id)
    assert (stored.direction, stored.sender, stored.meta, stored.provider_message_id) == ("note", "human", {"author": "Dona Teste"}, None)


def test_quick_replies_with_variables():
    shop = agent_shop("Loja Rápidas")
    conversation_id = _conversation(shop)
    with tenant_session(shop.tenant_id) as s:
        reply = quick_replies.save_reply(s, actor=shop.actor, shortcut="/Preço Banho", body="Oi {nome}! O banho do {pet} sai por R$ 50,00.")
        quick_replies.save_reply(s, actor=shop.actor, shortcut="endereco", body="Rua das Flores, 10.")
        with pytest.raises(ServiceError, match="Atalho inválido") as err:
            quick_replies.save_reply(s, actor=shop.actor, shortcut="x", body="y")
        assert err.value.field == "quick-shortcut"
        with pytest.raises(ServiceError, match="/endereco"):
            quick_replies.save_reply(s, actor=shop.actor, shortcut="endereco", body="outra")
        assert reply.shortcut == "preco-banho"
        assert [r.shortcut for r in quick_replies.matching(s, actor=shop.actor, typed="/pre")] == ["preco-banho"]
        assert [r.shortcut for r in quick_replies.matching(s, actor=shop.actor, typed="/")] == ["endereco", "preco-banho"]
        assert [r.shortcut for r in quick_replies.matching(s, actor=shop.actor, typed="/flores")] == ["endereco"]
        text = quick_replies.expand(s, actor=shop.actor, reply_id=reply.id, conversation_id=conversation_id)
    assert text == "Oi Joana! O banho do Thor sai por R$ 50,00."


def test_two_records_of_one_person_are_merged():
    shop = agent_shop("Loja Unifica")
    with tenant_session(shop.tenant_id) as s:
        lid = customers.save_customer(s, actor=shop.actor, name="Joana (WhatsApp)", phone="+5511977776666", email="jo@example.com")
        customers.save_pet(s, actor=shop.actor, customer_id=lid.id, name="Mel", species="cat")
        lid.tags = ["instagram"]
        s.add(CustomerMemory(tenant_id=shop.tenant_id, customer_id=lid.id, facts=["prefere sábado"], summary="gata Mel"))
        s.add(CustomerMemory(tenant_id=shop.tenant_id, customer_id=shop.customer_id, facts=["Thor tem medo de secador"]))
    _conversation(shop, "+5511977776666", "oi, sou a Joana")
    with tenant_session(shop.tenant_id) as s:
        kept = customers.merge_customers(s, actor=shop.actor, keep_id=shop.customer_id, merge_id=lid.id)
        pets = sorted(p.name for p in s.exec(select(Pet).where(Pet.customer_id == kept.id)))
        memory = s.exec(select(CustomerMemory).where(CustomerMemory.customer_id == kept.id)).one()
        moved = s.exec(select(Conversation).where(Conversation.customer_id == kept.id)).all()
        with pytest.raises(NotFound):
            customers.get_customer(s, actor=shop.actor, customer_id=lid.id)
        with pytest.raises(ServiceError, match="outro cliente"):
            customers.merge_customers(s, actor=shop.actor, keep_id=kept.id, merge_id=kept.id)
    assert pets == ["Mel", "Thor"] and kept.email == "jo@example.com" and "instagram" in kept.tags
    assert memory.facts == ["Thor tem medo de secador", "prefere sábado"] and len(moved) == 1


def test_another_shop_reaches_none_of_it():
    a, b = agent_shop("Loja Time A"), agent_shop("Loja Time B")
    people = _team(a, "Gil", online=("Gil",))
    conversation_id = _conversation(a)
    with tenant_session(a.tenant_id) as s:
        queue = queue_service.save_queue(s, actor=a.actor, name="Banho", keywords=["banho"], member_ids=[people["Gil"]])
        reply = quick_replies.save_reply(s, actor=a.actor, shortcut="oi", body="Olá {nome}")
    theirs = _conversation(b)
    with tenant_session(b.tenant_id) as s:
        for attempt in (
            lambda: assignment.assign(s, actor=b.actor, conversation_id=conversation_id, user_id=None),
            lambda: assignment.assign(s, actor=b.actor, conversation_id=theirs, user_id=people["Gil"]),
            lambda: assignment.set_queue(s, actor=b.actor, conversation_id=theirs, queue_id=queue.id),
            lambda: queue_service.save_queue(s, actor=b.actor, name="Roubo", keywords=[], member_ids=[people["Gil"]]),
            lambda: inbox.add_note(s, actor=b.actor, conversation_id=conversation_id, text="x"),
            lambda: inbox.set_labels(s, actor=b.actor, conversation_id=conversation_id, labels=["x"]),
            lambda: inbox.close(s, actor=b.actor, conversation_id=conversation_id, resolution="x"),
            lambda: quick_replies.expand(s, actor=b.actor, reply_id=reply.id, conversation_id=theirs),
            lambda: customers.merge_customers(s, actor=b.actor, keep_id=b.customer_id, merge_id=a.customer_id),
        ):
            with pytest.raises(NotFound):
                attempt()
        assert queue_service.list_queues(s, actor=b.actor) == [] and quick_replies.list_replies(s, actor=b.actor) == []
        assert assignment.next_online(s, actor=b.actor, queue_id=queue.id) is None  # A's people are not B's
    with tenant_session(a.tenant_id) as s:
        conversation = s.get(Conversation, conversation_id)
        assert conversation.status == "open" and conversation.labels == [] and conversation.assigned_user_id is None


def test_contacts_are_found_by_their_labels():
    shop = agent_shop("Loja Etiqueta Contato")
    with tenant_session(shop.tenant_id) as s:
        customers.save_customer(s, actor=shop.actor, name="Rita Plano", phone="+5511966665555", tags=["Plano Creche", "indicação"])
        found = customers.list_customers(s, actor=shop.actor, search="plano creche")
        by_accent = customers.list_customers(s, actor=shop.actor, search="indicação")
        none = customers.list_customers(s, actor=shop.actor, search="hotel")
    assert [c.name for c, _ in found.rows] == ["Rita Plano"] and [c.name for c, _ in by_accent.rows] == ["Rita Plano"]
    assert none.rows == []


def test_a_hand_off_without_a_matching_queue_asks_the_customer_which_one(local_jobs):
    shop = agent_shop("Loja Menu Filas")
    people = _team(shop, "Iara", online=("Iara",))
    with tenant_session(shop.tenant_id) as s:
        queue_service.save_queue(s, actor=shop.actor, name="Banho e tosa", keywords=["banho"], member_ids=[])
        hotel = queue_service.save_queue(s, actor=shop.actor, name="Hotel", keywords=["hotel"], member_ids=[people["Iara"]])
    conversation_id = _conversation(shop, text="quero falar com um atendente")
    answer_conversation(shop.tenant_id, conversation_id)
    with tenant_session(shop.tenant_id) as s:
        asked = s.exec(select(Message.body).where(Message.conversation_id == conversation_id, Message.direction == "out")).all()[-1]
        assert s.get(Conversation, conversation_id).queue_id is None
    assert "com qual setor" in asked and "1) Banho e tosa" in asked and "2) Hotel" in asked
    _conversation(shop, text="2")
    answer_conversation(shop.tenant_id, conversation_id)
    with tenant_session(shop.tenant_id) as s:
        conversation = s.get(Conversation, conversation_id)
        done = s.exec(select(Message.body).where(Message.conversation_id == conversation_id, Message.direction == "out")).all()[-1]
    assert conversation.queue_id == hotel.id and conversation.assigned_user_id == people["Iara"]
    assert done.startswith("Certo! Passei para o setor Hotel") and "queue_menu" not in conversation.agent_state
