"""One agent turn: build the prompt, call the model, run the tools it asks for, loop, reply.

Bounded by steps, tool calls and wall time. Every model call and tool call is stored
(AIInteraction) and usage is counted. Tools the persona or tenant did not allow are
refused whatever the model says; tools that need confirmation run only when the
customer's latest message confirms the very same pending action.

No transaction or lock is held while waiting on the model (on SQLite every transaction
is a database-wide write lock; on PostgreSQL it pins a pooled connection). A turn runs
in stages:

1. gate and load, one short transaction: is an inbound message waiting? A paused AI, a
   disabled persona, closed hours, a handoff keyword or a refused confirmation end the
   turn right there (no model); otherwise the context is read into detached rows;
2. the model/tool loop, outside any transaction; each tool call runs in its own short one;
3. one final write: inbound messages marked done, the reply, AIInteraction records, usage
   and the memory summary. If it fails the messages stay pending (the job or the outbox
   sweep retries); if they are no longer pending (another turn answered), nothing is written.

Turns of one conversation are serialized by `turn_lock` (a Redis lock with a TTL, or an
in-process lock in local mode), not by a row lock.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlmodel import Session, select

from auzap_console.agents import media_turn, turn_lock
from auzap_console.agents.clients import default_client
from auzap_console.agents.model import ModelClient, ModelReply, TurnContext
from auzap_console.agents.pricing import cost_micro_usd
from auzap_console.agents.prompt import build_system_prompt
from auzap_console.agents.tools import ToolContext, ToolError, coerce_arguments, openai_schema
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.metrics import MODEL_LATENCY, MODEL_TOKENS
from auzap_console.models import AgentConfig, AIInteraction, Conversation, Customer, Message, Pet, Tenant
from auzap_console.models.messaging import Processing
from auzap_console.plugin import manager
from auzap_console.plugin.types import Persona, ToolSpec
from auzap_console.services import assignment, audit, booking, catalog, conversations, knowledge, opt_out, owner_summary, reminder_replies
from auzap_console.services import memory as customer_memory
from auzap_console.services.agents import get_config, model_settings, tools_for
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.usage import add_usage, budget_exhausted
from auzap_console.settings import get_settings
from auzap_console.text import is_no, is_yes, normalize

log = logging.getLogger("auzap.agents")
MAX_STEPS = 6
MAX_TOOL_CALLS = 8
TURN_SECONDS = 90
HISTORY = 16
FALLBACK_REPLY = "Desculpe, tive um problema para responder agora. Vou chamar alguém da equipe para te ajudar. 🙏"
AWAY_REPLY = "Oi! 😊 Estamos fora do horário de atendimento agora. Sua mensagem foi registrada e a equipe responde assim que abrirmos."
REFUSED_REPLY = "Tudo bem, deixei como estava. Posso ajudar em algo mais? 😊"
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


def allowed_tools(persona: Persona, configured: list[str], disabled: list[str]) -> dict[str, ToolSpec]:
    """Tools this persona may call for this tenant.

    A tool must be registered for the persona by an enabled plugin and, when the tenant
    chose a list on the Agents page, be on that list.
    """
    registered = tools_for(persona, disabled)
    return {name: spec for name, spec in registered.items() if not configured or name in configured}


def _history_messages(rows: list[Message]) -> list[dict]:
    said = [(m, media_turn.history_content(m)) for m in rows if m.direction != "note"]
    return [{"role": "user" if m.direction == "in" else "assistant", "content": content} for m, content in said if content]


@dataclass
class _Rule:
    """A turn decided without the model: skip (messages marked done), or a fixed reply."""

    skipped: str = ""
    reply: str = ""
    state: dict | None = None
    waiting_human: bool = False
    ai_paused: bool = False
    typing_delay_ms: int = 0


@dataclass
class _Context:
    """What the model/tool loop and the final write need; rows are detached, read in the gate's transaction."""

    actor: Actor
    conversation_id: int
    customer_id: int
    channel_id: int | None
    phone: str
    persona: Persona
    config: AgentConfig
    tenant: Tenant
    disabled: list[str]
    upto_message_id: int  # the latest message read: the final write answers inbound messages up to it
    last_text: str
    messages: list[dict]
    state_before: dict
    state: dict
    pending: dict | None
    now: datetime
    turn: TurnContext  # the structured facts given to the model beside the messages
    image_url: str = ""  # the customer's photo, for a model that can see


@dataclass
class _Outcome:
    """What the model/tool loop produced, written in the final transaction."""

    engine: str
    model: str
    reply: str = ""
    calls: list[dict] = field(default_factory=list)
    interactions: list[AIInteraction] = field(default_factory=list)
    usage: list[dict] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0


