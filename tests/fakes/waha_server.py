"""A local WAHA server: real HTTP, `POST /api/sendText` with `X-Api-Key`, recording what it gets."""

from __future__ import annotations

from tests.fakes.base import JSONHandler, LocalServer

ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


class WahaHandler(JSONHandler):
    def _authorized(self) -> bool:
        if self.headers.get("X-Api-Key") != self.fake.api_key:
            self._send(401, {"message": "Unauthorized", "statusCode": 401})
            return False
        return True

    def do_GET(self):
        if not self._authorized():
            return None
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts == ["api", "sessions"]:
            return self._send(200, [{"name": name, **info} for name, info in self.fake.sessions.items()])
        if parts[:2] == ["api", "sessions"] and len(parts) == 3 and parts[2] in self.fake.sessions:
            return self._send(200, {"name": parts[2], **self.fake.sessions[parts[2]]})
        if len(parts) == 4 and parts[0] == "api" and parts[2] == "lids":
            pn = self.fake.lids.get(parts[3])
            return self._send(200, {"lid": f"{parts[3]}@lid", "pn": pn})
        if len(parts) >= 3 and parts[:2] == ["api", "files"]:  # media WAHA downloaded for us (protocol doc §3, Media)
            name = "/".join(parts[2:])
            if name not in self.fake.files:
                return self._send(404, {"message": "Not Found", "statusCode": 404})
            self.fake.downloads.append(name)
            data, mime = self.fake.files[name]
            return self._send_bytes(200, data, mime)
        if len(parts) == 4 and parts[0] == "api" and parts[2:] == ["auth", "qr"]:
            return self._send(
                200,
                {"mimetype": "image/png", "data": ONE_PIXEL_PNG},
            )
        return self._send(404, {"message": "Not Found", "statusCode": 404})

    def do_PUT(self):
        body = self.read_json()
        if not self._authorized():
            return None
        name = self.path.strip("/").split("/")[-1]
        self.fake.sessions[name] = {"status": "SCAN_QR_CODE", "config": body.get("config")}
        return self._send(200, {"name": name, **self.fake.sessions[name]})

    def do_POST(self):
        body = self.read_json()
        if not self._authorized():
            return None
        if self.path == "/api/sessions":
            if body["name"] in self.fake.sessions:
                return self._send(422, {"message": "Session already exists", "statusCode": 422})
            self.fake.sessions[body["name"]] = {"status": "SCAN_QR_CODE", "config": body.get("config")}
            return self._send(201, {"name": body["name"], **self.fake.sessions[body["name"]]})
        if self.path.startswith("/api/sessions/") and self.path.endswith("/stop"):
            name = self.path.split("/")[3]
            if name in self.fake.sessions:
                self.fake.sessions[name]["status"] = "STOPPED"
            return self._send(201, {"name": name, "status": "STOPPED"})
        if self.path.endswith("/auth/request-code"):
            return self._send(200, {"code": "ABCD-EFGH"})
        if self.path in ("/api/sendImage", "/api/sendFile", "/api/sendVoice"):
            file = body.get("file") or {}
            if not (body.get("chatId") and body.get("session") and file.get("data") and file.get("mimetype")):
                return self._send(400, {"message": "chatId, session and file are required", "statusCode": 400})
            with self.fake.lock:
                self.fake.sent.append({"path": self.path, **body})
                n = len(self.fake.sent)
            return self._send(201, {"id": f"true_{body['chatId']}_3EB0MEDIA{n:04d}", "fromMe": True})
        if self.path != "/api/sendText":
            return self._send(404, {"message": "Not Found", "statusCode": 404})
        if not all(body.get(k) for k in ("chatId", "text", "session")):
            return self._send(400, {"message": "chatId, text and session are required", "statusCode": 400})
        with self.fake.lock:
            if self.fake.fail_next:
                self.fake.fail_next -= 1
                return self._send(500, {"message": "Internal server error", "statusCode": 500})
            self.fake.sent.append(body)
            n = len(self.fake.sent)
        # NOWEB answers with the Baileys message (protocol doc §3.6).
        self._send(
            201,
            {
                "key": {"remoteJid": body["chatId"].replace("@c.us", "@s.whatsapp.net"), "fromMe": True, "id": f"3EB0{n:016X}"},
                "message": {"extendedTextMessage": {"text": body["text"]}},
                "status": "PENDING",
            },
        )


class FakeWaha(LocalServer):
    """`with FakeWaha(api_key="k") as waha:` → `waha.base_url`, `waha.sent`, `waha.sessions`."""

    handler = WahaHandler

    def __init__(self, api_key: str = "waha-key"):
        self.api_key = api_key
        self.sent: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.lids: dict[str, str] = {}  # hidden id digits → "5511…@c.us"
        self.files: dict[str, tuple[bytes, str]] = {}  # /api/files/<name> → (bytes, mimetype)
        self.downloads: list[str] = []
        self.fail_next = 0
        super().__init__()

    @property
    def base_url(self) -> str:
        return self.root_url


def waha_message(
    *, message_id: str, sender: str, text: str, from_me: bool = False, session: str = "default", media: dict | None = None
) -> dict:
    """A `message` webhook as WAHA 2026 sends it (`media`: `{url, mimetype, filename}` of a file WAHA downloaded)."""
    return {
        "id": f"evt_{message_id[-12:].lower()}",
        "timestamp": 1760000002000,
        "event": "message",
        "session": session,
        "engine": "NOWEB",
        "environment": {"version": "2026.7.1", "engine": "NOWEB", "tier": "CORE"},
        "me": {"id": "5511988880000@c.us", "pushName": "Loja"},
        "payload": {
            "id": message_id,
            "timestamp": 1760000002,
            "from": sender,
            "fromMe": from_me,
            "source": "app",
            "to": "5511988880000@c.us",
            "body": text,
            "hasMedia": media is not None,
            "media": media,
            "ack": 2,
            "ackName": "DEVICE",
            "_data": {"notifyName": "Joana"},
        },
    }
