"""One agent turn: build the prompt, call the model, run the tools it asks for, loop, reply.

Bounded by steps, tool calls and wall time. Every model call and tool call is stored
(AIInteraction) and usage is added as it happens. Tools the persona or tenant did not
allow are refused whatever the model says; tools that need confirmation run only when
the customer's latest message confirms the very same pending action.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.agents.model import ModelClient, ModelReply, TurnContext, default_client
from auzap_console.agents.pricing import cost_micro_usd
from auzap_console.agents.prompt import build_system_prompt
from auzap_console.agents.tools import ToolContext, ToolError, coerce_arguments, openai_schema
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.metrics import MODEL_LATENCY, MODEL_TOKENS
from auzap_console.models import AIInteraction, Conversation, Customer, Message, Pet, Tenant
from auzap_console.plugin import manager
from auzap_console.plugin.types import Persona, ToolSpec
from auzap_console.services import booking, catalog, conversations, knowledge
from auzap_console.services import memory as customer_memory
from auzap_console.services.agents import get_config
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.usage import add_usage
from auzap_console.settings import get_settings
from auzap_console.text import is_no, is_yes, normalize

log = logging.getLogger("auzap.agents")
MAX_STEPS = 6
MAX_TOOL_CALLS = 8
TURN_SECONDS = 90
HISTORY = 16
FALLBACK_REPLY = "Desculpe, tive um problema para responder agora. Vou chamar alguém da equipe para te ajudar. 🙏"
AWAY_REPLY = "Oi! 😊 Estamos fora do horário de atendimento agora. Sua mensagem foi registrada e a equipe responde assim que abrirmos."
HANDOFF_REPLY = "Certo! Vou chamar alguém da nossa equipe para falar com você. Só um instantinho. 🙋"


@dataclass
class TurnResult:
    """What a turn produced."""

    reply: str
    message_id: int | None
    persona: str
    engine: str
    tool_calls: list[dict] = field(default_factory=list)
    skipped: str = ""
    typing_delay_ms: int = 0


def tenant_model_settings(tenant_settings: dict) -> dict[str, str]:
    """The tenant's own OpenAI-compatible key (stored encrypted), base URL and default model."""
    from auzap_console.crypto import decrypt_json

    try:
        key = decrypt_json(tenant_settings.get("openai_api_key_encrypted", "")).get("key", "")
    except ValueError:
        log.warning("tenant OpenAI key cannot be decrypted with this SECRET_KEY; using the global settings")
        key = ""
    return {"api_key": key, "base_url": tenant_settings.get("openai_base_url", ""), "model": tenant_settings.get("openai_model", "")}


def allowed_tools(persona: Persona, configured: list[str], disabled: list[str]) -> dict[str, ToolSpec]:
    """Tools this persona may call for this tenant.

    A tool must be registered for the persona (by name or audience) by an enabled plugin and,
    when the tenant chose a list on the Agents page, be on that list.
    """
    registered = {name: spec for name, spec in manager.tools(disabled).items() if spec.allowed_for(persona)}
    return {name: spec for name, spec in registered.items() if not configured or name in configured}


def _history_messages(rows: list[Message]) -> list[dict]:
    return [{"role": "user" if m.direction == "in" else "assistant", "content": m.body} for m in rows if m.body]


def _record(session: Session, actor: Actor, conversation: Conversation, **fields) -> None:
    session.add(AIInteraction(tenant_id=actor.tenant_id, conversation_id=conversation.id, persona=conversation.persona, **fields))


def _run_tool(session: Session, spec: ToolSpec, ctx: ToolContext, raw_args: dict) -> dict:
    try:
        args = coerce_arguments(spec, raw_args)
        with session.begin_nested():
            result = spec.function(ctx, **args)
        return result if isinstance(result, dict) else {"summary": str(result)}
    except (ToolError, ServiceError) as exc:
        return {"error": str(exc)}
    except Exception:
        log.exception("tool %s failed", spec.name)
        return {"error": "falha interna ao executar a ferramenta"}


