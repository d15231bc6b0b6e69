from datetime import UTC, datetime

import pytest

from auzap_console import i18n
from auzap_console.ui_strings import UI_STRINGS


def test_money_is_brazilian():
    assert i18n.money(123456) == "R$ 1.234,56"
    assert i18n.money(0) == "R$ 0,00"


@pytest.mark.parametrize(("text", "cents"), [("80", 8000), ("80,50", 8050), ("R$ 1.234,56", 123456), ("80.5", 8050)])
def test_parse_money(text, cents):
    assert i18n.parse_money(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "-5", "1,234"])
def test_parse_money_rejects(text):
    with pytest.raises((ValueError, ArithmeticError)):
        i18n.parse_money(text)


def test_dates_in_tenant_timezone():
    moment = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)
    assert i18n.local_datetime(moment, "America/Sao_Paulo") == "21/11/2026 23:30"
    assert i18n.local_date(moment, "America/Sao_Paulo") == "21/11/2026"


def test_list_when_shows_the_day_unless_it_is_today():
    now = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)  # 12:00 in São Paulo
    at = [datetime(2026, 12, 6, 3, 5, tzinfo=UTC), datetime(2026, 12, 6, 2, 59, tzinfo=UTC), datetime(2026, 11, 28, 13, 0, tzinfo=UTC)]
    assert [i18n.list_when(v, "America/Sao_Paulo", now) for v in at] == ["00:05", "ontem", "28/11"]
    assert i18n.list_when(datetime(2025, 12, 31, 12, 0, tzinfo=UTC), "America/Sao_Paulo", now) == "31/12/2025"


def test_durations_read_as_people_say_them():
    assert [i18n.duration_words(m) for m in (45, 60, 90, 600, 1440)] == ["45 min", "1 h", "1 h 30", "10 h", "24 h"]


def test_english_can_be_switched_on(monkeypatch):
    monkeypatch.setenv("AUZAP_LANGUAGE", "en")
    assert i18n.t("nav.customers") == "Customers & pets"
    assert i18n.t("cust.title") == UI_STRINGS["pt_BR"]["cust.title"]  # falls back to Portuguese


def test_placeholders():
    assert "5 minutos" in i18n.t("err.throttled", minutes=5)
