"""Length limits of every free-text field, in one place.

Services enforce them (a clear pt-BR error instead of a database error); forms use the same
numbers as `max_length`.
"""

from __future__ import annotations

from auzap_console.i18n import t
from auzap_console.services.context import ServiceError

NAME = 120  # people, shops, services
PET_NAME = 80
BREED = 80
EMAIL = 254
SHORT = 120  # temperament, tags line
TAG = 40
NOTES = 2000
TITLE = 160
ARTICLE = 20_000
DESCRIPTION = 1000


def bounded(value: str | None, limit: int, label: str, *, field: str = "") -> str:
    """`value` stripped; a ServiceError naming the field when it is longer than `limit`."""
    text = (value or "").strip()
    if len(text) > limit:
        raise ServiceError(t("err.too_long", label=label, max=limit), field=field)
    return text
