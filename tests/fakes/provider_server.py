"""Local Meta Graph (Cloud API) and Evolution API servers: real HTTP, documented request and
response shapes, recording what they receive; errors can be scripted."""

from __future__ import annotations

import base64
import re
import time

from tests.fakes.base import JSONHandler, LocalServer


class ProviderHandler(JSONHandler):
    def do_GET(self):
        if self.fake.kind == "evolution" and self.path.startswith("/instance/connect/"):
            if self.headers.get("apikey") != self.fake.token:
                return self._send(401, {"status": 401, "error": "Unauthorized"})
            pairing = "WZYEH1YY" if "number=" in self.path else None
            return self._send(200, {"pairingCode": pairing, "code": "2@AbC", "base64": "data:image/png;base64,iVBORw0KGgo=", "count": 1})
        if self.fake.kind == "evolution" and self.path.startswith("/instance/connectionState/"):
            if self.headers.get("apikey") != self.fake.token:
                return self._send(401, {"status": 401, "error": "Unauthorized"})
            instance = self.path.rsplit("/", 1)[-1]
            if instance not in self.fake.instances:
                missing = {"message": [f'The "{instance}" instance does not exist']}
                return self._send(404, {"status": 404, "error": "Not Found", "response": missing})
            return self._send(200, {"instance": {"instanceName": instance, "state": "close"}})
        if self.fake.kind == "cloud" and self.path.startswith("/media-bytes/"):  # the short-lived download URL
            if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
                return self._send(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
            media_id = self.path.rsplit("/", 1)[-1]
            self.fake.downloads.append(media_id)
            data, mime = self.fake.media[media_id]
            return self._send_bytes(200, data, mime)
        if self.fake.kind == "cloud" and re.fullmatch(r"/v\d+\.\d+/\d+(\?.*)?", self.path):
            if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
                return self._send(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
            object_id = self.path.split("/")[2].split("?")[0]
            if object_id in self.fake.media:  # a media id: where to fetch it (protocol doc §2.7, Media download)
                data, mime = self.fake.media[object_id]
                return self._send(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "url": f"{self.fake.root_url}/media-bytes/{object_id}",
                        "mime_type": mime,
                        "sha256": "x",
                        "file_size": str(len(data)),
                        "id": object_id,
                    },
                )
            return self._send(200, {"display_phone_number": "+55 11 98888-0000", "id": object_id})
        return self._send(404, {"status": 404, "error": "Not Found"})

    def do_POST(self):
        if self.fake.kind == "cloud" and re.fullmatch(r"/v\d+\.\d+/\d+/media", self.path):  # media upload (multipart)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
                return self._send(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
            if b'name="messaging_product"' not in raw or b'name="file"' not in raw:
                return self._send(400, {"error": {"message": "file and messaging_product are required", "code": 100}})
            with self.fake.lock:
                self.fake.uploads.append(raw)
                return self._send(200, {"id": f"77700{len(self.fake.uploads):010d}"})
        body = self.read_json()
        if self.fake.kind == "cloud":
            if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
                return self._send(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
            if not re.fullmatch(r"/v\d+\.\d+/\d+/messages", self.path):
                return self._send(404, {"error": {"message": "Unknown path", "code": 100}})
        else:
            if self.headers.get("apikey") != self.fake.token:
                return self._send(401, {"status": 401, "error": "Unauthorized", "response": {"message": "Unauthorized"}})
            if self.path.startswith("/webhook/set/"):
                self.fake.webhooks.append(body)
                return self._send(201, {"webhook": {"instanceName": self.path.split("/")[-1], **body["webhook"]}})
            if self.path.startswith("/chat/getBase64FromMediaMessage/"):
                key_id = ((body.get("message") or {}).get("key") or {}).get("id", "")
                if key_id not in self.fake.media:
                    return self._send(400, {"status": 400, "error": "Bad Request", "response": {"message": ["Message not found"]}})
                self.fake.downloads.append(key_id)
                data, mime = self.fake.media[key_id]
                return self._send(201, {"mediaType": "audioMessage", "mimetype": mime, "base64": base64.b64encode(data).decode()})
            if not self.path.startswith(("/message/sendText/", "/message/sendMedia/", "/message/sendWhatsAppAudio/")):
                return self._send(404, {"status": 404, "error": "Not Found"})
        with self.fake.lock:
            if self.fake.errors:
                status, payload = self.fake.errors.pop(0)
                return self._send(status, payload)
            self.fake.sent.append({"path": self.path, **body, "_at": time.time()})
            n = len(self.fake.sent)
        if self.fake.kind == "cloud":
            self._send(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                    "messages": [{"id": f"wamid.OUT-{n:04d}", "message_status": "accepted"}],
                },
            )
        else:
            self._send(
                201,
                {
                    "key": {"remoteJid": f"{body.get('number')}@s.whatsapp.net", "fromMe": True, "id": f"3EB0EVO{n:010d}"},
                    "message": {"conversation": body.get("text")},
                    "status": "PENDING",
                },
            )


class FakeProvider(LocalServer):
    """`with FakeProvider(kind="cloud", token="t") as fake:` → `fake.base_url`, `fake.sent`, `fake.errors`."""

    handler = ProviderHandler

    def __init__(self, kind: str, token: str):
        self.kind, self.token = kind, token
        self.sent: list[dict] = []
        self.errors: list[tuple[int, dict]] = []  # next responses to fail with (status, body)
        self.webhooks: list[dict] = []
        self.instances: set[str] = {"loja"}  # Evolution instances that exist
        self.media: dict[str, tuple[bytes, str]] = {}  # Cloud media id / Evolution message id → (bytes, mime)
        self.uploads: list[bytes] = []  # Cloud media uploads (multipart bodies)
        self.downloads: list[str] = []
        super().__init__()

    @property
    def base_url(self) -> str:
        return self.root_url + "/v23.0" if self.kind == "cloud" else self.root_url


def cloud_text(*, message_id: str, sender: str, text: str, phone_number_id: str = "109876543210987") -> dict:
    """A Cloud API text notification (protocol doc §2.5)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102000000000001",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
                            "contacts": [{"profile": {"name": "Ana Souza"}, "wa_id": sender}],
                            "messages": [
                                {"from": sender, "id": message_id, "timestamp": "1760000000", "type": "text", "text": {"body": text}}
                            ],
                        },
                    }
                ],
            }
        ],
    }


def cloud_status(*, message_id: str, status: str, phone_number_id: str = "109876543210987") -> dict:
    """A Cloud API status notification (protocol doc §2.6)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102000000000001",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
                            "statuses": [{"id": message_id, "status": status, "timestamp": "1760000100", "recipient_id": "5511988887777"}],
                        },
                    }
                ],
            }
        ],
    }


