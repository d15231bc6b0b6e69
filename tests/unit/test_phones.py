import pytest

from auzap_console.phones import InvalidPhone, format_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["(11) 98765-4321", "11 8765-4321", "+55 11 98765-4321", "5511987654321@c.us", "551187654321", "011 98765 4321"],
)
def test_brazilian_mobile_with_and_without_ninth_digit_is_one_number(raw):
    assert normalize_phone(raw) == "+5511987654321"


def test_landline_keeps_its_eight_digits():
    assert normalize_phone("(21) 3333-4444") == "+552133334444"


def test_foreign_number():
    assert normalize_phone("+1 650 253 0000") == "+16502530000"


@pytest.mark.parametrize("raw", ["", "abc", "123", "+55 11 1234"])
def test_invalid(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_format_for_people():
    assert format_phone("+5511987654321") == "(11) 98765-4321"
