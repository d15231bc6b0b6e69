"""Reminders: planned at the shop's offsets and never at night, sent once when due (clock injected),
never for a cancelled appointment, planned again after a move; the tutor confirms or cancels by
answering; on the Cloud API outside the 24-hour window a template goes, or the reason is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.jobs.reminders import send_due_reminders
from auzap_console.models import Appointment, AppointmentReminder, Message, Pet, Service
from auzap_console.services import booking, reminders
from auzap_console.services.channels import create_channel
from auzap_console.services.context import ServiceError
from auzap_console.services.reminder_replies import reply_intent
from tests.fakes.provider_server import FakeProvider
from tests.utils.agent_helpers import PHONE, agent_shop

SP = ZoneInfo("America/Sao_Paulo")


def _day(days_ahead: int) -> date:
    return datetime.now(SP).date() + timedelta(days=days_ahead)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SP).astimezone(UTC)


def _shop_with_whatsapp(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel
    shop.channel_id = channel.id
    shop.conversation_id = _tutor_says(shop, "oi")  # the assistant's answer to "oi" goes before any reminder
    return shop


def _tutor_says(shop, text: str) -> int:
    """A WhatsApp message from Joana, answered by the agent job (the send job then runs on the in-process queue)."""
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text=text, channel_id=shop.channel_id)
    answer_conversation(shop.tenant_id, conversation_id)
    queues.in_process().drain()
    return conversation_id


def _book(shop, starts: datetime, service: str = "Banho P") -> int:
    with tenant_session(shop.tenant_id) as s:
        svc = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == service)).one()
        pet = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).first()
        return booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=svc.id, starts_at=starts, pet_id=pet.id).id


def _rows(shop, appointment_id: int) -> list[AppointmentReminder]:
    with tenant_session(shop.tenant_id) as s:
        return list(
            s.exec(
                select(AppointmentReminder)
                .where(AppointmentReminder.appointment_id == appointment_id)
                .order_by(AppointmentReminder.offset_minutes.desc())
            )
        )


def _send(shop, now: datetime) -> dict[str, int]:
    """The cron job's run at `now`, limited to this test's shop (others' reminders wait for their own tests)."""
    return send_due_reminders(now=now, only_tenant=shop.tenant_id)


def _reminder_messages(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out").order_by(Message.id))
        return [m for m in rows if (m.meta or {}).get("kind") == "reminder"]


def test_reminders_are_planned_at_the_offsets_and_never_at_night():
    shop = _shop_with_whatsapp("Loja Plano")
    day = _day(3)
    afternoon = _book(shop, _at(day, 15))
    early = _book(shop, _at(day, 9))
    assert [(r.offset_minutes, r.status, r.due_at) for r in _rows(shop, afternoon)] == [
        (1440, "planned", _at(day - timedelta(days=1), 15)),
        (120, "planned", _at(day, 13)),
    ]
    # 2 h before 09:00 is 07:00, inside the quiet hours (21:00–08:00): it goes the evening before, at 20:30.
    assert [(r.offset_minutes, r.due_at) for r in _rows(shop, early)] == [
        (1440, _at(day - timedelta(days=1), 9)),
        (120, _at(day - timedelta(days=1), 20, 30)),
    ]


def test_a_booking_made_late_skips_the_reminders_it_is_too_late_for():
    shop = _shop_with_whatsapp("Loja Tarde")
    now = datetime.now(UTC)
    starts = _at(_day(1), 17) if now.astimezone(SP).hour >= 12 else _at(_day(0), 17)  # within 30 h
    appointment_id = _book(shop, starts)
    statuses = {r.offset_minutes: (r.status, r.reason) for r in _rows(shop, appointment_id)}
    if starts - now < timedelta(hours=24):
        assert statuses[1440] == ("skipped", "too_late")
    assert statuses[120][0] in ("planned", "skipped")


def test_a_reminder_is_sent_once_when_due_and_not_after_cancel(local_jobs):
    shop = _shop_with_whatsapp("Loja Envio")
    day = _day(3)
    appointment_id = _book(shop, _at(day, 15))
    first_due = _at(day - timedelta(days=1), 15)
    assert _send(shop, first_due - timedelta(minutes=1)) == {}
    assert _send(shop, first_due) == {"sent": 1}
    assert _send(shop, first_due + timedelta(minutes=1)) == {}  # never twice
    local_jobs.drain()
    (sent,) = _reminder_messages(shop)
    assert sent.delivery_status == "delivered" and sent.meta["appointment_id"] == appointment_id
    assert "Thor tem Banho P amanhã às 15:00" in sent.body and "*1* para confirmar" in sent.body  # worded at send time
    with tenant_session(shop.tenant_id) as s:
        booking.cancel(s, actor=shop.actor, appointment_id=appointment_id, reason="cliente viajou")
    assert _send(shop, _at(day, 13)) == {}
    assert [(r.offset_minutes, r.status) for r in _rows(shop, appointment_id)] == [(1440, "sent"), (120, "cancelled")]
    assert len(_reminder_messages(shop)) == 1


def test_a_moved_appointment_gets_its_reminders_planned_again(local_jobs):
    shop = _shop_with_whatsapp("Loja Remarca")
    day = _day(3)
    appointment_id = _book(shop, _at(day, 15))
    assert _send(shop, _at(day - timedelta(days=1), 15)) == {"sent": 1}
    with tenant_session(shop.tenant_id) as s:
        booking.reschedule(s, actor=shop.actor, appointment_id=appointment_id, starts_at=_at(day + timedelta(days=1), 10))
    rows = _rows(shop, appointment_id)
    assert [(r.status, r.due_at) for r in rows] == [
        ("planned", _at(day, 10)),
        ("planned", _at(day + timedelta(days=1), 8)),
    ]
    assert _send(shop, _at(day, 9, 59)) == {}  # nothing left for the old time (its 2 h one was due 13:00 the day before)
    assert _send(shop, _at(day, 10)) == {"sent": 1}
    local_jobs.drain()
    assert len(_reminder_messages(shop)) == 2


def test_reminders_follow_the_shop_settings():
    shop = _shop_with_whatsapp("Loja Ajustes Lembrete")
    booked_before = _book(shop, _at(_day(5), 10))
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="1 a 3 lembretes") as err:
            reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[], quiet_start="21:00", quiet_end="08:00")
        assert err.value.field == "reminder-offsets"
        with pytest.raises(ServiceError, match="HH:MM"):
            reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[48], quiet_start="25:00", quiet_end="08:00")
        reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[48], quiet_start="22:00", quiet_end="07:00")
    assert [(r.offset_minutes, r.status) for r in _rows(shop, booked_before)] == [
        (2880, "planned"),
        (1440, "cancelled"),
        (120, "cancelled"),
    ]
    day = _day(4)
    appointment_id = _book(shop, _at(day, 8))
    assert [(r.offset_minutes, r.due_at) for r in _rows(shop, appointment_id)] == [(2880, _at(day - timedelta(days=2), 8))]
    with tenant_session(shop.tenant_id) as s:
        reminders.save_settings(s, actor=shop.actor, enabled=False, offsets_hours=[48], quiet_start="22:00", quiet_end="07:00")
        booking.reschedule(s, actor=shop.actor, appointment_id=appointment_id, starts_at=_at(day, 10))
    assert [r.status for r in _rows(shop, appointment_id)] == ["cancelled"]