def run_turn(*, tenant_id: int, conversation_id: int, client: ModelClient | None = None, now: datetime | None = None) -> TurnResult:
    """Answer the latest customer message of a conversation; safe to call again (no double reply)."""
    with turn_lock.conversation_lock(tenant_id, conversation_id):
        loaded = _gate_and_load(Actor(tenant_id=tenant_id, role="staff"), conversation_id, now)
        if isinstance(loaded, TurnResult):
            return loaded
        return _finish(loaded, _converse(loaded, client))


def _gate_and_load(actor: Actor, conversation_id: int, now: datetime | None) -> TurnResult | _Context:
    """Stage 1, one short transaction: end the turn by rule, or read everything the model needs."""
    now = now or utcnow()
    with tenant_session(actor.tenant_id) as session:
        conversation = get_scoped(session, Conversation, conversation_id, actor)
        tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
        rows = conversations.history(session, actor=actor, conversation_id=conversation.id, limit=HISTORY)
        # Answered means no inbound message is waiting in the outbox (a retried failure waits again).
        waiting = any(m.direction == "in" and m.processing == Processing.PENDING for m in rows)
        if not rows or not (waiting or conversations.has_pending_inbound(session, actor=actor, conversation_id=conversation.id)):
            return TurnResult("", None, conversation.persona, "", skipped="already answered")
        last_in = next((m for m in reversed(rows) if m.direction == "in"), None)
        last_text = media_turn.text_of(last_in) if last_in is not None else ""
        disabled = disabled_plugins(tenant)
        persona = manager.personas(disabled).get(conversation.persona)
        config = get_config(session, actor=actor, persona=conversation.persona)
        stop = opt_out.handle(session, actor=actor, customer_id=conversation.customer_id, text=last_text)
        picked = None if stop else assignment.answer_menu(session, actor=actor, conversation=conversation, text=last_text, now=now)
        rule = (
            _Rule(reply=stop or picked or "")
            if stop or picked
            else _reminder_answer(session, actor, conversation, persona, config, last_text, now)
            or _decide(conversation, persona, config, tenant, last_text, now)
        )
        sees_images = _sees_images(tenant, config)
        if rule is None:
            rule = _media_rule(last_in, sees_images, config)
        if rule is None and budget_exhausted(session, actor.tenant_id, now):  # the month's AI budget is spent: the team answers
            rule = _Rule(skipped="budget", waiting_human=True)
        if rule is not None:
            if not conversations.finish_inbound(session, actor=actor, conversation_id=conversation.id, upto_message_id=rows[-1].id):
                return TurnResult("", None, conversation.persona, "", skipped="already answered")
            return _apply_rule(session, actor, conversation, rule, last_text)
        assert persona is not None  # _decide skips a missing persona
        customer = session.get(Customer, conversation.customer_id)
        pets = list(session.exec(select(Pet).where(Pet.tenant_id == actor.tenant_id, Pet.customer_id == conversation.customer_id)))
        memory = customer_memory.find_memory(session, actor=actor, customer_id=conversation.customer_id)
        kb = [(a.title, a.body) for a, _ in knowledge.search(session, actor=actor, query=last_text, limit=2)]
        turn = _turn_context(session, actor, tenant, config, persona, customer, pets, kb, now)
    state_before = dict(conversation.agent_state or {})
    state = dict(state_before)
    pending = state.get("pending")
    if pending and not is_yes(last_text):
        state.pop("pending", None)
        pending = None
    customer_id = conversation.customer_id
    context = manager.prompt_context(tenant_id=actor.tenant_id, customer_id=customer_id, persona=persona.name, disabled=disabled)
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
    turn.state = state
    return _Context(
        actor=actor,
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        channel_id=conversation.channel_id,
        phone=customer.phone if customer else "",
        persona=persona,
        config=config,
        tenant=tenant,
        disabled=disabled,
        upto_message_id=rows[-1].id,
        last_text=last_text,
        messages=[{"role": "system", "content": system}, *_history_messages(rows)],
        state_before=state_before,
        state=state,
        pending=pending,
        now=now,
        turn=turn,
        image_url=media_turn.image_url(last_in) if sees_images else "",
    )


def _turn_context(session, actor, tenant, config, persona, customer, pets, kb, now) -> TurnContext:
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
        pets=[{"name": p.name, "species": p.species, "breed": p.breed, "size": p.size} for p in pets],
        services=[s.name for s in catalog.list_services(session, actor=actor, active_only=True)],
        upcoming=upcoming,
        knowledge=kb,
    )