def evolution_upsert(*, message_id: str, jid: str, text: str, instance: str = "loja", alt: str = "") -> dict:
    """An Evolution `messages.upsert` (protocol doc §4.4)."""
    key = {"remoteJid": jid, "fromMe": False, "id": message_id}
    if alt:
        key.update({"remoteJidAlt": alt, "addressingMode": "lid"})
    return {
        "event": "messages.upsert",
        "instance": instance,
        "data": {
            "key": key,
            "pushName": "Ana Souza",
            "status": "DELIVERY_ACK",
            "message": {"conversation": text},
            "messageType": "conversation",
            "messageTimestamp": 1760000002,
            "source": "android",
        },
        "destination": "http://127.0.0.1/webhooks/x",
        "date_time": "2025-10-21T11:40:39.123Z",
        "sender": "5511988880000@s.whatsapp.net",
        "server_url": "http://localhost:8080",
        "apikey": None,
    }


def cloud_media(*, message_id: str, sender: str, kind: str, media_id: str, mime: str, caption: str = "", **extra) -> dict:
    """A Cloud API media notification (image, audio, video, document, sticker; protocol doc §2.5)."""
    payload = cloud_text(message_id=message_id, sender=sender, text="")
    message = {
        "from": sender,
        "id": message_id,
        "timestamp": "1760000010",
        "type": kind,
        kind: {"id": media_id, "mime_type": mime, **extra},
    }
    if caption:
        message[kind]["caption"] = caption
    payload["entry"][0]["changes"][0]["value"]["messages"] = [message]
    return payload


def cloud_location(*, message_id: str, sender: str, latitude: float, longitude: float, name: str = "") -> dict:
    """A Cloud API location notification."""
    payload = cloud_text(message_id=message_id, sender=sender, text="")
    payload["entry"][0]["changes"][0]["value"]["messages"] = [
        {
            "from": sender,
            "id": message_id,
            "timestamp": "1760000011",
            "type": "location",
            "location": {"latitude": latitude, "longitude": longitude, "name": name},
        }
    ]
    return payload


def evolution_media(*, message_id: str, jid: str, kind: str, mime: str, caption: str = "", instance: str = "loja") -> dict:
    """An Evolution `messages.upsert` carrying media (`kind`: imageMessage, audioMessage, documentMessage…)."""
    payload = evolution_upsert(message_id=message_id, jid=jid, text="", instance=instance)
    content: dict = {"url": "https://mmg.whatsapp.net/x", "mimetype": mime, "mediaKey": "k"}
    if caption:
        content["caption"] = caption
    if kind == "audioMessage":
        content["ptt"] = True
    payload["data"]["message"] = {kind: content}
    payload["data"]["messageType"] = kind
    return payload