@pytest.mark.parametrize(
    ("answer", "intent"),
    [
        *[("1", "confirm"), ("Sim!", "confirm"), ("👍", "confirm"), ("confirmado", "confirm"), ("2", "cancel"), ("não", "cancel")],
        *[("cancela por favor", "cancel"), ("❌", "cancel"), ("qual o endereço?", ""), ("10", "")],
    ],
)
def test_reply_words(answer, intent):
    assert reply_intent(answer) == intent


def test_the_tutor_confirms_or_cancels_by_answering(local_jobs):
    shop = _shop_with_whatsapp("Loja Resposta")
    day = _day(3)
    confirm_me = _book(shop, _at(day, 15))
    _send(shop, _at(day - timedelta(days=1), 15))
    local_jobs.drain()
    _tutor_says(shop, "1")
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        appointment = s.get(Appointment, confirm_me)
        last = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id).order_by(Message.id.desc())).first()
    assert appointment.customer_confirmed_at is not None and appointment.status == "confirmed"
    assert last.body.startswith("Perfeito, está confirmado para")

    cancel_me = _book(shop, _at(day + timedelta(days=1), 11))
    _send(shop, _at(day, 11))
    local_jobs.drain()
    _tutor_says(shop, "cancela")
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Appointment, cancel_me).status == "cancelled"
        last = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id).order_by(Message.id.desc())).first()
    assert last.body.startswith("Tudo bem, cancelei o horário")