def _decide(
    conversation: Conversation, persona: Persona | None, config: AgentConfig, tenant: Tenant, last_text: str, now: datetime
) -> _Rule | None:
    """The turns that need no model: paused, disabled, closed hours, handoff keywords, a refused confirmation."""
    if conversation.ai_paused:
        return _Rule(skipped="ai paused")
    if persona is None or not config.enabled:  # no AI may answer here: the team sees it waiting
        return _Rule(skipped="persona disabled", waiting_human=True)
    state = dict(conversation.agent_state or {})
    away = _outside_hours(config.business_hours, tenant.timezone, now)
    if away is not None:
        if state.get("away_notice") == away:
            return _Rule(skipped="outside hours")
        return _Rule(reply=AWAY_REPLY, state={**state, "away_notice": away}, waiting_human=True, typing_delay_ms=config.typing_delay_ms)
    if any(k and k in normalize(last_text) for k in (normalize(x) for x in config.handoff_keywords)):
        return _Rule(reply=HANDOFF_REPLY, waiting_human=True, ai_paused=True, typing_delay_ms=config.typing_delay_ms)
    if state.get("pending") and not is_yes(last_text) and is_no(last_text):
        state.pop("pending")
        return _Rule(reply=REFUSED_REPLY, state=state)
    return None


def _reminder_answer(
    session: Session, actor: Actor, conversation: Conversation, persona: Persona | None, config: AgentConfig, last_text: str, now: datetime
) -> _Rule | None:
    """A tutor answering a reminder ("1", "sim", "👍", "cancela"), or the owner asking for the summary's campaign: acted on, any hour."""
    if conversation.ai_paused or persona is None or not config.enabled:
        return None
    answer = reminder_replies.answer_reply(
        session, actor=actor, conversation_id=conversation.id, message=last_text, now=now
    ) or owner_summary.answer_reply(session, actor=actor, conversation_id=conversation.id, message=last_text, now=now)
    return _Rule(reply=answer, typing_delay_ms=config.typing_delay_ms) if answer else None


def _sees_images(tenant: Tenant, config: AgentConfig) -> bool:
    """Whether the shop's model takes photos (an OpenAI-compatible model that accepts images)."""
    own = model_settings(tenant.settings or {})
    if not (own["api_key"] or get_settings().openai_api_key):
        return False
    return media_turn.vision_capable(config.model or own["model"] or get_settings().openai_model)


def _media_rule(last_in: Message | None, sees_images: bool, config: AgentConfig) -> _Rule | None:
    """The turn for a voice note nobody could transcribe, a photo the model cannot see, a file that did not open."""
    found = media_turn.rule(last_in, sees_images=sees_images)
    if found is None:
        return None
    if found.skip:
        return _Rule(skipped="sticker")
    return _Rule(reply=found.reply, waiting_human=found.waiting_human, ai_paused=found.ai_paused, typing_delay_ms=config.typing_delay_ms)


def _apply_rule(session: Session, actor: Actor, conversation: Conversation, rule: _Rule, last_text: str = "") -> TurnResult:
    if rule.state is not None:
        conversation.agent_state = rule.state
    menu = ""
    if rule.waiting_human and not conversation.waiting_human:
        menu = assignment.request_human(session, actor=actor, conversation=conversation, reason=last_text)
    conversation.ai_paused = conversation.ai_paused or rule.ai_paused
    if rule.skipped:
        session.add(conversation)
        return TurnResult("", None, conversation.persona, "", skipped=rule.skipped)
    reply = f"{rule.reply}\n\n{menu}" if menu else rule.reply
    return _reply(session, actor, conversation, reply, "rules", [], 0, 0, "", rule.typing_delay_ms)


