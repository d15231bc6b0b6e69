"""Phone numbers: parse anything a person or a provider sends into canonical E.164.

Brazilian mobiles gained a leading 9 in 2012-2016, and WhatsApp still reports many of
them without it (`55 11 8765-4321` and `55 11 98765-4321` are the same line). The
canonical form always has the 9th digit, so both spellings find the same customer.
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "BR"


class InvalidPhone(ValueError):
    """The text is not a usable phone number."""


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """Return the canonical E.164 form of `raw` (e.g. `+5511987654321`).

    Accepts spaces, dashes, parentheses, a leading 0/00/+, and WhatsApp ids such as
    `5511987654321@c.us`. Raises `InvalidPhone` when it cannot be a phone number.
    """
    text = (raw or "").strip().split("@", 1)[0]
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        raise InvalidPhone(raw)
    if not text.startswith("+") and digits.startswith("55") and len(digits) in (12, 13):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if number.country_code == 55:
        national = str(number.national_number)
        if len(national) == 10 and national[2] in "6789":
            number = phonenumbers.parse("+55" + national[:2] + "9" + national[2:], None)
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A human-friendly national format, e.g. `(11) 98765-4321`."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 55 else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)
