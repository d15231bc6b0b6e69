"""Model clients speak one small protocol: messages + tools in, text or tool calls out.

`OpenAIModel` uses the official SDK against any OpenAI-compatible server; the offline
engine (`offline.py`) implements the same protocol locally.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from auzap_console.plugin.types import Persona, ToolSpec
from auzap_console.settings import get_settings


@dataclass
class ToolCall:
    """One function call the model asked for."""

    id: str
    name: str
    arguments: dict


@dataclass
class ModelReply:
    """What one model call returned."""

    content: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    model: str = ""


@dataclass
class TurnContext:
    """Structured facts about the turn, passed beside the messages (never parsed out of prompt text).

    `state` is the conversation's `agent_state` (pending confirmation, open offer, partly filled
    frame); an engine may update it and the runtime saves it with the reply.
    """

    now: datetime
    shop: str = ""
    assistant: str = ""
    customer: str = ""
    phone: str = ""
    persona: Persona | None = None
    specs: dict[str, ToolSpec] = field(default_factory=dict)
    pets: list[dict] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    upcoming: list[dict] = field(default_factory=list)
    knowledge: list[tuple[str, str]] = field(default_factory=list)
    state: dict = field(default_factory=dict)

    def open_frame(self) -> dict:
        """What a model must know to continue the dialogue: the pending confirmation and offer."""
        keys = ("pending", "offer", "frame")
        return {k: self.state[k] for k in keys if self.state.get(k)}


class ModelClient(Protocol):
    """Anything that can answer a chat-completions style request."""

    name: str

    def complete(self, *, messages: list[dict], tools: list[dict], model: str, context: TurnContext | None = None) -> ModelReply:
        """Answer the conversation so far."""


class OpenAIModel:
    """The official `openai` SDK, with a timeout and retries that fit inside an RQ job."""

    name = "openai"

    def __init__(
        self, *, api_key: str | None = None, base_url: str | None = None, timeout: float | None = None, max_retries: int | None = None
    ):
        from openai import OpenAI

        settings = get_settings()
        self.client = OpenAI(
            api_key=api_key or settings.openai_api_key,
            base_url=base_url or settings.openai_base_url or None,
            timeout=timeout if timeout is not None else settings.openai_timeout_seconds,
            max_retries=max_retries if max_retries is not None else settings.openai_max_retries,
        )

    def complete(self, *, messages: list[dict], tools: list[dict], model: str, context: TurnContext | None = None) -> ModelReply:
        """One chat-completions call; the open frame goes in as a structured system message."""
        frame = context.open_frame() if context else {}
        if frame:
            note = "Estado da conversa (JSON; ofertas e confirmações pendentes): " + json.dumps(frame, ensure_ascii=False, default=str)
            messages = [messages[0], {"role": "system", "content": note}, *messages[1:]]
        kwargs = {"model": model, "messages": messages}
        if tools:
            kwargs["tools"] = tools
        response = self.client.chat.completions.create(**kwargs)
        choice = response.choices[0].message
        calls = []
        for call in choice.tool_calls or []:
            try:
                arguments = json.loads(call.function.arguments or "{}")
            except json.JSONDecodeError:
                arguments = {"__invalid_json__": call.function.arguments}
            calls.append(ToolCall(id=call.id, name=call.function.name, arguments=arguments))
        usage = response.usage
        return ModelReply(
            content=choice.content,
            tool_calls=calls,
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            model=response.model or model,
        )