def _converse(ctx: _Context, client: ModelClient | None) -> _Outcome:
    """Stage 2: the model/tool loop. No transaction is open here except inside each tool call."""
    tools = allowed_tools(ctx.persona, ctx.config.tools, ctx.disabled)
    ctx.turn.specs = dict(tools)
    own = model_settings(ctx.tenant.settings or {})
    client = client or default_client(own["api_key"], own["base_url"])
    model = ctx.config.model or own["model"] or (get_settings().openai_model if client.name == "openai" else "offline")
    messages = list(ctx.messages)
    if ctx.image_url and client.name == "openai":  # the photo itself, for a model that can see
        messages = media_turn.with_image(messages, ctx.image_url, ctx.last_text)
    tool_ctx = ToolContext(
        tenant_id=ctx.actor.tenant_id,
        persona=ctx.persona.name,
        customer_id=ctx.customer_id,
        conversation_id=ctx.conversation_id,
        channel_id=ctx.channel_id,
        phone=ctx.phone,
        now=ctx.now,
        state=ctx.state,
        message=ctx.last_text,
    )
    out = _Outcome(engine=client.name, model=model)

    def record(**fields) -> None:
        out.interactions.append(
            AIInteraction(tenant_id=ctx.actor.tenant_id, conversation_id=ctx.conversation_id, persona=ctx.persona.name, **fields)
        )

    deadline = time.monotonic() + TURN_SECONDS
    for _step in range(MAX_STEPS):
        if time.monotonic() > deadline:
            break
        started = time.monotonic()
        try:
            reply: ModelReply = client.complete(
                messages=messages, tools=[openai_schema(s) for s in tools.values()], model=model, context=ctx.turn
            )
        except Exception as exc:
            log.warning("model call failed: %s (%r)", exc, exc.__cause__)
            failed = {"error": str(exc)[:500], "why": model_failure_words(exc)}
            record(kind="model", model=model, result=failed, latency_ms=int((time.monotonic() - started) * 1000))
            break
        out.tokens_in, out.tokens_out = out.tokens_in + reply.tokens_in, out.tokens_out + reply.tokens_out
        MODEL_LATENCY.labels(client.name).observe(time.monotonic() - started)
        MODEL_TOKENS.labels(client.name, "in").inc(reply.tokens_in)
        MODEL_TOKENS.labels(client.name, "out").inc(reply.tokens_out)
        record(
            kind="model",
            model=reply.model or model,
            latency_ms=int((time.monotonic() - started) * 1000),
            tokens_in=reply.tokens_in,
            tokens_out=reply.tokens_out,
            result={"content": reply.content, "tool_calls": [c.name for c in reply.tool_calls]},
        )
        out.usage.append(
            {
                "tokens_in": reply.tokens_in,
                "tokens_out": reply.tokens_out,
                "cost_micro_usd": cost_micro_usd(reply.model or model, reply.tokens_in, reply.tokens_out),
            }
        )
        if not reply.tool_calls:
            out.reply = (reply.content or "").strip()
            break
        messages.append(
            {
                "role": "assistant",
                "content": reply.content,
                "tool_calls": [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)}}
                    for c in reply.tool_calls
                ],
            }
        )
        for call in reply.tool_calls:
            if len(out.calls) >= MAX_TOOL_CALLS:
                result = {"error": "limite de ferramentas por mensagem atingido"}
            elif call.name not in tools:
                result = {"error": f"ferramenta '{call.name}' não permitida para esta conversa"}
            else:
                spec = tools[call.name]
                pending = ctx.pending
                tool_ctx.confirmed = bool(
                    spec.needs_confirmation
                    and pending
                    and pending.get("tool") == call.name
                    and pending.get("arguments") == call.arguments
                    and is_yes(ctx.last_text)
                )
                started = time.monotonic()
                result = _run_tool(spec, tool_ctx, call.arguments)
                if result.get("needs_confirmation"):
                    ctx.state["pending"] = {"tool": call.name, "arguments": call.arguments}
                elif tool_ctx.confirmed:
                    ctx.state.pop("pending", None)
                if result.get("offer"):  # options the customer may pick from in the next message
                    ctx.state["offer"] = {**result["offer"], "from": call.name, "from_arguments": call.arguments}
                elif "error" not in result:
                    ctx.state.pop("offer", None)
                record(
                    kind="tool",
                    tool=call.name,
                    arguments=call.arguments,
                    result=_jsonable(result),
                    latency_ms=int((time.monotonic() - started) * 1000),
                )
            out.calls.append({"tool": call.name, "arguments": call.arguments, "result": _jsonable(result)})
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(_jsonable(result), ensure_ascii=False)})
    return out


class ReadOnlyToolWrote(Exception):
    """A tool registered without `writes=True` tried to change data (its changes were rolled back)."""


