"""Meta WhatsApp Cloud API: `X-Hub-Signature-256` webhooks, GET verification, Graph `/messages` sends.

Formats from `shared/protocols/whatsapp.md` §2. Credentials per channel: `access_token`,
`app_secret` (signature key) and `verify_token`; `external_id` is the phone_number_id;
`base_url` defaults to the Graph API (a local fake in tests).
"""

from __future__ import annotations

import hashlib
import hmac
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
    StatusUpdate,
    as_number,
    same_secret,
)
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import ProviderField

GRAPH = "https://graph.facebook.com/v23.0"
RETRYABLE_CODES = {4, 80007, 130429, 131056, 131048, 1, 2}
WINDOW_CLOSED = 131047
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MEDIA_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # files up to 100 MB
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")


class CloudApiProvider:
    """Adapter for one WhatsApp Business phone number."""

    def verify(self, channel: ChannelRef, headers: dict[str, str], body: bytes) -> bool:
        """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`."""
        given = headers.get("x-hub-signature-256", "")
        secret = channel.credentials.get("app_secret") or channel.webhook_secret
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return same_secret(given.lower(), expected)

    def verify_subscription(self, channel: ChannelRef, params: dict[str, str]) -> str | None:
        """The GET handshake: the challenge when mode and token match, else None (403)."""
        token = channel.credentials.get("verify_token") or channel.webhook_secret
        if params.get("hub.mode") == "subscribe" and same_secret(params.get("hub.verify_token", ""), token):
            return params.get("hub.challenge", "")
        return None

    def parse(self, channel: ChannelRef, payload: dict[str, Any]) -> list[Event]:
        """`messages` and `statuses` of every change for this phone number."""
        if payload.get("object") != "whatsapp_business_account" or not isinstance(payload.get("entry"), list):
            raise InvalidPayload("not a whatsapp_business_account notification")
        events: list[Event] = []
        for entry in payload["entry"]:
            for change in entry.get("changes") or []:
                value = change.get("value") or {}
                if change.get("field") != "messages":
                    continue
                phone_id = (value.get("metadata") or {}).get("phone_number_id")
                if channel.external_id and phone_id and phone_id != channel.external_id:
                    continue
                names = {c.get("wa_id"): (c.get("profile") or {}).get("name", "") for c in value.get("contacts") or []}
                for msg in value.get("messages") or []:
                    event = self._message(msg, names)
                    if event:
                        events.append(event)
                for status in value.get("statuses") or []:
                    if status.get("id") and status.get("status") in ("sent", "delivered", "read", "failed"):
                        events.append(StatusUpdate(status["id"], status["status"]))
        return events

    @staticmethod
    def _message(msg: dict, names: dict) -> InboundMessage | None:
        kind = msg.get("type")
        media = None
        if kind == "text":
            text = (msg.get("text") or {}).get("body", "")
        elif kind == "interactive":
            inter = msg.get("interactive") or {}
            text = (inter.get("button_reply") or inter.get("list_reply") or {}).get("title", "")
        elif kind == "button":
            text = (msg.get("button") or {}).get("text", "")
        elif kind in MEDIA_KINDS:
            content = msg.get(kind) or {}
            text = content.get("caption", "")
            media = MediaRef(
                kind,
                ref=str(content.get("id", "")),
                mime=content.get("mime_type", ""),
                filename=content.get("filename", ""),
                voice=bool(content.get("voice")),
            )
        elif kind == "location":
            where = msg.get("location") or {}
            text = ""
            media = MediaRef(
                "location",
                latitude=as_number(where.get("latitude")),
                longitude=as_number(where.get("longitude")),
                place=" — ".join(x for x in (where.get("name"), where.get("address")) if x),
            )
        else:
            text = f"[{kind}]"
        try:
            phone = normalize_phone(str(msg.get("from", "")))
        except InvalidPhone:
            return None
        if not msg.get("id"):
            return None
        return InboundMessage(
            message_id=str(msg["id"]),
            sender_id=str(msg.get("from")),
            phone=phone,
            text=text,
            sender_name=names.get(msg.get("from"), ""),
            timestamp_s=int(msg.get("timestamp") or 0),
            media=media,
            raw=msg,
        )

    def download_media(self, channel: ChannelRef, media: MediaRef) -> tuple[bytes, str]:
        """`GET {graph}/{media-id}` for a short-lived URL, then `GET` the URL with the same token."""
        headers = {"Authorization": f"Bearer {channel.credentials.get('access_token', '')}"}
        try:
            found = http.client().get(f"{(channel.base_url or GRAPH).rstrip('/')}/{media.ref}", headers=headers, timeout=TIMEOUT)
            if found.status_code >= 400:
                raise ProviderError(f"Graph API {found.status_code} ao buscar a mídia", retryable=found.status_code >= 500)
            info = found.json()
            file = http.client().get(info["url"], headers=headers, timeout=MEDIA_TIMEOUT)
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise ProviderError(f"não foi possível baixar a mídia: {exc}", kind="unreachable") from exc
        if file.status_code >= 400:
            raise ProviderError(f"Graph API {file.status_code} ao baixar a mídia", retryable=file.status_code >= 500)
        return file.content, info.get("mime_type") or file.headers.get("content-type", "")

    def send_template(self, channel: ChannelRef, to: str, name: str, language: str = "pt_BR", body_params: list[str] | None = None) -> str:
        """Send an approved template (the only thing allowed outside the 24-hour window)."""
        template: dict[str, Any] = {"name": name, "language": {"code": language}}
        if body_params:
            template["components"] = [{"type": "body", "parameters": [{"type": "text", "text": p} for p in body_params]}]
        return self._post(channel, {"messaging_product": "whatsapp", "to": to.lstrip("+"), "type": "template", "template": template})

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """`POST {graph}/{phone_number_id}/messages`; 131047 (24 h window) needs a template: not retried."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "text",
            "text": {"body": text[:4096], "preview_url": False},
        }
        return self._post(channel, body)

    def send_media(self, channel: ChannelRef, to: str, *, kind: str, data: bytes, mime: str, filename: str, caption: str = "") -> str:
        """Upload the file (`POST {graph}/{phone_number_id}/media`), then send it by its media id."""
        url = f"{(channel.base_url or GRAPH).rstrip('/')}/{channel.external_id}/media"
        headers = {"Authorization": f"Bearer {channel.credentials.get('access_token', '')}"}
        try:
            uploaded = http.client().post(
                url,
                data={"messaging_product": "whatsapp", "type": mime},
                files={"file": (filename or "arquivo", data, mime)},
                headers=headers,
                timeout=MEDIA_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Graph API unreachable: {exc}", kind="unreachable") from exc
        if uploaded.status_code >= 400:
            raise ProviderError(f"Graph API {uploaded.status_code} ao enviar o arquivo", retryable=uploaded.status_code >= 500)
        kind = kind if kind in MEDIA_KINDS else "document"
        content: dict[str, Any] = {"id": uploaded.json().get("id", "")}
        if caption and kind in ("image", "video", "document"):
            content["caption"] = caption[:1024]
        if kind == "document" and filename:
            content["filename"] = filename
        return self._post(
            channel, {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"), "type": kind, kind: content}
        )

    def _post(self, channel: ChannelRef, body: dict) -> str:
        url = f"{(channel.base_url or GRAPH).rstrip('/')}/{channel.external_id}/messages"
        headers = {"Authorization": f"Bearer {channel.credentials.get('access_token', '')}"}
        try:
            response = http.client().post(url, json=body, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Graph API unreachable: {exc}", kind="unreachable") from exc
        data = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if response.status_code >= 400:
            error = data.get("error") or {}
            code = error.get("code")
            if code == WINDOW_CLOSED:
                raise ProviderError("janela de 24 horas fechada: é preciso um modelo (template) aprovado", retryable=False)
            retryable = code in RETRYABLE_CODES or response.status_code >= 500 or bool(error.get("is_transient"))
            kind = "unauthorized" if response.status_code in (401, 403) or code == 190 else ""
            message = f"Graph API {response.status_code} ({code}): {error.get('message', '')[:160]}"
            raise ProviderError(message, retryable=retryable, kind=kind)
        return str(((data.get("messages") or [{}])[0]).get("id", ""))

    def check(self, channel: ChannelRef) -> None:
        """The token can read the phone number (`GET {graph}/{phone_number_id}`)."""
        url = f"{(channel.base_url or GRAPH).rstrip('/')}/{channel.external_id}"
        headers = {"Authorization": f"Bearer {channel.credentials.get('access_token', '')}"}
        try:
            response = http.client().get(url, params={"fields": "display_phone_number"}, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Graph API unreachable: {exc}", kind="unreachable") from exc
        if response.status_code in (401, 403):
            raise ProviderError("Graph API refused the token", retryable=False, kind="unauthorized")
        if response.status_code >= 400:
            raise ProviderError(f"Graph API {response.status_code}: {response.text[:160]}", retryable=False)


@hookimpl
def register_channel_providers(register):
    """Meta WhatsApp Cloud API."""
    register(
        name="cloud",
        title="WhatsApp Cloud API (Meta)",
        factory=CloudApiProvider,
        help="O número oficial da Meta. Os dados ficam no painel do app em developers.facebook.com → WhatsApp.",
        fields=[
            ProviderField("external_id", "ID do número de telefone", "text", True, "Em WhatsApp → Configuração da API.", "109876543210987"),
            ProviderField("access_token", "Token de acesso", "secret", True, "Um token permanente de usuário do sistema."),
            ProviderField("app_secret", "Chave secreta do app", "secret", True, "Em Configurações do app → Básico; assina os webhooks."),
            ProviderField(
                "verify_token", "Token de verificação", "secret", False, "O mesmo que você digitar ao cadastrar o webhook na Meta."
            ),
            ProviderField("base_url", "Endereço da Graph API", "url", False, "Deixe em branco para usar o da Meta.", GRAPH),
        ],
    )
