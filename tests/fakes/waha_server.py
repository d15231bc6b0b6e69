"""A local WAHA server: real HTTP, `POST /api/sendText` with `X-Api-Key`, recording what it gets."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


class FakeWaha:
    """`with FakeWaha(api_key="k") as waha:` → `waha.base_url`, `waha.sent`."""

    def __init__(self, api_key: str = "waha-key"):
        self.api_key = api_key
        self.sent: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.fail_next = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _authorized(self) -> bool:
                if self.headers.get("X-Api-Key") != fake.api_key:
                    self._send(401, {"message": "Unauthorized", "statusCode": 401})
                    return False
                return True

            def do_GET(self):
                if not self._authorized():
                    return None
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[:2] == ["api", "sessions"] and len(parts) == 3 and parts[2] in fake.sessions:
                    return self._send(200, {"name": parts[2], **fake.sessions[parts[2]]})
                if len(parts) == 4 and parts[0] == "api" and parts[2:] == ["auth", "qr"]:
                    return self._send(
                        200,
                        {
                            "mimetype": "image/png",
                            "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                        },
                    )
                return self._send(404, {"message": "Not Found", "statusCode": 404})

            def do_PUT(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self._authorized():
                    return None
                name = self.path.strip("/").split("/")[-1]
                fake.sessions[name] = {"status": "SCAN_QR_CODE", "config": body.get("config")}
                return self._send(200, {"name": name, **fake.sessions[name]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self._authorized():
                    return None
                if self.path == "/api/sessions":
                    if body["name"] in fake.sessions:
                        return self._send(422, {"message": "Session already exists", "statusCode": 422})
                    fake.sessions[body["name"]] = {"status": "SCAN_QR_CODE", "config": body.get("config")}
                    return self._send(201, {"name": body["name"], **fake.sessions[body["name"]]})
                if self.path.endswith("/auth/request-code"):
                    return self._send(200, {"code": "ABCD-EFGH"})
                if self.path != "/api/sendText":
                    return self._send(404, {"message": "Not Found", "statusCode": 404})
                if not all(body.get(k) for k in ("chatId", "text", "session")):
                    return self._send(400, {"message": "chatId, text and session are required", "statusCode": 400})
                with fake.lock:
                    if fake.fail_next:
                        fake.fail_next -= 1
                        return self._send(500, {"message": "Internal server error", "statusCode": 500})
                    fake.sent.append(body)
                    n = len(fake.sent)
                # NOWEB answers with the Baileys message (protocol doc §3.6).
                self._send(
                    201,
                    {
                        "key": {"remoteJid": body["chatId"].replace("@c.us", "@s.whatsapp.net"), "fromMe": True, "id": f"3EB0{n:016X}"},
                        "message": {"extendedTextMessage": {"text": body["text"]}},
                        "status": "PENDING",
                    },
                )

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def waha_message(*, message_id: str, sender: str, text: str, from_me: bool = False, session: str = "default") -> dict:
    """A `message` webhook as WAHA 2026 sends it."""
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
            "hasMedia": False,
            "media": None,
            "ack": 2,
            "ackName": "DEVICE",
            "_data": {"notifyName": "Joana"},
        },
    }
