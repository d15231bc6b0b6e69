"""Daily report cards: the team tells the tutor how the pet's day went, with a photo, on WhatsApp.

One card per stay and day; it is stored and its message is sent after the commit by the core's
retried send job (never twice). A tutor without a WhatsApp conversation gets the card on record only.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from auzap_console.models import Pet
from auzap_console.services import audit, limits, media
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.notifications import tell_tutor, tutor_conversation
from auzap_vertical_daycare.models import MEALS, MOODS, ReportCard, Stay

MEAL_WORDS = {"all": "comeu tudo", "half": "comeu metade", "little": "comeu pouco", "none": "não comeu"}
MOOD_WORDS = {"happy": "animado 😄", "calm": "tranquilo 😌", "tired": "cansadinho 😴", "anxious": "um pouco ansioso 🥺"}


def text_of(card: ReportCard, pet: str) -> str:
    """The WhatsApp text of a card (the photo's caption when there is one)."""
    lines = [
        f"📋 Boletim de {pet} — {card.day:%d/%m}",
        f"🍽️ Refeições: {MEAL_WORDS[card.meals]}",
        f"😊 Humor: {MOOD_WORDS[card.mood]}",
    ]
    if card.activities:
        lines.append(f"🎾 Atividades: {card.activities}")
    if card.notes:
        lines.append(f"📝 {card.notes}")
    return "\n".join(lines)


def send(
    session: Session,
    *,
    actor: Actor,
    stay_id: int,
    day: date,
    meals: str,
    mood: str,
    activities: str = "",
    notes: str = "",
    photo: tuple[bytes, str, str] | None = None,
) -> ReportCard:
    """Record the day's card of a pet that is here and send it to the tutor (photo = data, mime, file name)."""
    actor.require("staff")
    stay = get_scoped(session, Stay, stay_id, actor)
    if stay.status not in ("checked_in", "checked_out") or not stay.start_date <= day <= max(stay.start_date, stay.end_date):
        raise ServiceError("O boletim é de um pet que está (ou esteve hoje) na creche ou no hotel.")
    if meals not in MEALS or mood not in MOODS:
        raise ServiceError("Escolha como o pet comeu e como ele estava.")
    exists = session.exec(
        select(ReportCard.id).where(ReportCard.tenant_id == actor.tenant_id, ReportCard.stay_id == stay.id, ReportCard.day == day)
    ).first()
    if exists:
        raise ServiceError("O boletim de hoje deste pet já foi feito.")
    card = ReportCard(
        tenant_id=actor.tenant_id,
        stay_id=stay.id,
        day=day,
        meals=meals,
        mood=mood,
        activities=limits.bounded(activities, 300, "Atividades"),
        notes=limits.bounded(notes, 600, "Observações"),
    )
    meta: dict = {"kind": "daycare_report", "stay_id": stay.id}
    if photo is not None:
        data, mime, filename = photo
        try:
            meta |= media.attach(tenant_id=actor.tenant_id, data=data, mime=mime, filename=filename)
        except media.MediaRefused as exc:
            raise ServiceError(f"Foto recusada: {exc}") from exc
        card.photo_key = meta["media"]["key"]
    session.add(card)
    session.flush()
    conversation = tutor_conversation(session, actor=actor, customer_id=stay.customer_id)
    if conversation is not None:
        pet = session.get(Pet, stay.pet_id)
        card.message_id = tell_tutor(session, actor=actor, conversation=conversation, body=text_of(card, pet.name), meta=meta).id
        session.add(card)
    audit.record(
        session, actor=actor, action="daycare.report_card", entity="daycare_stay", entity_id=stay.id, details={"day": day.isoformat()}
    )
    return card


def for_customer(session: Session, *, actor: Actor, customer_id: int, day: date) -> list[tuple[ReportCard, str]]:
    """The customer's pets' cards of `day`, with the pet's name."""
    return list(
        session.exec(
            select(ReportCard, Pet.name)
            .join(Stay, Stay.id == ReportCard.stay_id)
            .join(Pet, Pet.id == Stay.pet_id)
            .where(ReportCard.tenant_id == actor.tenant_id, Stay.customer_id == customer_id, ReportCard.day == day)
        ).all()
    )


def made_on(session: Session, *, actor: Actor, day: date) -> dict[int, bool]:
    """Stays whose card of `day` has been made, each with whether it went to the tutor (False: no WhatsApp conversation)."""
    cards = select(ReportCard.stay_id, ReportCard.message_id).where(ReportCard.tenant_id == actor.tenant_id, ReportCard.day == day)
    rows = session.exec(cards)
    return {stay_id: message_id is not None for stay_id, message_id in rows}
