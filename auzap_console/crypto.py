"""Secrets at rest (channel credentials): Fernet with a key derived from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken

from auzap_console.settings import get_settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(("auzap-credentials:" + get_settings().secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_json(value: dict) -> str:
    """Encrypt a small dict (API keys, tokens)."""
    return _fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt_json(token: str) -> dict:
    """Decrypt what `encrypt_json` produced; {} for an empty value. Raises ValueError on a wrong key."""
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ValueError("credentials cannot be decrypted with this SECRET_KEY") from exc
