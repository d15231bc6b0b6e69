"""Health findings ("bipe"): recorded while the pet is in, the tutor told calmly on WhatsApp, on the
pet's history and the owner's open list until resolved, answered by the assistant; another shop
sees and changes none of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.models import AuditLog, Message, Pet, Service
from auzap_console.services import booking, health
from auzap_console.services.channels import create_channel
from auzap_console.services.context import NotFound, ServiceError
from tests.utils.agent_helpers import PHONE, agent_shop

SP = ZoneInfo("America/Sao_Paulo")


def _shop_in_service(name: str):
    """Joana on WhatsApp, and Thor's bath (tomorrow) already checked in and in service."""
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel
        svc = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        thor = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
    shop.channel_id = channel.id
    shop.conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=channel.id)
    answer_conversation(shop.tenant_id, shop.conversation_id)
    queues.in_process().drain()
    day = datetime.now(SP).date() + timedelta(days=1)
    with tenant_session(shop.tenant_id) as s:
        appt = booking.book(
            s,
            actor=shop.actor,
            customer_id=shop.customer_id,
            service_id=svc.id,
            starts_at=datetime(day.year, day.month, day.day, 10, tzinfo=SP).astimezone(UTC),
            pet_id=thor.id,
        )
    shop.appointment_id = appt.id
    return shop


def _advance(shop, *statuses: str) -> None:
    for status in statuses:
        with tenant_session(shop.tenant_id) as s:
            booking.set_status(s, actor=shop.actor, appointment_id=shop.appointment_id, status=status)


def test_a_finding_tells_the_tutor_calmly_and_stays_open_until_resolved(local_jobs):
    shop = _shop_in_service("Loja Bipe")
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="durante o atendimento"):
        health.record_finding(s, actor=shop.actor, appointment_id=shop.appointment_id, area="ears", severity="low", note="cera")
    _advance(shop, "checked_in", "in_service")
    with tenant_session(shop.tenant_id) as s:
        finding = health.record_finding(
            s, actor=shop.actor, appointment_id=shop.appointment_id, area="ears", severity="low", note="um pouco de cera no ouvido esquerdo"
        )
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        notice = s.exec(select(Message).where(Message.conversation_id == shop.conversation_id, Message.sender == "system")).one()
        audit = s.exec(select(AuditLog.details).where(AuditLog.action == "health.finding", AuditLog.tenant_id == shop.tenant_id)).one()
        history = health.findings_for_customer(s, actor=shop.actor, customer_id=shop.customer_id)
        open_now = health.open_findings(s, actor=shop.actor)
    assert notice.body.startswith("Oi! Durante o atendimento do Thor, nossa equipe notou algo nos ouvidos: um pouco de cera")
    assert "Nada de alarme" in notice.body and notice.delivery_status == "delivered"
    assert audit == {"finding_id": finding.id, "area": "ears", "severity": "low", "tutor_notified": True}
    assert [(r.pet, r.area, r.service, r.resolved) for r in history] == [("Thor", "ears", "Banho P", False)]
    assert [r.id for r in open_now] == [finding.id]
    with tenant_session(shop.tenant_id) as s:
        health.resolve_finding(s, actor=shop.actor, finding_id=finding.id)
        assert health.open_findings(s, actor=shop.actor) == []
        assert health.findings_for_customer(s, actor=shop.actor, customer_id=shop.customer_id)[0].resolved


def test_a_serious_finding_suggests_a_vet_and_bad_input_names_the_field(local_jobs):
    shop = _shop_in_service("Loja Bipe Grave")
    _advance(shop, "checked_in")
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="onde foi") as err:
            health.record_finding(s, actor=shop.actor, appointment_id=shop.appointment_id, area="nariz", severity="low", note="seco")
        assert err.value.field == "finding-area"
        with pytest.raises(ServiceError, match="Descreva") as err:
            health.record_finding(s, actor=shop.actor, appointment_id=shop.appointment_id, area="skin", severity="low", note=" ")
        assert err.value.field == "finding-note"
        health.record_finding(s, actor=shop.actor, appointment_id=shop.appointment_id, area="skin", severity="high", note="ferida na pata")
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        notice = s.exec(select(Message).where(Message.conversation_id == shop.conversation_id, Message.sender == "system")).one()
    assert "veterinário" in notice.body and "na pele: ferida na pata" in notice.body