def test_an_answer_to_a_reminder_of_a_cancelled_appointment_is_answered_sensibly(local_jobs):
    shop = _shop_with_whatsapp("Loja Já Cancelado")
    day = _day(3)
    appointment_id = _book(shop, _at(day, 15))
    _send(shop, _at(day - timedelta(days=1), 15))
    with tenant_session(shop.tenant_id) as s:
        booking.cancel(s, actor=shop.actor, appointment_id=appointment_id, reason="remarcar")
    local_jobs.drain()
    _tutor_says(shop, "sim")
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        last = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id).order_by(Message.id.desc())).first()
        assert s.get(Appointment, appointment_id).status == "cancelled"
    assert "já estava cancelado" in last.body


def test_cloud_outside_the_window_uses_the_template_or_records_why_not(local_jobs):
    shop = agent_shop("Loja Cloud Lembrete")
    with FakeProvider("cloud", "tok") as graph:
        with tenant_session(shop.tenant_id) as s:
            channel = create_channel(
                s,
                actor=shop.actor,
                name="Cloud",
                provider="cloud",
                base_url=graph.base_url,
                external_id="109876543210987",
                credentials={"access_token": "tok", "app_secret": "app-secret", "verify_token": "v"},
            ).channel
        receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=channel.id)
        local_jobs.drain()
        graph.sent.clear()
        day = _day(4)
        no_template = _book(shop, _at(day, 15))
        # Two days after the tutor last wrote: the 24-hour window is closed.
        assert _send(shop, _at(day - timedelta(days=1), 15)) == {"skipped": 1}
        first = _rows(shop, no_template)[0]
        assert (first.status, first.reason) == ("skipped", "window_closed")
        with tenant_session(shop.tenant_id) as s:
            from auzap_console.services.channels import set_template

            set_template(s, actor=shop.actor, channel_id=channel.id, use="reminder", name="lembrete_agendamento", language="pt_BR")
        assert _send(shop, _at(day, 13)) == {"sent": 1}
        local_jobs.drain()
        (sent,) = graph.sent
    assert sent["type"] == "template" and sent["template"]["name"] == "lembrete_agendamento"
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params == ["Joana", "Thor", "hoje às 15:00"]


def test_another_shop_cannot_send_or_answer_these_reminders(local_jobs):
    mine, theirs = _shop_with_whatsapp("Loja Lembrete A"), _shop_with_whatsapp("Loja Lembrete B")
    day = _day(3)
    appointment_id = _book(mine, _at(day, 15))
    (first, _) = _rows(mine, appointment_id)
    with tenant_session(theirs.tenant_id) as s:
        assert reminders.deliver(s, actor=theirs.actor, reminder_id=first.id, now=_at(day, 0)) == "already handled"
    _send(mine, _at(day - timedelta(days=1), 15))
    local_jobs.drain()
    # A reminder-looking message in B's conversation naming A's appointment changes nothing at A.
    with tenant_session(theirs.tenant_id) as s:
        from auzap_console.models import Conversation
        from auzap_console.services.notifications import tell_tutor

        conversation = s.get(Conversation, theirs.conversation_id)
        tell_tutor(s, actor=theirs.actor, conversation=conversation, body="x", meta={"kind": "reminder", "appointment_id": appointment_id})
    local_jobs.drain()
    _tutor_says(theirs, "cancela")
    local_jobs.drain()
    with tenant_session(mine.tenant_id) as s:
        assert s.get(Appointment, appointment_id).status == "confirmed"
    assert len(_reminder_messages(theirs)) == 1 and len(_reminder_messages(mine)) == 1
