"""Which model client answers: the OpenAI SDK when a key is configured, else the offline engine.

Kept apart from `model.py` (the protocol and the SDK client) because the offline engine
imports that protocol: choosing between the two here keeps the import graph acyclic.
"""

from __future__ import annotations

from functools import lru_cache

from auzap_console.agents.model import ModelClient, OpenAIModel
from auzap_console.agents.offline import OfflineEngine
from auzap_console.settings import get_settings


def default_client(api_key: str = "", base_url: str = "") -> ModelClient:
    """The SDK client when a key is configured (tenant or global), else the offline engine."""
    settings = get_settings()
    if api_key or settings.openai_api_key:
        key, url = api_key or settings.openai_api_key, base_url or settings.openai_base_url
        return _sdk_client(key, url, settings.openai_timeout_seconds, settings.openai_max_retries)
    return OfflineEngine()


@lru_cache(maxsize=256)
def _sdk_client(api_key: str, base_url: str, timeout: float, max_retries: int) -> OpenAIModel:
    """One SDK client per key and endpoint per process, shared by concurrent turns (it is thread-safe).

    Its HTTP connections are kept between turns instead of a new client and TLS set-up for each.
    """
    return OpenAIModel(api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)
