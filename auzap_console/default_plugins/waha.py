"""WAHA (WhatsApp HTTP API, self-hosted): webhooks signed with HMAC-SHA512, `POST /api/sendText`.

Formats from `shared/protocols/whatsapp.md` §3. Own echoes (`fromMe`), groups, status
broadcasts and newsletters are ignored; `@lid` senders without a phone are skipped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

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
    kind_of,
    same_secret,
)
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import ProviderField

ACKS = {-1: "failed", 0: "queued", 1: "sent", 2: "delivered", 3: "read", 4: "read"}
SESSIONS = {"WORKING": "connected", "SCAN_QR_CODE": "connecting", "STARTING": "connecting", "STOPPED": "disconnected", "FAILED": "failed"}
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MEDIA_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


def chat_id(phone: str) -> str:
    """`+5511999999999` → `5511999999999@c.us`."""
    return phone.lstrip("+") + "@c.us"


class WahaProvider:
    """Adapter for one WAHA server (base URL and API key per channel)."""

    parse_may_block = True  # `parse` may ask the WAHA server for an @lid sender's phone

    def verify(self, channel: ChannelRef, headers: dict[str, str], body: bytes) -> bool:
        """`X-Webhook-Hmac` = hex HMAC-SHA512(key=webhook secret, raw body)."""
        given = headers.get("x-webhook-hmac", "")
        expected = hmac.new(channel.webhook_secret.encode(), body, hashlib.sha512).hexdigest()
        return same_secret(given.lower(), expected)

    def parse(self, channel: ChannelRef, payload: dict[str, Any]) -> list[Event]:
        """`message`, `message.ack` and `session.status` events."""
        event, data = payload.get("event"), payload.get("payload")
        if not isinstance(event, str) or not isinstance(data, dict):
            raise InvalidPayload("WAHA webhook needs 'event' and an object 'payload'")
        if channel.external_id and payload.get("session") not in (None, channel.external_id):
            raise InvalidPayload(f"session {payload.get('session')!r} is not this channel's")
        if event == "message":
            return self._message(channel, data)
        if event == "message.ack":
            ack = data.get("ack")
            return [StatusUpdate(str(data.get("id", "")), ACKS.get(ack, "sent"))] if data.get("id") and isinstance(ack, int) else []
        if event == "session.status":
            return [SessionUpdate(SESSIONS.get(str(data.get("status")), "connecting"))]
        return []

    def _message(self, channel: ChannelRef, data: dict) -> list[Event]:
        sender = str(data.get("from", ""))
        if data.get("fromMe") or sender.endswith(("@g.us", "@newsletter", "@broadcast")) or not data.get("id"):
            return []
        number = sender if sender.endswith("@c.us") else self._lid_phone(channel, sender) if sender.endswith("@lid") else ""
        try:
            phone = normalize_phone(number) if number else ""
        except InvalidPhone:
            phone = ""
        if not phone:
            return []  # a hidden (@lid) sender WAHA cannot map to a phone yet: nothing to answer
        media = data.get("media") or {}
        ref = None
        if data.get("hasMedia") and media.get("url"):
            mime = str(media.get("mimetype") or "")
            ref = MediaRef(kind_of(mime), ref=str(media["url"]), mime=mime, filename=str(media.get("filename") or ""))
        elif isinstance(data.get("location"), dict):
            where = data["location"]
            ref = MediaRef(
                "location",
                latitude=as_number(where.get("latitude")),
                longitude=as_number(where.get("longitude")),
                place=str(where.get("description") or where.get("name") or ""),
            )
        return [
            InboundMessage(
                message_id=str(data["id"]),
                sender_id=sender,
                phone=phone,
                text=str(data.get("body") or ""),
                sender_name=str((data.get("_data") or {}).get("notifyName", "") or ""),
                timestamp_s=int(data.get("timestamp") or 0),
                media_url=str(media.get("url", "") or ""),
                media=ref,
                raw=data,
            )
        ]

    def download_media(self, channel: ChannelRef, media: MediaRef) -> tuple[bytes, str]:
        """`GET /api/files/…` with `X-Api-Key`, always on the channel's own WAHA.

        The URL's host may be WAHA's idea of itself; only the path is taken, so a webhook cannot
        point us anywhere else.
        """
        path = urlsplit(media.ref).path
        if not path.startswith("/api/files/"):
            raise ProviderError(f"endereço de mídia inesperado: {path[:80]}", retryable=False)
        try:
            response = http.client().get(
                channel.base_url.rstrip("/") + path, headers={"X-Api-Key": channel.credentials.get("api_key", "")}, timeout=MEDIA_TIMEOUT
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"WAHA inacessível: {exc}", kind="unreachable") from exc
        if response.status_code >= 400:
            raise ProviderError(f"WAHA {response.status_code} ao baixar a mídia", retryable=response.status_code >= 500)
        return response.content, media.mime or response.headers.get("content-type", "")

    def connect(self, channel: ChannelRef, webhook_url: str, pairing_phone: str = "") -> SessionUpdate:
        """Create/start the session with our webhook (HMAC = the channel secret); return the QR or pairing code."""
        session = channel.external_id or "default"
        config = {
            "webhooks": [
                {
                    "url": webhook_url,
                    "events": ["message", "message.ack", "session.status"],
                    "hmac": {"key": channel.webhook_secret},
                    "retries": {"policy": "exponential", "delaySeconds": 2, "attempts": 10},
                }
            ],
            "ignore": {"status": True, "groups": True, "channels": True, "broadcast": True},
        }
        created = self._call(channel, "POST", "/api/sessions", {"name": session, "start": True, "config": config}, ok=(201, 200, 409, 422))
        if created.status_code in (409, 422):
            self._call(channel, "PUT", f"/api/sessions/{session}", {"name": session, "config": config})
        status = self._call(channel, "GET", f"/api/sessions/{session}").json().get("status", "STARTING")
        if status == "WORKING":
            return SessionUpdate("connected")
        if status != "SCAN_QR_CODE":
            return SessionUpdate(SESSIONS.get(status, "connecting"))
        if pairing_phone:
            code = self._call(channel, "POST", f"/api/{session}/auth/request-code", {"phoneNumber": pairing_phone.lstrip("+")}).json()
            return SessionUpdate("connecting", pairing_code=str(code.get("code", "")))
        qr = self._call(channel, "GET", f"/api/{session}/auth/qr", headers={"Accept": "application/json"}).json()
        return SessionUpdate("connecting", qr_code=f"data:{qr.get('mimetype', 'image/png')};base64,{qr.get('data', '')}")

    @staticmethod
    def _call(
        channel: ChannelRef, method: str, path: str, body: dict | None = None, *, ok: tuple = (200, 201), headers: dict | None = None
    ) -> httpx.Response:
        try:
            response = http.client().request(
                method,
                channel.base_url.rstrip("/") + path,
                json=body,
                timeout=TIMEOUT,
                headers={"X-Api-Key": channel.credentials.get("api_key", ""), **(headers or {})},
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"WAHA unreachable: {exc}", kind="unreachable") from exc
        if response.status_code not in ok:
            kind = "unauthorized" if response.status_code in (401, 403) else ""
            raise ProviderError(f"WAHA {method} {path} answered {response.status_code}: {response.text[:160]}", retryable=False, kind=kind)
        return response

    def check(self, channel: ChannelRef) -> None:
        """The server answers and accepts the key (`GET /api/sessions`); the session may not exist yet."""
        self._call(channel, "GET", "/api/sessions", ok=(200,))

    def session_status(self, channel: ChannelRef) -> SessionUpdate:
        """`GET /api/sessions/{session}` → the channel status."""
        session = channel.external_id or "default"
        found = self._call(channel, "GET", f"/api/sessions/{session}", ok=(200, 404))
        if found.status_code == 404:
            return SessionUpdate("disconnected")
        return SessionUpdate(SESSIONS.get(str(found.json().get("status")), "connecting"))

    def disconnect(self, channel: ChannelRef) -> SessionUpdate:
        """`POST /api/sessions/{session}/stop` (idempotent; keeps the login)."""
        self._call(channel, "POST", f"/api/sessions/{channel.external_id or 'default'}/stop", {}, ok=(200, 201, 404))
        return SessionUpdate("disconnected")

    def _lid_phone(self, channel: ChannelRef, lid: str) -> str:
        """`GET /api/{session}/lids/{lid}` → the phone behind a hidden id, or "" (§3.7)."""
        session = channel.external_id or "default"
        try:
            found = self._call(channel, "GET", f"/api/{session}/lids/{lid.split('@')[0]}").json()
        except (ProviderError, ValueError):
            return ""
        return str(found.get("pn") or "")

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """`POST {base}/api/sendText`; 4xx other than 429 are not retried."""
        body = {"session": channel.external_id or "default", "chatId": chat_id(to), "text": text, "linkPreview": False}
        return self._send(channel, "/api/sendText", body)

    def send_media(self, channel: ChannelRef, to: str, *, kind: str, data: bytes, mime: str, filename: str, caption: str = "") -> str:
        """`POST /api/sendImage` (photos), `/api/sendVoice` (voice notes) or `/api/sendFile`, the file in base64."""
        path = {"image": "/api/sendImage", "audio": "/api/sendVoice"}.get(kind, "/api/sendFile")
        body = {
            "session": channel.external_id or "default",
            "chatId": chat_id(to),
            "file": {"mimetype": mime, "filename": filename, "data": base64.b64encode(data).decode()},
            **({"caption": caption} if caption and kind != "audio" else {}),
        }
        return self._send(channel, path, body, timeout=MEDIA_TIMEOUT)

    def _send(self, channel: ChannelRef, path: str, body: dict, timeout: httpx.Timeout = TIMEOUT) -> str:
        headers = {"X-Api-Key": channel.credentials.get("api_key", ""), "Content-Type": "application/json"}
        try:
            response = http.client().post(channel.base_url.rstrip("/") + path, json=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise ProviderError(f"WAHA unreachable: {exc}") from exc
        if response.status_code >= 400:
            retryable = response.status_code == 429 or response.status_code >= 500 or response.status_code == 422
            raise ProviderError(f"WAHA answered {response.status_code}: {response.text[:200]}", retryable=retryable)
        try:
            data = response.json()
        except ValueError:
            data = {}
        msg_id = data.get("id") or (data.get("key") or {}).get("id") or ""
        return msg_id.get("_serialized", "") if isinstance(msg_id, dict) else str(msg_id)


@hookimpl
def register_channel_providers(register):
    """WAHA."""
    register(
        name="waha",
        title="WAHA (WhatsApp HTTP API)",
        factory=WahaProvider,
        help="Conecte um número do WhatsApp lendo um QR code, pelo seu servidor WAHA.",
        fields=[
            ProviderField(
                "base_url", "Endereço do servidor WAHA", "url", True, "Onde o WAHA está rodando.", "https://waha.minhaloja.com.br"
            ),
            ProviderField("api_key", "Chave da API", "secret", False, "A WAHA_API_KEY configurada no servidor (se houver)."),
            ProviderField("external_id", "Nome da sessão", "text", False, "Cada número é uma sessão no WAHA.", "default", "default"),
        ],
    )
