"""A local OpenAI-compatible server: real HTTP, the chat-completions protocol, scripted answers.

The real `openai` SDK talks to it; it records every request so tests can check what the
client sent (messages, tools) and answers with the next scripted reply.
"""

from __future__ import annotations

import json
import time

from tests.fakes.base import JSONHandler, LocalServer


class OpenAIHandler(JSONHandler):
    def do_POST(self):
        if self.path.rstrip("/") == "/v1/audio/transcriptions":
            return self._transcribe()
        body = self.read_json()
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        if self.headers.get("Authorization", "") != "Bearer sk-test":
            return self._send(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
        self.fake.requests.append(body)
        started = time.monotonic()
        with self.fake.lock:
            self.fake.in_flight += 1
            self.fake.max_in_flight = max(self.fake.max_in_flight, self.fake.in_flight)
        time.sleep(self.fake.delay)  # a slow model: the caller waits this long for every answer
        with self.fake.lock:
            self.fake.in_flight -= 1
            user = next((m.get("content") for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
            self.fake.spans.append((started, time.monotonic(), user))
        if self.fake.fail_next:
            self.fake.fail_next -= 1
            return self._send(500, {"error": {"message": "server overloaded", "type": "server_error"}})
        step = self.fake.script.pop(0) if self.fake.script else {"content": "ok", "tool_calls": None, "usage": (10, 1)}
        message = {"role": "assistant", "content": step["content"]}
        if step["tool_calls"]:
            message["tool_calls"] = step["tool_calls"]
        prompt, completion = step["usage"]
        self._send(
            200,
            {
                "id": f"chatcmpl-{len(self.fake.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "gpt-4o-mini"),
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if step["tool_calls"] else "stop"}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
            },
        )

    def _transcribe(self):
        """`POST /v1/audio/transcriptions` (multipart: file, model) → `{"text": …}`."""
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization", "") != "Bearer sk-test":
            return self._send(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
        if b'name="file"' not in raw or b'name="model"' not in raw:
            return self._send(400, {"error": {"message": "file and model are required", "type": "invalid_request_error"}})
        self.fake.transcriptions.append(raw)
        if self.fake.fail_next:
            self.fake.fail_next -= 1
            return self._send(500, {"error": {"message": "server overloaded", "type": "server_error"}})
        return self._send(200, {"text": self.fake.transcript})


class FakeOpenAI(LocalServer):
    """Start with `with FakeOpenAI() as fake:`; `fake.base_url` goes to the SDK."""

    handler = OpenAIHandler

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[dict] = []
        self.fail_next: int = 0
        self.delay: float = 0.0  # seconds before each answer
        self.spans: list[tuple[float, float, str]] = []  # (started, answered, last user message) per request
        self.in_flight = self.max_in_flight = 0
        self.transcriptions: list[bytes] = []  # multipart bodies received
        self.transcript = "oi, queria saber o preço do banho"
        super().__init__()

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    def reply_text(self, text: str, tokens: tuple[int, int] = (120, 30)) -> None:
        """Queue a plain assistant message."""
        self.script.append({"content": text, "tool_calls": None, "usage": tokens})

    def reply_tool(self, name: str, arguments: dict, tokens: tuple[int, int] = (150, 20)) -> None:
        """Queue a tool call."""
        call = {"id": f"call_{len(self.script)}", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        self.script.append({"content": None, "tool_calls": [call], "usage": tokens})
