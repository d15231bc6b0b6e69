"""Which model client answers: the OpenAI SDK when a key is configured, else the offline engine.

Kept apart from `model.py` (the protocol and the SDK client) because the offline engine
imports that protocol: choosing between the two here keeps the import graph acyclic.
"""

from __future__ import annotations

from auzap_console.agents.model import ModelClient, OpenAIModel
from auzap_console.agents.offline import OfflineEngine
from auzap_console.settings import get_settings


def default_client(api_key: str = "", base_url: str = "") -> ModelClient:
    """The SDK client when a key is configured (tenant or global), else the offline engine."""
    if api_key or get_settings().openai_api_key:
        return OpenAIModel(api_key=api_key or None, base_url=base_url or None)
    return OfflineEngine()