def _run_tool(spec: ToolSpec, ctx: ToolContext, raw_args: dict) -> dict:
    """Run one tool in its own short transaction: committed when it succeeds, rolled back when it fails.

    `writes=True` is what lets a tool change data: a writing tool's call is recorded in the
    audit log in the same transaction; any other tool runs in a transaction that is never
    committed, and one that tries to write is refused.
    """
    try:
        args = coerce_arguments(spec, raw_args)
        with tenant_session(ctx.tenant_id) as session:
            ctx.session = session
            wrote: list[bool] = []
            event.listen(session, "after_flush", lambda *_: wrote.append(True))
            result = spec.function(ctx, **args)
            if spec.writes:
                audit.record(
                    session,
                    actor=ctx.actor,
                    action="ai.tool",
                    entity="conversation",
                    entity_id=ctx.conversation_id,
                    details={"tool": spec.name, "persona": ctx.persona, "arguments": _jsonable(args)},
                )
            else:
                session.flush()
                session.rollback()
                if wrote:
                    raise ReadOnlyToolWrote(spec.name)
        return result if isinstance(result, dict) else {"summary": str(result)}
    except ReadOnlyToolWrote:
        log.error("tool %s changed data without writes=True: rolled back", spec.name)
        return {"error": "falha interna ao executar a ferramenta"}
    except (ToolError, ServiceError) as exc:
        return {"error": str(exc)}
    except Exception:
        log.exception("tool %s failed", spec.name)
        return {"error": "falha interna ao executar a ferramenta"}
    finally:
        ctx.session = None


def _finish(ctx: _Context, out: _Outcome) -> TurnResult:
    """Stage 3, one transaction: mark the inbound messages done and store the reply, records, usage and summary.

    The messages are marked in the same transaction as the reply: if this write fails they
    stay pending and the turn is retried; if they are no longer pending, another turn
    answered them and nothing is written (never a second reply).
    """
    actor = ctx.actor
    with tenant_session(actor.tenant_id) as session:
        conversation = get_scoped(session, Conversation, ctx.conversation_id, actor)
        if not conversations.finish_inbound(session, actor=actor, conversation_id=ctx.conversation_id, upto_message_id=ctx.upto_message_id):
            return TurnResult("", None, conversation.persona, "", skipped="already answered")
        conversation.agent_state = _merge_state(conversation.agent_state or {}, ctx.state_before, ctx.state)
        reply_text = out.reply
        if not reply_text:
            menu = assignment.request_human(session, actor=actor, conversation=conversation, reason=ctx.last_text)
            reply_text = f"{FALLBACK_REPLY}\n\n{menu}" if menu else FALLBACK_REPLY
        for usage in out.usage:  # summed with the reply's count into one UPDATE at commit
            add_usage(session, tenant_id=actor.tenant_id, persona=ctx.persona.name, **usage)
        _update_summary(session, actor, ctx.tenant, conversation, ctx.last_text, out.calls, ctx.now)
        return _reply(
            session,
            actor,
            conversation,
            reply_text,
            out.engine,
            out.calls,
            out.tokens_in,
            out.tokens_out,
            out.model,
            ctx.config.typing_delay_ms,
            out.interactions,
        )


def _merge_state(stored: dict, before: dict, after: dict) -> dict:
    """The stored agent state with this turn's changes applied (keys tools wrote meanwhile are kept)."""
    merged = {k: v for k, v in stored.items() if k in after or k not in before}
    merged.update({k: v for k, v in after.items() if before.get(k, object()) != v})
    return merged


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
    interactions: list[AIInteraction] = (),
) -> TurnResult:
    delay_ms = _typing_left(conversation.last_message_at, typing_delay_ms)
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
    for interaction in interactions:
        interaction.message_id = message.id
        session.add(interaction)
    return TurnResult(text, message.id, conversation.persona, engine, calls, typing_delay_ms=delay_ms)


def model_failure_words(exc: BaseException) -> str:
    """Why the model did not answer, in the owner's words (Testar agente shows it under the apology)."""
    import openai

    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return t("model.err.key")
    if isinstance(exc, openai.RateLimitError):
        return t("model.err.quota")
    if isinstance(exc, openai.NotFoundError):
        return t("model.err.model")
    if isinstance(exc, openai.APIConnectionError):  # a time-out is one too
        return t("model.err.connection")
    if isinstance(exc, openai.APIStatusError):
        return t("model.err.status", code=exc.status_code)
    return t("model.err.other", what=type(exc).__name__)


def _typing_left(last_message_at: datetime | None, typing_delay_ms: int) -> int:
    """The "typing…" time still to wait: it counts from the customer's message, so the turn's own time is part of it."""
    if not typing_delay_ms or last_message_at is None:
        return typing_delay_ms
    if last_message_at.tzinfo is None:  # SQLite gives naive UTC back
        last_message_at = last_message_at.replace(tzinfo=UTC)
    elapsed_ms = (utcnow() - last_message_at).total_seconds() * 1000
    return max(0, min(typing_delay_ms, int(typing_delay_ms - elapsed_ms)))
