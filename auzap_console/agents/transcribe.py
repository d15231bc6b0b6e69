"""Voice notes to text through the OpenAI-compatible audio transcription endpoint (the official SDK)."""

from __future__ import annotations

from auzap_console.settings import get_settings


def transcribe(data: bytes, *, filename: str, mime: str, api_key: str, base_url: str = "", model: str = "") -> str:
    """The words of a voice note; raises the SDK's errors (the caller decides what a failure means)."""
    from openai import OpenAI

    settings = get_settings()
    client = OpenAI(
        api_key=api_key,
        base_url=base_url or settings.openai_base_url or None,
        timeout=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
    )
    result = client.audio.transcriptions.create(model=model or settings.transcription_model, file=(filename, data, mime))
    return (result.text or "").strip()