def run_turn(*, tenant_id: int, conversation_id: int, client: ModelClient | None = None, now: datetime | None = None) -> TurnResult:
    """Answer the latest customer message of a conversation; safe to call again (no double reply)."""
    actor = Actor(tenant_id=tenant_id, role="staff")
    with tenant_session(tenant_id) as session:
        conversation = get_scoped(session, Conversation, conversation_id, actor)
        session.refresh(conversation, with_for_update=True)  # one turn at a time per conversation
        tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
        rows = conversations.history(session, actor=actor, conversation_id=conversation.id, limit=HISTORY)
        if rows:  # this turn handles every message so far (committed with its outcome, or rolled back with it)
            conversations.finish_inbound(session, actor=actor, conversation_id=conversation.id, upto_message_id=rows[-1].id)
        if not rows or rows[-1].direction != "in":
            return TurnResult("", None, conversation.persona, "", skipped="already answered")
        if conversation.ai_paused:
            return TurnResult("", None, conversation.persona, "", skipped="ai paused")
        last_text = rows[-1].body
        disabled = list((tenant.settings or {}).get("disabled_plugins", []))
        persona = manager.personas(disabled).get(conversation.persona)
        config = get_config(session, actor=actor, persona=conversation.persona)
        if persona is None or not config.enabled:
            return TurnResult("", None, conversation.persona, "", skipped="persona disabled")
        away = _outside_hours(config.business_hours, tenant.timezone, now or utcnow())
        if away is not None:
            state = dict(conversation.agent_state or {})
            if state.get("away_notice") == away:
                return TurnResult("", None, conversation.persona, "", skipped="outside hours")
            state["away_notice"] = away
            conversation.agent_state, conversation.waiting_human = state, True
            text = AWAY_REPLY
            return _reply(session, actor, conversation, text, "rules", [], 0, 0, "", config.typing_delay_ms)
        if any(k and k in normalize(last_text) for k in (normalize(x) for x in config.handoff_keywords)):
            conversation.waiting_human, conversation.ai_paused = True, True
            return _reply(session, actor, conversation, HANDOFF_REPLY, "rules", [], 0, 0, "", config.typing_delay_ms)

        customer = session.get(Customer, conversation.customer_id)
        pets = list(session.exec(select(Pet).where(Pet.tenant_id == tenant_id, Pet.customer_id == conversation.customer_id)))
        memory = customer_memory.find_memory(session, actor=actor, customer_id=conversation.customer_id)
        kb = [(a.title, a.body) for a, _ in knowledge.search(session, actor=actor, query=last_text, limit=2)]
        context = manager.prompt_context(tenant_id=tenant_id, customer_id=conversation.customer_id, persona=persona.name, disabled=disabled)
        state = dict(conversation.agent_state or {})
        pending = state.get("pending")
        if pending and not is_yes(last_text):
            state.pop("pending", None)
            if is_no(last_text):
                conversation.agent_state = state
                return _reply(
                    session, actor, conversation, "Tudo bem, deixei como estava. Posso ajudar em algo mais? 😊", "rules", [], 0, 0, ""
                )
            pending = None
        now = now or utcnow()
        system = build_system_prompt(
            persona=persona,
            config=config,
            tenant=tenant,
            customer=customer,
            pets=pets,
            memory=memory,
            knowledge=kb,
            plugin_context=context,
            now=now,
        )
        tools = allowed_tools(persona, config.tools, disabled)
        settings = get_settings()
        model_settings = tenant_model_settings(tenant.settings or {})
        client = client or default_client(model_settings["api_key"], model_settings["base_url"])
        model = config.model or model_settings["model"] or (settings.openai_model if client.name == "openai" else "offline")
        messages = [{"role": "system", "content": system}, *_history_messages(rows)]
        ctx = ToolContext(
            tenant_id=tenant_id,
            persona=persona.name,
            customer_id=conversation.customer_id,
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            phone=customer.phone if customer else "",
            session=session,
            now=now,
            state=state,
            message=last_text,
        )
        turn = _turn_context(session, actor, tenant, config, persona, customer, pets, kb, tools, state, now)
        calls_made: list[dict] = []
        tokens_in = tokens_out = 0
        deadline = time.monotonic() + TURN_SECONDS
        reply_text = ""
        for _step in range(MAX_STEPS):
            if time.monotonic() > deadline:
                break
            started = time.monotonic()
            try:
                reply: ModelReply = client.complete(
                    messages=messages, tools=[openai_schema(s) for s in tools.values()], model=model, context=turn
                )
            except Exception as exc:
                log.warning("model call failed: %s", exc)
                _record(
                    session,
                    actor,
                    conversation,
                    kind="model",
                    model=model,
                    result={"error": str(exc)[:500]},
                    latency_ms=int((time.monotonic() - started) * 1000),
                )
                break
            tokens_in, tokens_out = tokens_in + reply.tokens_in, tokens_out + reply.tokens_out
            MODEL_LATENCY.labels(client.name).observe(time.monotonic() - started)
            MODEL_TOKENS.labels(client.name, "in").inc(reply.tokens_in)
            MODEL_TOKENS.labels(client.name, "out").inc(reply.tokens_out)
            _record(
                session,
                actor,
                conversation,
                kind="model",
                model=reply.model or model,
                latency_ms=int((time.monotonic() - started) * 1000),
                tokens_in=reply.tokens_in,
                tokens_out=reply.tokens_out,
                result={"content": reply.content, "tool_calls": [c.name for c in reply.tool_calls]},
            )
            add_usage(
                session,
                tenant_id=tenant_id,
                persona=persona.name,
                tokens_in=reply.tokens_in,
                tokens_out=reply.tokens_out,
                cost_micro_usd=cost_micro_usd(reply.model or model, reply.tokens_in, reply.tokens_out),
            )
            if not reply.tool_calls:
                reply_text = (reply.content or "").strip()
                break
            messages.append(
                {
                    "role": "assistant",
                    "content": reply.content,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)},
                        }
                        for c in reply.tool_calls
                    ],
                }
            )
            for call in reply.tool_calls:
                if len(calls_made) >= MAX_TOOL_CALLS:
                    result = {"error": "limite de ferramentas por mensagem atingido"}
                elif call.name not in tools:
                    result = {"error": f"ferramenta '{call.name}' não permitida para esta conversa"}
                else:
                    spec = tools[call.name]
                    ctx.confirmed = bool(
                        spec.needs_confirmation
                        and pending
                        and pending.get("tool") == call.name
                        and pending.get("arguments") == call.arguments
                        and is_yes(last_text)
                    )
                    started = time.monotonic()
                    result = _run_tool(session, spec, ctx, call.arguments)
                    if result.get("needs_confirmation"):
                        state["pending"] = {"tool": call.name, "arguments": call.arguments}
                    elif ctx.confirmed:
                        state.pop("pending", None)
                    if result.get("offer"):  # options the customer may pick from in the next message
                        state["offer"] = {**result["offer"], "from": call.name, "from_arguments": call.arguments}
                    elif "error" not in result:
                        state.pop("offer", None)
                    _record(
                        session,
                        actor,
                        conversation,
                        kind="tool",
                        tool=call.name,
                        arguments=call.arguments,
                        result=_jsonable(result),
                        latency_ms=int((time.monotonic() - started) * 1000),
                    )
                calls_made.append({"tool": call.name, "arguments": call.arguments, "result": _jsonable(result)})
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(_jsonable(result), ensure_ascii=False)})
        conversation.agent_state = state
        if not reply_text:
            reply_text = FALLBACK_REPLY
            conversation.waiting_human = True
        _update_summary(session, actor, tenant, conversation, last_text, calls_made, now)
        return _reply(
            session, actor, conversation, reply_text, client.name, calls_made, tokens_in, tokens_out, model, config.typing_delay_ms
        )


