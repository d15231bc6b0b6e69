"""A local OpenAI-compatible server: real HTTP, the chat-completions protocol, scripted answers.

The real `openai` SDK talks to it; it records every request so tests can check what the
client sent (messages, tools) and answers with the next scripted reply.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Start with `with FakeOpenAI() as fake:`; `fake.base_url` goes to the SDK."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[dict] = []
        self.fail_next: int = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def reply_text(self, text: str, tokens: tuple[int, int] = (120, 30)) -> None:
        """Queue a plain assistant message."""
        self.script.append({"content": text, "tool_calls": None, "usage": tokens})

    def reply_tool(self, name: str, arguments: dict, tokens: tuple[int, int] = (150, 20)) -> None:
        """Queue a tool call."""
        call = {"id": f"call_{len(self.script)}", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        self.script.append({"content": None, "tool_calls": [call], "usage": tokens})

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                if self.headers.get("Authorization", "") != "Bearer sk-test":
                    return self._send(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
                fake.requests.append(body)
                if fake.fail_next:
                    fake.fail_next -= 1
                    return self._send(500, {"error": {"message": "server overloaded", "type": "server_error"}})
                step = fake.script.pop(0) if fake.script else {"content": "ok", "tool_calls": None, "usage": (10, 1)}
                message = {"role": "assistant", "content": step["content"]}
                if step["tool_calls"]:
                    message["tool_calls"] = step["tool_calls"]
                prompt, completion = step["usage"]
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(fake.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "gpt-4o-mini"),
                        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if step["tool_calls"] else "stop"}],
                        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
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
