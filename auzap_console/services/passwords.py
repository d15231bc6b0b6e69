"""Password hashing (argon2id) and the password policy (zxcvbn strength, plus a few plain rules)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from auzap_console.i18n import t
from auzap_console.services.context import ServiceError

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 2  # zxcvbn: 0–1 fall to an online guessing attack, 2 resists a throttled one
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache
def _dummy_hash() -> str:
    return _hasher.hash("auzap-dummy-password-for-unknown-emails")


def verify_dummy(password: str) -> bool:
    """Spend the time of a real verification when there is no user (always False)."""
    verify_password(_dummy_hash(), password)
    return False


def validate_password(password: str, *, personal: Iterable[str] = (), field: str = "password") -> None:
    """Raise `ServiceError` for a password that is short, trivial, common or built from `personal` data."""
    password = password or ""
    if len(password.strip()) < MIN_LENGTH:
        raise ServiceError(t("err.password_short"), field=field)
    if len(password) > MAX_LENGTH:
        raise ServiceError(t("err.password_long", max=MAX_LENGTH), field=field)
    words = [w for item in personal for w in _pieces(item)]
    if len(set(password)) < 3 or password.strip().lower() in words:
        raise ServiceError(t("err.password_weak"), field=field)
    if zxcvbn(password, user_inputs=words)["score"] < MIN_SCORE:
        raise ServiceError(t("err.password_weak"), field=field)


def _pieces(text: str) -> list[str]:
    """`"ana.souza@petshop.com"` → `["ana.souza@petshop.com", "ana.souza", "ana", "souza", "petshop"]`."""
    text = (text or "").strip().lower()
    if not text:
        return []
    local = text.split("@", 1)[0]
    parts = [p for p in local.replace(".", " ").replace("_", " ").replace("-", " ").split() if p]
    return [text, local, *parts]
