"""Before a turn: fetch, check and store what an inbound message carries, and transcribe a voice note.

Done once, retried with back-off like any job.
The webhook only stored the provider's handle (fast acknowledgement); this runs inside the
message's answer job, so the agent reads the transcript. A file that cannot be fetched for good,
is too big or is not what it claims is recorded with the reason, and the turn goes on (the agent
then says it could not open it and the team is told).
"""

from __future__ import annotations

import logging

from sqlmodel import select

from auzap_console.agents.transcribe import transcribe
from auzap_console.channels.types import MediaRef, ProviderError
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Channel, Message, Tenant
from auzap_console.services import media
from auzap_console.services.agents import model_settings
from auzap_console.services.channels import channel_ref, provider_for
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.media")


def prepare(tenant_id: int, message_id: int) -> str:
    """Make an inbound message's media ready for its turn; returns what happened. Idempotent."""
    with tenant_session(tenant_id) as session:
        message = session.exec(select(Message).where(Message.tenant_id == tenant_id, Message.id == message_id)).first()
        info = dict((message.meta or {}).get("media") or {}) if message is not None else {}
        if info.get("status") != "pending":
            return "nothing to fetch"
        channel = session.get(Channel, message.channel_id) if message.channel_id else None
        if channel is None:
            return _record(tenant_id, message_id, status="failed", reason="sem canal para baixar a mídia")
        ref, provider_name = channel_ref(channel), channel.provider
        tenant = session.get(Tenant, tenant_id)
        own = model_settings(tenant.settings or {})
    provider = provider_for(provider_name)
    wanted = MediaRef(info["kind"], ref=info.get("ref", ""), mime=info.get("mime", ""), filename=info.get("filename", ""))
    if not hasattr(provider, "download_media"):
        return _record(tenant_id, message_id, status="failed", reason="este canal não baixa mídias")
    try:
        data, mime = provider.download_media(ref, wanted)
    except ProviderError as exc:
        if exc.retryable and not queues.is_final_attempt():
            raise
        return _record(tenant_id, message_id, status="failed", reason=str(exc)[:200])
    try:
        key = media.store(tenant_id=tenant_id, kind=wanted.kind, mime=mime or wanted.mime, data=data)
    except media.MediaRefused as exc:
        return _record(tenant_id, message_id, status=exc.status, reason=str(exc)[:200])
    extra: dict = {"key": key, "size": len(data), "mime": media.check(wanted.kind, mime or wanted.mime, data)}
    if wanted.kind == "audio":
        extra.update(_transcript(data, wanted, extra["mime"], own))
    return _record(tenant_id, message_id, status="stored", **extra)


def _transcript(data: bytes, wanted: MediaRef, mime: str, own: dict) -> dict:
    """The voice note's words when a model is configured; otherwise (or on failure) why not."""
    api_key = own["api_key"] or get_settings().openai_api_key
    if not api_key:
        return {"transcript": "", "transcript_error": "sem modelo de transcrição configurado"}
    try:
        name = wanted.filename or ("voz.ogg" if mime == "audio/ogg" else "audio")
        return {"transcript": transcribe(data, filename=name, mime=mime, api_key=api_key, base_url=own["base_url"])}
    except Exception as exc:  # the turn goes on without it: the agent asks for text and the team is told
        log.warning("transcription failed: %s", exc)
        return {"transcript": "", "transcript_error": f"transcrição falhou: {type(exc).__name__}"}


def _record(tenant_id: int, message_id: int, *, status: str, reason: str = "", **extra) -> str:
    with tenant_session(tenant_id) as session:
        message = session.exec(select(Message).where(Message.tenant_id == tenant_id, Message.id == message_id).with_for_update()).one()
        meta = dict(message.meta or {})
        meta["media"] = {**(meta.get("media") or {}), **extra, "status": status, **({"reason": reason} if reason else {})}
        message.meta = meta
        session.add(message)
    return status
