"""Secrets at rest (channel credentials, webhook secrets, tenants' model keys).

Fernet with keys derived from SECRET_KEY; SECRET_KEYS_PREVIOUS keeps older keys readable so a
key can be replaced without losing data (`auzap secrets rotate` then re-encrypts everything).
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from auzap_console.settings import get_settings


def _derive(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("auzap-credentials:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> MultiFernet:
    """Encrypts with the current key, decrypts with the current or any previous one."""
    settings = get_settings()
    previous = [k.strip() for k in settings.secret_keys_previous.split(",") if k.strip()]
    return MultiFernet([_derive(settings.secret_key), *(_derive(k) for k in previous)])


def encrypt_text(value: str) -> str:
    """Encrypt a string (a webhook secret)."""
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    """Decrypt what `encrypt_text` produced; "" for an empty value. Raises ValueError on a wrong key."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("secret cannot be decrypted with SECRET_KEY or SECRET_KEYS_PREVIOUS") from exc


def encrypt_json(value: dict) -> str:
    """Encrypt a small dict (API keys, tokens)."""
    return encrypt_text(json.dumps(value))


def decrypt_json(token: str) -> dict:
    """Decrypt what `encrypt_json` produced; {} for an empty value. Raises ValueError on a wrong key."""
    return json.loads(decrypt_text(token)) if token else {}


def rotate(token: str) -> str:
    """Re-encrypt a token with the current key (it may have been made with a previous one)."""
    if not token:
        return token
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("secret cannot be decrypted with SECRET_KEY or SECRET_KEYS_PREVIOUS") from exc
