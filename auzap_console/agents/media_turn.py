"""What a turn makes of media: the words the model reads, and the turns decided without it.

A voice note is read as its transcript; without one (local mode, no transcription model, or a
failure) the agent says it cannot listen right now, asks for text, and the team is told. A photo
goes to the model as an image when the shop's model can see; otherwise the agent thanks for it,
and when the customer asks something about it a person takes over. A file that could not be
opened is said so. Stickers need no answer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from auzap_console.models import Message
from auzap_console.services import media

AUDIO_REPLY = (
    "Recebi seu áudio, mas não consigo ouvir áudios agora 🙏 Pode me escrever em texto? "
    "Se preferir, alguém da nossa equipe te responde por aqui."
)
PHOTO_THANKS = "Recebi a foto, obrigada! 😍 Posso ajudar em mais alguma coisa?"
PHOTO_HANDOFF = "Recebi a foto! Vou pedir para alguém da nossa equipe dar uma olhada e já te responde por aqui. 🙏"
DOCUMENT_REPLY = "Recebi o arquivo, obrigada! Nossa equipe vai conferir e, se precisar, te chama por aqui. 📄"
LOCATION_REPLY = "Recebi sua localização, obrigada! 📍 Posso ajudar em mais alguma coisa?"
FAILED_REPLY = "Não consegui abrir o arquivo que você enviou 😕 Pode tentar mandar de novo (ou escrever a sua dúvida)?"
# Models that accept images in chat completions (prefixes of their names).
VISION_MODELS = ("gpt-4o", "gpt-4.1", "gpt-5", "chatgpt-4o", "o1", "o3", "o4", "gemini", "claude", "llava", "qwen2.5-vl", "pixtral")


@dataclass
class MediaRule:
    """A turn decided by what the message carries."""

    reply: str = ""
    skip: bool = False
    waiting_human: bool = False
    ai_paused: bool = False


def info(message: Message) -> dict:
    """The message's media meta ({} when it carries none)."""
    return dict((message.meta or {}).get("media") or {})


def text_of(message: Message) -> str:
    """What the customer said: the body, or a voice note's transcript."""
    media_info = info(message)
    if media_info.get("kind") == "audio" and media_info.get("transcript"):
        return media_info["transcript"]
    return message.body or ""


def history_content(message: Message) -> str:
    """A message as the model reads it in the history: media described in words, transcripts spelled out."""
    media_info = info(message)
    kind = media_info.get("kind")
    if not kind:
        return message.body
    if kind == "audio":
        said = media_info.get("transcript")
        return f"(áudio) {said}" if said else "(áudio que não pôde ser transcrito)"
    if kind == "location":
        return f"(localização: {media_info.get('place') or ''} {media_info.get('latitude')}, {media_info.get('longitude')})".strip()
    label = {"image": "foto", "video": "vídeo", "document": "documento", "sticker": "figurinha"}.get(kind, kind)
    name = f" {media_info['filename']}" if media_info.get("filename") else ""
    return f"({label}{name}) {message.body}".strip()


def vision_capable(model: str) -> bool:
    """Whether a model name is one that accepts images."""
    return (model or "").lower().startswith(VISION_MODELS)


def rule(message: Message | None, *, sees_images: bool) -> MediaRule | None:
    """The turn for a media message that the model does not take itself, or None."""
    media_info = info(message) if message is not None else {}
    kind = media_info.get("kind")
    if not kind:
        return None
    if media_info.get("status") in ("failed", "too_big", "refused"):
        return MediaRule(reply=FAILED_REPLY, waiting_human=True)
    if kind == "sticker":
        return MediaRule(skip=True)
    if kind == "audio" and not media_info.get("transcript"):
        return MediaRule(reply=AUDIO_REPLY, waiting_human=True)
    if kind == "image" and not sees_images:
        asked = bool((message.body or "").strip())
        return MediaRule(reply=PHOTO_HANDOFF, waiting_human=True, ai_paused=True) if asked else MediaRule(reply=PHOTO_THANKS)
    if kind in ("document", "video"):
        return MediaRule(reply=DOCUMENT_REPLY, waiting_human=True)
    if kind == "location" and not (message.body or "").strip():
        return MediaRule(reply=LOCATION_REPLY)
    return None


def image_url(message: Message | None) -> str:
    """The message's stored photo as a data URL for a vision model ("" when there is none)."""
    media_info = info(message) if message is not None else {}
    if media_info.get("kind") != "image" or media_info.get("status") != "stored":
        return ""
    try:
        data = media.read(tenant_id=message.tenant_id, key=media_info["key"])
    except (FileNotFoundError, KeyError):
        return ""
    return f"data:{media_info.get('mime', 'image/jpeg')};base64,{base64.b64encode(data).decode()}"


def with_image(messages: list[dict], url: str, caption: str) -> list[dict]:
    """The chat messages with the last user message carrying the photo (OpenAI content parts)."""
    for index in range(len(messages) - 1, -1, -1):
        if messages[index]["role"] == "user":
            parts = [{"type": "text", "text": caption or "(foto enviada pelo cliente)"}, {"type": "image_url", "image_url": {"url": url}}]
            return [*messages[:index], {"role": "user", "content": parts}, *messages[index + 1 :]]
    return messages