def test_the_assistant_answers_about_the_finding(local_jobs):
    shop = _shop_in_service("Loja Bipe IA")
    _advance(shop, "checked_in", "in_service")
    with tenant_session(shop.tenant_id) as s:
        health.record_finding(
            s, actor=shop.actor, appointment_id=shop.appointment_id, area="skin", severity="medium", note="pele avermelhada"
        )
    local_jobs.drain()
    receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="o que vocês acharam na pele do Thor?", channel_id=shop.channel_id)
    answer_conversation(shop.tenant_id, shop.conversation_id)
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        reply = s.exec(
            select(Message).where(Message.conversation_id == shop.conversation_id, Message.sender == "ai").order_by(Message.id.desc())
        ).first()
    assert "pele avermelhada" in reply.body and "Thor" in reply.body


def test_another_shop_cannot_record_see_or_resolve_findings(local_jobs):
    mine, theirs = _shop_in_service("Loja Bipe A"), _shop_in_service("Loja Bipe B")
    _advance(mine, "checked_in", "in_service")
    with tenant_session(mine.tenant_id) as s:
        finding = health.record_finding(
            s, actor=mine.actor, appointment_id=mine.appointment_id, area="teeth", severity="low", note="tártaro"
        )
    with tenant_session(theirs.tenant_id) as s:
        with pytest.raises(NotFound):
            health.record_finding(s, actor=theirs.actor, appointment_id=mine.appointment_id, area="skin", severity="low", note="invasão")
        with pytest.raises(NotFound):
            health.resolve_finding(s, actor=theirs.actor, finding_id=finding.id)
        assert health.open_findings(s, actor=theirs.actor) == []
        assert health.findings_for_customer(s, actor=theirs.actor, customer_id=mine.customer_id) == []
    receive_text(tenant_id=theirs.tenant_id, phone=PHONE, text="o que vocês acharam nos dentes do Thor?", channel_id=theirs.channel_id)
    answer_conversation(theirs.tenant_id, theirs.conversation_id)
    local_jobs.drain()
    with tenant_session(theirs.tenant_id) as s:
        replies = s.exec(select(Message.body).where(Message.conversation_id == theirs.conversation_id, Message.sender == "ai")).all()
    assert not any("tártaro" in r for r in replies)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_photo_is_kept_under_an_unguessable_name_and_only_images_are_taken(local_jobs, tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path))
    shop = _shop_in_service("Loja Bipe Foto")
    _advance(shop, "checked_in")
    with pytest.raises(ServiceError, match="JPG, PNG ou WebP") as err:
        health.store_photo(actor=shop.actor, data=b"%PDF-1.4 not a photo")
    assert err.value.field == "finding-photo"
    with pytest.raises(ServiceError, match="até 5 MB"):
        health.store_photo(actor=shop.actor, data=PNG + b"\x00" * health.PHOTO_MAX_BYTES)
    name = health.store_photo(actor=shop.actor, data=PNG)
    assert name.startswith(f"findings/{shop.tenant_id}-") and name.endswith(".png") and len(name) > 30
    assert (tmp_path / name).read_bytes() == PNG
    other = agent_shop("Loja Bipe Foto Outra")
    with tenant_session(other.tenant_id) as s, pytest.raises(ServiceError):  # another shop's photo name is refused
        health.record_finding(
            s, actor=other.actor, appointment_id=shop.appointment_id, area="skin", severity="low", note="x y z", photo=name
        )
    with tenant_session(shop.tenant_id) as s:
        health.record_finding(
            s, actor=shop.actor, appointment_id=shop.appointment_id, area="skin", severity="low", note="ferida", photo=name
        )
        (row,) = health.findings_for_customer(s, actor=shop.actor, customer_id=shop.customer_id)
    assert row.photo == name