def _turn_context(session, actor, tenant, config, persona, customer, pets, kb, tools, state, now) -> TurnContext:
    """The structured facts an engine gets beside the messages (the offline engine reads nothing else)."""
    tz = ZoneInfo(tenant.timezone)
    upcoming = []
    if customer is not None:
        for appt, service_name, pet_name in booking.upcoming(session, actor=actor, customer_id=customer.id, now=now):
            upcoming.append(
                {"id": appt.id, "service": service_name, "pet": pet_name, "starts_at": appt.starts_at.astimezone(tz).isoformat()}
            )
    return TurnContext(
        now=now.astimezone(tz),
        shop=tenant.name,
        assistant=config.display_name or "Luna",
        customer=customer.name if customer else "",
        phone=customer.phone if customer else "",
        persona=persona,
        specs=dict(tools),
        pets=[{"name": p.name, "species": p.species, "breed": p.breed, "size": p.size} for p in pets],
        services=[s.name for s in catalog.list_services(session, actor=actor, active_only=True)],
        upcoming=upcoming,
        knowledge=kb,
        state=state,
    )


def _update_summary(
    session: Session, actor: Actor, tenant: Tenant, conversation: Conversation, text: str, calls: list[dict], now: datetime
) -> None:
    """Keep a running summary: one dated line per turn (what was asked, what was done), last few kept."""
    done = ", ".join(f"{c['tool']}{'' if 'error' not in c['result'] else ' (falhou)'}" for c in calls) or "conversa"
    day = now.astimezone(ZoneInfo(tenant.timezone)).strftime("%d/%m")
    line = f"{day}: \u201c{' '.join(text.split())[:90]}\u201d → {done}"
    customer_memory.append_summary(session, actor=actor, customer_id=conversation.customer_id, line=line)


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _outside_hours(hours: dict, tz: str, now: datetime) -> str | None:
    """When the agent has its own hours and `now` is outside them, the local date (one notice a day); else None."""
    if not hours:
        return None
    from auzap_console.services.tenants import WEEKDAYS

    local = now.astimezone(ZoneInfo(tz))
    slot = hours.get(WEEKDAYS[local.weekday()])
    if slot and slot.get("open", "") <= local.strftime("%H:%M") < slot.get("close", ""):
        return None
    return local.date().isoformat()


def _reply(
    session: Session,
    actor: Actor,
    conversation: Conversation,
    text: str,
    engine: str,
    calls: list[dict],
    tokens_in: int,
    tokens_out: int,
    model: str,
    typing_delay_ms: int = 0,
) -> TurnResult:
    message = conversations.add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="out",
        sender="ai",
        body=text,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        pending=conversation.channel_id is not None,
    )
    for interaction in session.exec(
        select(AIInteraction).where(AIInteraction.conversation_id == conversation.id, AIInteraction.message_id.is_(None))
    ):  # type: ignore[union-attr]
        interaction.message_id = message.id
        session.add(interaction)
    return TurnResult(text, message.id, conversation.persona, engine, calls, typing_delay_ms=typing_delay_ms)
