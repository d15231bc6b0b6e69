"""Evolution API (Baileys): `messages.upsert`/`messages.update`/`connection.update`, `sendText`.

Evolution does not sign webhooks: configure the header `X-Auzap-Secret: <webhook secret>` in
the instance's webhook `headers`. Formats from `shared/protocols/whatsapp.md` §4.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from auzap_console.channels import http
from auzap_console.channels.types import (
    ChannelRef,
    Event,
    InboundMessage,
    InvalidPayload,
    MediaRef,
    ProviderError,
    SessionUpdate,
    StatusUpdate,
    as_number,
    same_secret,
)
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import ProviderField

STATUSES = {"ERROR": "failed", "PENDING": "queued", "SERVER_ACK": "sent", "DELIVERY_ACK": "delivered", "READ": "read", "PLAYED": "read"}
CONNECTION = {"open": "connected", "connecting": "connecting", "close": "disconnected", "refused": "failed"}
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MEDIA_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
MEDIA_FIELDS = {
    "imageMessage": "image",
    "audioMessage": "audio",
    "videoMessage": "video",
    "documentMessage": "document",
    "stickerMessage": "sticker",
}


class EvolutionProvider:
    """Adapter for one Evolution instance."""

    def verify(self, channel: ChannelRef, headers: dict[str, str], body: bytes) -> bool:
        """The shared secret header configured on the instance's webhook."""
        return same_secret(headers.get("x-auzap-secret", ""), channel.webhook_secret)

    def parse(self, channel: ChannelRef, payload: dict[str, Any]) -> list[Event]:
        """Upserts (new messages), updates (receipts) and connection changes."""
        event, data = payload.get("event"), payload.get("data")
        if not isinstance(event, str) or not isinstance(data, dict):
            raise InvalidPayload("Evolution webhook needs 'event' and an object 'data'")
        if channel.external_id and payload.get("instance") not in (None, channel.external_id):
            raise InvalidPayload(f"instance {payload.get('instance')!r} is not this channel's")
        if event == "messages.upsert":
            return self._upsert(data)
        if event == "messages.update":
            status = STATUSES.get(str(data.get("status")))
            return [StatusUpdate(str(data["keyId"]), status)] if data.get("keyId") and status else []
        if event == "connection.update":
            return [SessionUpdate(CONNECTION.get(str(data.get("state")), "connecting"))]
        if event == "qrcode.updated":
            return [SessionUpdate("connecting", qr_code=str(((data.get("qrcode") or {}).get("base64")) or ""))]
        return []

    @staticmethod
    def _upsert(data: dict) -> list[Event]:
        key = data.get("key") or {}
        jid = str(key.get("remoteJid", ""))
        if key.get("fromMe") or not key.get("id") or jid.endswith(("@g.us", "@broadcast", "@newsletter")):
            return []
        if jid.endswith("@lid"):
            jid = str(key.get("remoteJidAlt") or data.get("senderPn") or "")
        try:
            phone = normalize_phone(jid) if jid else ""
        except InvalidPhone:
            phone = ""
        if not phone:
            return []
        message = data.get("message") or {}
        text = message.get("conversation") or (message.get("extendedTextMessage") or {}).get("text") or ""
        media = None
        for field, kind in MEDIA_FIELDS.items():
            content = message.get(field)
            if isinstance(content, dict):
                text = text or content.get("caption") or ""
                media = MediaRef(
                    kind,
                    ref=str(key["id"]),  # fetched back through getBase64FromMediaMessage
                    mime=str(content.get("mimetype") or ""),
                    filename=str(content.get("fileName") or ""),
                    voice=bool(content.get("ptt")),
                )
                break
        where = message.get("locationMessage")
        if isinstance(where, dict):
            media = MediaRef(
                "location",
                latitude=as_number(where.get("degreesLatitude")),
                longitude=as_number(where.get("degreesLongitude")),
                place=" — ".join(str(x) for x in (where.get("name"), where.get("address")) if x),
            )
        return [
            InboundMessage(
                message_id=str(key["id"]),
                sender_id=str(key.get("remoteJid")),
                phone=phone,
                text=str(text),
                sender_name=str(data.get("pushName") or ""),
                timestamp_s=int(data.get("messageTimestamp") or 0),
                media=media,
                raw=data,
            )
        ]

    def download_media(self, channel: ChannelRef, media: MediaRef) -> tuple[bytes, str]:
        """`POST {base}/chat/getBase64FromMediaMessage/{instance}` with the message key: the file, decrypted, in base64."""
        url = f"{channel.base_url.rstrip('/')}/chat/getBase64FromMediaMessage/{channel.external_id}"
        body = {"message": {"key": {"id": media.ref}}, "convertToMp4": False}
        try:
            r = http.client().post(url, json=body, headers={"apikey": channel.credentials.get("api_key", "")}, timeout=MEDIA_TIMEOUT)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Evolution unreachable: {exc}", kind="unreachable") from exc
        if r.status_code >= 400:
            raise ProviderError(f"Evolution {r.status_code} ao baixar a mídia", retryable=r.status_code >= 500)
        try:
            data = r.json()
            return base64.b64decode(data["base64"]), str(data.get("mimetype") or media.mime)
        except (ValueError, KeyError, binascii.Error) as exc:
            raise ProviderError(f"Evolution: resposta de mídia inválida ({exc})", retryable=False) from exc

    def check(self, channel: ChannelRef) -> None:
        """The server answers, accepts the key and knows the instance (`GET /instance/connectionState/{instance}`)."""
        url = f"{channel.base_url.rstrip('/')}/instance/connectionState/{channel.external_id}"
        try:
            r = http.client().get(url, headers={"apikey": channel.credentials.get("api_key", "")}, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Evolution unreachable: {exc}", kind="unreachable") from exc
        if r.status_code in (401, 403):
            raise ProviderError("Evolution refused the API key", retryable=False, kind="unauthorized")
        if r.status_code >= 400:
            raise ProviderError(f"Evolution connectionState answered {r.status_code}: {r.text[:160]}", retryable=False)

    def connect(self, channel: ChannelRef, webhook_url: str, pairing_phone: str = "") -> SessionUpdate:
        """Point the instance's webhook at us (secret header), then `GET /instance/connect` for the QR or pairing code (§4.2)."""
        headers = {"apikey": channel.credentials.get("api_key", "")}
        base, instance = channel.base_url.rstrip("/"), channel.external_id
        hook = {
            "webhook": {
                "enabled": True,
                "url": webhook_url,
                "headers": {"x-auzap-secret": channel.webhook_secret},
                "byEvents": False,
                "base64": False,
                "events": ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED"],
            }
        }
        try:
            r = http.client().post(f"{base}/webhook/set/{instance}", json=hook, headers=headers, timeout=TIMEOUT)
            if r.status_code >= 400:
                raise ProviderError(f"Evolution webhook/set answered {r.status_code}: {r.text[:160]}", retryable=False)
            params = {"number": pairing_phone.lstrip("+")} if pairing_phone else None
            r = http.client().get(f"{base}/instance/connect/{instance}", params=params, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Evolution unreachable: {exc}", kind="unreachable") from exc
        if r.status_code >= 400:
            raise ProviderError(f"Evolution connect answered {r.status_code}: {r.text[:160]}", retryable=False)
        data = r.json()
        if (data.get("instance") or {}).get("state") == "open":
            return SessionUpdate("connected")
        return SessionUpdate("connecting", qr_code=str(data.get("base64") or ""), pairing_code=str(data.get("pairingCode") or ""))

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """`POST {base}/message/sendText/{instance}` with the `apikey` header."""
        return self._send(channel, "sendText", {"number": to.lstrip("+"), "text": text, "linkPreview": False})

    def send_media(self, channel: ChannelRef, to: str, *, kind: str, data: bytes, mime: str, filename: str, caption: str = "") -> str:
        """`POST {base}/message/sendMedia/{instance}` (or `sendWhatsAppAudio` for a voice note), the file in base64."""
        encoded = base64.b64encode(data).decode()
        if kind == "audio":
            return self._send(channel, "sendWhatsAppAudio", {"number": to.lstrip("+"), "audio": encoded}, MEDIA_TIMEOUT)
        body = {
            "number": to.lstrip("+"),
            "mediatype": kind if kind in ("image", "video") else "document",
            "mimetype": mime,
            "caption": caption,
            "media": encoded,
            "fileName": filename,
        }
        return self._send(channel, "sendMedia", body, MEDIA_TIMEOUT)

    def _send(self, channel: ChannelRef, action: str, body: dict, timeout: httpx.Timeout = TIMEOUT) -> str:
        url = f"{channel.base_url.rstrip('/')}/message/{action}/{channel.external_id}"
        try:
            response = http.client().post(url, json=body, headers={"apikey": channel.credentials.get("api_key", "")}, timeout=timeout)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Evolution unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise ProviderError(
                f"Evolution answered {response.status_code}: {response.text[:200]}",
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        try:
            return str((response.json().get("key") or {}).get("id", ""))
        except ValueError:
            return ""


@hookimpl
def register_channel_providers(register):
    """Evolution API."""
    register(
        name="evolution",
        title="Evolution API",
        factory=EvolutionProvider,
        help="Conecte um número do WhatsApp lendo um QR code, pelo seu servidor Evolution API.",
        fields=[
            ProviderField(
                "base_url",
                "Endereço do servidor Evolution",
                "url",
                True,
                "Onde a Evolution API está rodando.",
                "https://evolution.minhaloja.com.br",
            ),
            ProviderField("api_key", "Chave da API", "secret", True, "A AUTHENTICATION_API_KEY do servidor."),
            ProviderField("external_id", "Nome da instância", "text", True, "A instância que corresponde a este número.", "loja"),
        ],
    )
