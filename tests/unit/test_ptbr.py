"""pt-BR as customers write it: normalisation, dates, relative moves, pets and breeds."""

from datetime import date, datetime, time

import pytest

from auzap_console import dates, lexicon
from auzap_console.agents import slots
from auzap_console.text import is_yes, normalize

TODAY = date(2026, 11, 18)  # a Wednesday


def test_normalize_abbreviations_and_stretched_letters():
    assert normalize("Oiii, qria marcar banho pro Thor sab 10h 🐶") == "oi , queria marcar banho para o thor sabado 10h"


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
        ("daqui a 3 dias as 9", date(2026, 11, 21), time(9), ""),
        ("em 2 semanas", date(2026, 12, 2), None, ""),
        ("fim de semana", date(2026, 11, 21), None, ""),
        ("final de semana depois do proximo", date(2026, 12, 5), None, ""),
        ("25 de dezembro as 11", date(2026, 12, 25), time(11), ""),
        ("proxima terca 10h", date(2026, 11, 24), time(10), ""),
    ],
)
def test_dates_and_times(text, day, at, period):
    when = dates.parse_when(text, TODAY)
    assert (when.day, when.at, when.period) == (day, at, period)


@pytest.mark.parametrize(
    ("text", "moved"),
    [
        ("uma semana depois", datetime(2026, 11, 27, 10)),
        ("mesmo horario na terca", datetime(2026, 11, 24, 10)),
        ("uma hora mais cedo", datetime(2026, 11, 20, 9)),
        ("30 min mais tarde", datetime(2026, 11, 20, 10, 30)),
        ("mesmo dia as 15h", datetime(2026, 11, 20, 15)),
        ("no dia seguinte", datetime(2026, 11, 21, 10)),
        ("sexta as 10", None),
    ],
)
def test_moves_relative_to_a_booking(text, moved):
    assert dates.shift(text, datetime(2026, 11, 20, 10)) == moved


def test_pets_species_breeds_sizes():
    assert slots.pet("banho pro Thor amanhã", []) == "Thor"
    assert slots.new_pet_name("ela se chama mel") == "Mel"
    assert slots.pet("o banho da pipoca", ["Pipoca", "Bob"]) == "Pipoca"
    assert lexicon.species_of("minha gatinha") == "cat"
    assert lexicon.breed_of("é um shih-tzu? não, shih tzu mesmo") == "Shih Tzu"
    assert (lexicon.size_of("um labrador"), lexicon.size_of("yorkshire"), lexicon.size_of("vira-lata")) == ("G", "P", "")
    assert lexicon.is_female("minha cachorra Luna") and not lexicon.is_female("meu cachorro Thor")


@pytest.mark.parametrize("text", ["sim", "Siiim!", "pode sim", "confirmo", "isso mesmo", "ok"])
def test_yes(text):
    assert is_yes(text)


@pytest.mark.parametrize("text", ["não", "nao quero", "melhor não", "quanto custa?"])
def test_not_yes(text):
    assert not is_yes(text)
