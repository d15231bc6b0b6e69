from datetime import date, time

import pytest

from auzap_console.agents import ptbr

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Oiii, bom dia!! 🐶", "greeting"),
        ("boa tarde", "greeting"),
        ("quanto tá o banho?", "prices"),
        ("qto custa a tosa", "prices"),
        ("q horas vcs abrem?", "hours"),
        ("vcs funcionam sabado?", "hours"),
        ("qria marcar um banho pro Thor", "book"),
        ("quero agendar tosa", "book"),
        ("tem horario sexta de manha?", "availability"),
        ("preciso remarcar", "reschedule"),
        ("da pra mudar o horario pra sexta?", "reschedule"),
        ("quero cancelar o banho", "cancel"),
        ("nao vou poder ir amanha", "cancel"),
        ("meus agendamentos", "my_appointments"),
        ("quero cadastrar minha cachorra", "register_pet"),
        ("quero falar com um atendente", "handoff"),
        ("obrigadaaa", "thanks"),
        ("tchau", "goodbye"),
    ],
)
def test_intents(text, intent):
    assert ptbr.detect_intent(ptbr.normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "day", "at", "period"),
    [
        ("amanhã às 3 da tarde", date(2026, 11, 19), time(15), "tarde"),
        ("amanha as 10h", date(2026, 11, 19), time(10), ""),
        ("hoje 14:30", TODAY, time(14, 30), ""),
        ("sexta de manhã", date(2026, 11, 20), None, "manha"),
        ("segunda-feira 9h", date(2026, 11, 23), time(9), ""),
        ("quarta", date(2026, 11, 25), None, ""),  # today is Wednesday: the next one
        ("dia 25 às 10", date(2026, 11, 25), time(10), ""),
        ("dia 2", date(2026, 12, 2), None, ""),
        ("25/12 as 11h", date(2026, 12, 25), time(11), ""),
        ("depois de amanhã ao meio dia", date(2026, 11, 20), time(12), ""),
        ("às 3", None, time(15), ""),
    ],
)
def test_dates_and_times(text, day, at, period):
    when = ptbr.parse_when(text, TODAY)
    assert (when.day, when.at, when.period) == (day, at, period)


def test_pets_species_breeds():
    assert ptbr.pet_name("banho pro Thor amanhã") == "Thor"
    assert ptbr.pet_name("ela se chama mel") == "Mel"
    assert ptbr.pet_name("o banho da pipoca", known=["Pipoca", "Bob"]) == "Pipoca"
    assert ptbr.species_of("minha gatinha") == "cat"
    assert ptbr.breed_of("é um shih-tzu? não, shih tzu mesmo") == "Shih Tzu"


@pytest.mark.parametrize("text", ["sim", "Siiim!", "pode sim", "confirmo", "isso mesmo", "ok"])
def test_yes(text):
    assert ptbr.is_yes(text)


@pytest.mark.parametrize("text", ["não", "nao quero", "melhor não", "quanto custa?"])
def test_not_yes(text):
    assert not ptbr.is_yes(text)
