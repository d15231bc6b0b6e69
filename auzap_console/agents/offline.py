"""The offline engine: local mode's model, driven by what plugins declare.

Each allowed tool declares example phrases; the engine ranks the customer's message(s)
against them with BM25 (plus a bonus for the tool's slots the message fills), fills the
slots with typed extractors (`slots.py`), keeps the open frame in `agent_state` (pending
confirmation, offered options, partly filled slots) and asks for the first missing slot in
the parameter's own words. It names no plugin tool and no persona.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache

from auzap_console.agents import policy, slots
from auzap_console.agents.model import ModelReply, ToolCall, TurnContext
from auzap_console.lexicon import SPECIES
from auzap_console.plugin.types import ToolSpec
from auzap_console.text import STOP, bm25, fold, is_no, is_yes, normalize
from auzap_console.text import terms as text_terms

MIN_SCORE = 1.0  # below this, no tool's examples match the message
STRONG = 2.5  # a lexical match this strong changes the subject even inside an open frame
KB_COVERAGE = 0.5  # an article covering more of the message's words than any tool example answers it
SMALL_TALK = [
    ("thanks", r"^(obrigad\w*|valeu|brigad\w*|agradec\w*|ok obrigad\w*|beleza|blz|show|perfeito|otimo|top|legal|massa)\b"),
    ("goodbye", r"\b(tchau|ate mais|ate logo|falou|bom descanso|ate amanha|fui)\b"),
    ("greeting", r"^(oi+|ola|opa|eai|e ai|bom dia|boa tarde|boa noite|hello|hey|salve|alo|tudo bem|td bem)\b"),
    ("ack", r"^(k+|(ha){2,}|rs+|ok|okay|blz|beleza|certo|entendi|ta bom|esta bom|combinado|[?!.,\s]*)$"),
]
ORDINALS = {"primeir": 0, "segund": 1, "terceir": 2, "quart": 3, "quint": 4, "ultim": -1, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4}
# Core tools the engine may fall back to (they belong to the core, not to a plugin).
KNOWLEDGE_TOOL, HANDOFF_TOOL = "search_knowledge", "handoff_to_human"
NEUTRAL_HELP = "Desculpe, não consegui entender por aqui. Vou chamar alguém da equipe para te ajudar. 🙏"


INTENT_STOP = STOP | set(SPECIES) | {"pet", "bichinho", "meu", "dog", "voce", "queria", "gostaria", "hoje", "amanha"}


_DATES = "hoje amanha ontem depois segunda terca quarta quinta sexta sabado domingo feira semana passada proxima mes dia dias"
DATE_WORDS = frozenset(f"{_DATES} manha tarde noite cedo meio as ultimos ultima".split())


def terms(text: str) -> list[str]:
    """Words that carry intent (species and pet words say nothing about what the customer wants)."""
    return text_terms(text, INTENT_STOP)


@lru_cache(maxsize=8192)
def intent_terms(text: str, words: tuple[frozenset[str], frozenset[str]]) -> tuple[str, ...]:
    """Intent words, crudely stemmed (first 5 letters: "remarca"/"remarcar"), without dates and pet names.

    Any word of the shop's catalog counts as the same word ("_svc"): an example about "banho"
    then matches a message about "creche" just as well. Cached: every turn ranks the same
    tool examples against the same shop's words.
    """
    slot_words, service_words = words
    out = []
    for w in terms(text):
        if w in service_words or w in slots.SERVICE_SYNONYMS:
            out.append("_svc")
        elif w not in slot_words and not w[:1].isdigit():
            out.append(w[:5])
    return tuple(out)


def _slot_words(known: slots.Known) -> tuple[frozenset[str], frozenset[str]]:
    pets = {w for name in known.pets for w in fold(name).split()}
    services = {w for name in known.services for w in fold(name).split() if len(w) > 2}
    return DATE_WORDS | pets, frozenset(services | {"banho", "tosa", "creche", "hotel", "hidratacao", "adestramento"})


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class OfflineEngine:
    """Example-driven intents + typed slot filling, speaking the chat-completions protocol."""

    name = "offline"

    def __init__(self) -> None:
        self._calls = 0

    def complete(
        self, *, messages: list[dict], tools: list[dict], model: str = "offline", context: TurnContext | None = None
    ) -> ModelReply:
        """Answer: either tool calls, or the final text composed from the tool results."""
        ctx = context or TurnContext(now=datetime.now())
        allowed = {t["function"]["name"] for t in tools}
        ctx.specs = {name: spec for name, spec in ctx.specs.items() if name in allowed}
        prompt_size = sum(_tokens(str(m.get("content") or "")) for m in messages)
        if messages[-1]["role"] == "tool":
            text = self._compose(messages, ctx)
            return ModelReply(content=text, tokens_in=prompt_size, tokens_out=_tokens(text), model="offline")
        earlier = [m.get("content") or "" for m in messages[1:] if m["role"] == "user"][-6:-1]
        decided = self._decide(self._latest_turn(messages), earlier, ctx)
        if isinstance(decided, ToolCall):
            return ModelReply(content=None, tool_calls=[decided], tokens_in=prompt_size, tokens_out=20, model="offline")
        return ModelReply(content=decided, tokens_in=prompt_size, tokens_out=_tokens(decided), model="offline")

    @staticmethod
    def _latest_turn(messages: list[dict]) -> str:
        """Every customer message since our last reply (people send several in a row)."""
        texts: list[str] = []
        for m in reversed(messages):
            if m["role"] == "user":
                texts.append(m.get("content") or "")
            elif texts:
                break  # a reply of ours after them (e.g. the apology of a failed turn, now retried) is skipped
        return "\n".join(reversed(texts))

    def _call(self, spec: ToolSpec, arguments: dict) -> ToolCall:
        self._calls += 1
        return ToolCall(
            id=f"call_offline_{self._calls}", name=spec.name, arguments={k: v for k, v in arguments.items() if v not in (None, "")}
        )

    # Deciding -------------------------------------------------------------------------------

    def _decide(self, text: str, earlier: list[str], ctx: TurnContext) -> ToolCall | str:
        """Answer one turn.

        In order: a confirmed pending action, a refusal, a pick among offered options, the open
        frame, the knowledge base, small talk, the best-matching tool, the persona's fallback.
        """
        state = ctx.state
        audience = ctx.persona.audience if ctx.persona else "customer"
        pending = state.get("pending")
        if pending and is_yes(text) and pending.get("tool") in ctx.specs:
            return self._call(ctx.specs[pending["tool"]], pending.get("arguments", {}))
        refused = policy.refusal(text, audience=audience, own_phone=ctx.phone)
        if refused:
            state.pop("frame", None)
            state.pop("offer", None)
            return refused
        picked = self._pick_offer(text, ctx)
        if picked is not None:
            return picked
        norm = normalize(text)
        known = self._known(ctx)
        spec, lexical = self._best_tool(text, ctx, known)
        frame = state.get("frame")
        if frame and frame.get("tool") in ctx.specs:
            current = ctx.specs[frame["tool"]]
            answers = bool(self._filled(current, text, known)) or slots.extractor_for(current, frame.get("asking", "")) == "text"
            helper = current.fill_with.get(frame.get("asking", ""))
            if spec is None or spec.name in (current.name, helper) or (answers and lexical < STRONG):
                return self._fill_and_call(current, text, ctx, known, frame.get("slots", {}), answer_to=frame.get("asking", ""))
        offer = state.get("offer") or {}
        source = ctx.specs.get(offer.get("from", ""))
        if source is not None and lexical < STRONG and (spec is None or spec.name == source.name) and self._filled(source, text, known):
            # "e sábado?" right after a list of free times: ask the same tool again with what changed.
            state.pop("offer", None)
            return self._fill_and_call(source, text, ctx, known, dict(offer.get("from_arguments") or {}))
        if KNOWLEDGE_TOOL in ctx.specs and _coverage(text, [f"{t} {b}" for t, b in ctx.knowledge]) >= max(
            KB_COVERAGE, _coverage(text, spec.examples) if spec else 0.0
        ):
            return self._call(ctx.specs[KNOWLEDGE_TOOL], {"query": text[:200]})
        small = next(((name, pattern) for name, pattern in SMALL_TALK if re.search(pattern, norm)), None)
        if small and (spec is None or not terms(re.sub(small[1], " ", norm))):
            return self._small_talk(small[0], ctx)
        if spec is None:
            return self._fallback(text, ctx)
        state.pop("offer", None)
        carried = {k: v for k, v in (frame or {}).get("slots", {}).items() if k in spec.parameters["properties"]}
        if spec.writes and not spec.parameters["required"]:
            # A tool that only records what it is told (e.g. a lead's details) also gets what was said before.
            said = self._filled(spec, " \n ".join(earlier), known)
            carried = {**{k: v for k, v in said.items() if not isinstance(v, dict)}, **carried}
        return self._fill_and_call(spec, text, ctx, known, carried)

    def _known(self, ctx: TurnContext) -> slots.Known:
        anchor = None
        if ctx.upcoming:
            anchor = datetime.fromisoformat(ctx.upcoming[0]["starts_at"]).replace(tzinfo=None)
        return slots.Known(today=ctx.now.date(), pets=[p["name"] for p in ctx.pets], services=ctx.services, anchor=anchor)

    def _filled(self, spec: ToolSpec, text: str, known: slots.Known) -> dict:
        """The tool's slots this text fills (partial moments included)."""
        values = {}
        for param in spec.parameters["properties"]:
            kind = slots.extractor_for(spec, param)
            if not kind or kind == "text":
                continue
            value = slots.extract(kind, text, known, slots.choices(spec, param))
            if value is not None:
                values[param] = value
        return values

    def _best_tool(self, text: str, ctx: TurnContext, known: slots.Known) -> tuple[ToolSpec | None, float]:
        """The allowed tool that best fits the text (None below the floor), with its lexical score.

        Intent words (slot values left out) are ranked against the examples with BM25; each slot
        the text fills adds a little, so a verb-less "banho thor sexta 10h" still finds its tool.
        """
        specs = [s for s in ctx.specs.values() if s.examples]
        slot_words = _slot_words(known)
        docs, owners = [], []
        for spec in specs:
            for example in spec.examples:
                docs.append(intent_terms(example, slot_words))
                owners.append(spec)
        if not docs:
            return None, 0.0
        best: dict[str, float] = {}
        for spec, score in zip(owners, bm25(intent_terms(text, slot_words), docs), strict=True):
            best[spec.name] = max(best.get(spec.name, 0.0), score)
        ranked = []
        for spec in specs:
            filled = self._filled(spec, text, known)
            bonus = sum(0.6 if isinstance(v, dict) and "at" in v else 0.3 for v in filled.values())
            required = spec.parameters["required"]
            if required and all(p in filled and not (isinstance(filled[p], dict) and "at" not in filled[p]) for p in required):
                bonus += 0.4
            lexical = best.get(spec.name, 0.0)
            if lexical > 0 or bonus >= MIN_SCORE:
                ranked.append((lexical + bonus, lexical, spec))
        if not ranked:
            return None, 0.0
        score, lexical, spec = max(ranked, key=lambda row: row[0])
        return (spec, lexical) if score >= MIN_SCORE else (None, lexical)

    def _fill_and_call(
        self,
        spec: ToolSpec,
        text: str,
        ctx: TurnContext,
        known: slots.Known,
        previous: dict,
        fixed: dict | None = None,
        answer_to: str = "",
    ) -> ToolCall | str:
        """Merge what this text says into the frame; call the tool, offer choices, or ask for the first missing slot.

        `answer_to` is the slot just asked for: a short reply ("Rex") is taken as its value.
        """
        values = dict(previous)
        for param, value in self._filled(spec, text, known).items():
            values[param] = _merge_moment(values.get(param), value) if isinstance(value, dict) else value
        values.update(fixed or {})
        short = " ".join(re.findall(r"[\wÀ-ÿ-]+", text))
        is_text = spec.parameters["properties"].get(answer_to, {}).get("type") == "string" and "format" not in spec.parameters[
            "properties"
        ].get(answer_to, {})
        if answer_to and answer_to not in values and is_text and 0 < len(short.split()) <= 3:
            values[answer_to] = short.title() if slots.extractor_for(spec, answer_to) in ("pet", "pet_name") else short
        for param in spec.parameters["properties"]:
            if slots.extractor_for(spec, param) == "text" and param not in values:
                values[param] = " ".join(text.split())[:200]
        arguments, missing = {}, []
        for param in spec.parameters["properties"]:
            value = values.get(param)
            if isinstance(value, dict):
                value = value.get("at")  # a moment counts only with both day and time
            if value not in (None, ""):
                arguments[param] = value
            elif param in spec.parameters["required"]:
                missing.append(param)
        if not missing:
            ctx.state.pop("frame", None)
            return self._call(spec, arguments)
        ctx.state["frame"] = {"tool": spec.name, "slots": values, "asking": missing[0]}
        helper = ctx.specs.get(spec.fill_with.get(missing[0], ""))
        if helper is not None:
            helper_args = self._helper_arguments(helper, values)
            if all(p in helper_args for p in helper.parameters["required"]):
                return self._call(helper, helper_args)
        return _ask(spec, missing[0])

    @staticmethod
    def _helper_arguments(helper: ToolSpec, values: dict) -> dict:
        """Arguments for the tool that offers choices, taken from the frame (a partial moment gives its day)."""
        out = {}
        for param in helper.parameters["properties"]:
            kind = slots.extractor_for(helper, param)
            same = [v for v in values.values() if v not in (None, "")]
            if param in values and not isinstance(values[param], dict):
                out[param] = values[param]
            elif kind == "date":
                out[param] = next((v["day"] for v in same if isinstance(v, dict) and v.get("day")), None)
            elif kind == "choice":
                out[param] = next((v["period"] for v in same if isinstance(v, dict) and v.get("period")), None)
            elif kind in ("service", "pet"):
                out[param] = next((v for k, v in values.items() if slots.BY_NAME.get(k) == kind and isinstance(v, str)), None)
        return {k: v for k, v in out.items() if v not in (None, "")}

    def _pick_offer(self, text: str, ctx: TurnContext) -> ToolCall | str | None:
        """An answer that picks one of the options just offered: by position, time, number or a plain yes."""
        offer = ctx.state.get("offer")
        if not offer or offer.get("tool") not in ctx.specs:
            return None
        options = offer.get("options") or []
        norm = normalize(text)
        chosen = None
        at = re.search(r"\b(\d{1,2})(?:[:h](\d{2}))?\s*(?:h|hs|horas?)?\b", norm)
        if at and re.fullmatch(r"\d", norm.strip()) and int(norm.strip()) <= len(options):
            at = None  # a bare "3" is the third option, not 15h
        labels = [fold(o["label"]) for o in options]
        named = set()
        for i, label in enumerate(labels):  # a label (or one of its keys) said in full ("banho g", "grande")
            keys = [label, *(fold(k) for k in options[i].get("keys", []))]
            if any(k and re.search(rf"\b{re.escape(k)}\b", fold(text)) for k in keys):
                named.add(i)
        if len(named) == 1:  # "pequeno ou médio?" names two: not a choice
            chosen = named.pop()
        candidates = options + list(offer.get("more") or [])  # the times shown, then the other free ones
        if chosen is None and at and options and re.fullmatch(r"\d{2}:\d{2}", options[0]["label"]):
            hour = int(at.group(1))
            hour = hour + 12 if 1 <= hour <= 6 else hour
            wanted = f"{hour:02d}:{at.group(2) or '00'}"
            chosen = next((i for i, o in enumerate(candidates) if o["label"] == wanted), None)
            if chosen is None and len(norm.split()) <= 4:
                return f"Esse horário não está entre os livres. Os horários que tenho são: {', '.join(o['label'] for o in options)}."
        if chosen is None:
            m = re.search(
                r"\b(primeir|segund|terceir|quart|quint|ultim)[oa]s?\b(?! feira)|\b(?:opcao|numero|n)\s*([1-5])\b|^([1-5])$", norm
            )
            if m:
                key = m.group(1) or m.group(2) or m.group(3)
                if key != "segund" or not re.search(r"\b(segunda)(-| )?feira\b|\bsegunda (as|de|a)\b", norm):
                    index = ORDINALS[key]
                    chosen = index % len(options) if -len(options) <= index < len(options) else None  # of the times shown
        if chosen is None and is_yes(text) and options and len(terms(text)) <= 2:
            if len(options) > 1:  # "sim" to a list is not a choice: never book the first time for them
                self._keep_in_frame(text, ctx)  # "pode ser às 14h" while the size is asked: the 14h is kept
                return f"Qual prefere? {', '.join(o['label'] for o in options)}."
            chosen = 0
        if chosen is None:
            if is_no(text):
                ctx.state.pop("offer", None)
            return None
        ctx.state.pop("offer", None)
        frame = ctx.state.pop("frame", None) or {}
        picked = {**offer.get("arguments", {}), offer["slot"]: candidates[chosen]["value"]}
        # What the frame already knew stays (a day said before the size was asked), under what was just picked.
        known_before = frame.get("slots", {}) if frame.get("tool") == offer["tool"] else {}
        return self._fill_and_call(ctx.specs[offer["tool"]], text, ctx, self._known(ctx), {**known_before, **picked}, fixed=picked)

    def _keep_in_frame(self, text: str, ctx: TurnContext) -> None:
        """Merge what `text` says into the open frame without answering it (the pending question comes first)."""
        frame = ctx.state.get("frame")
        if not frame or frame.get("tool") not in ctx.specs:
            return
        slots_now = dict(frame.get("slots", {}))
        for param, value in self._filled(ctx.specs[frame["tool"]], text, self._known(ctx)).items():
            slots_now[param] = _merge_moment(slots_now.get(param), value) if isinstance(value, dict) else value
        ctx.state["frame"] = {**frame, "slots": slots_now}  # a new dict: the turn's state is compared with the one it began with

    def _small_talk(self, kind: str, ctx: TurnContext) -> str:
        if kind == "thanks":
            return "Por nada! Qualquer coisa é só chamar. 🐾"
        if kind == "goodbye":
            return "Até mais! Um abraço para o seu pet. 🐶"
        if kind == "ack":
            return "😊 Qualquer coisa, é só chamar!"
        first = ctx.customer.split(" ")[0] if ctx.customer and not ctx.customer.startswith("Contato") else ""
        hello = f"Olá, {first}! 😊" if first else "Olá! 😊"
        intro = f" Aqui é a {ctx.assistant or 'assistente'} do {ctx.shop or 'pet shop'}."
        help_text = ctx.persona.offline_help if ctx.persona and ctx.persona.offline_help else "Como posso ajudar?"
        return f"{hello}{intro} {help_text}"

    def _fallback(self, text: str, ctx: TurnContext) -> ToolCall | str:
        """Nothing matched: the knowledge base, else the persona's own help, else a safe reply and a hand-off."""
        if ctx.knowledge and KNOWLEDGE_TOOL in ctx.specs:
            return self._call(ctx.specs[KNOWLEDGE_TOOL], {"query": text[:200]})
        if ctx.persona and ctx.persona.offline_help:
            return "Hmm, não entendi bem. " + ctx.persona.offline_help
        if HANDOFF_TOOL in ctx.specs:
            return self._call(ctx.specs[HANDOFF_TOOL], {"reason": "mensagem não entendida: " + text[:100]})
        return NEUTRAL_HELP

    # Composing ------------------------------------------------------------------------------

    def _compose(self, messages: list[dict], ctx: TurnContext) -> str:
        results, names = [], {}
        for m in messages:
            for call in m.get("tool_calls") or []:
                names[call["id"]] = call["function"]["name"]
        for m in reversed(messages):
            if m["role"] != "tool":
                break
            results.append((names.get(m.get("tool_call_id"), ""), json.loads(m["content"])))
        parts = []
        frame = ctx.state.get("frame")
        for tool, result in reversed(results):
            offer = ctx.state.get("offer")
            if offer and frame and frame.get("tool") in ctx.specs and tool != frame["tool"] and offer.get("from") == tool:
                # The options answer a slot of the tool the customer asked for: picking one calls it.
                target = ctx.specs[frame["tool"]]
                settled = {k: v for k, v in frame.get("slots", {}).items() if not isinstance(v, dict) and v not in (None, "")}
                if offer.get("slot") not in target.parameters["properties"]:
                    offer["slot"] = frame.get("asking", offer.get("slot"))
                offer.update(
                    tool=target.name, arguments={**settled, **offer.get("arguments", {})} if offer.get("tool") == target.name else settled
                )
            if result.get("error"):
                parts.append(f"Hmm, não consegui: {result['error']} 😕")
            elif result.get("summary"):
                parts.append(result["summary"])
        if not parts:
            help_text = ctx.persona.offline_help if ctx.persona and ctx.persona.offline_help else "Posso chamar alguém da equipe?"
            return "Não encontrei essa informação. " + help_text
        return "\n\n".join(parts)


def _coverage(text: str, documents) -> float:
    """The largest share of the message's words found in one of `documents`."""
    query = {w[:5] for w in terms(text)}
    if not query:
        return 0.0
    return max((len(query & {w[:5] for w in terms(d)}) / len(query) for d in documents), default=0.0)


def _merge_moment(old, new: dict) -> dict:
    """A moment told in pieces ("sexta" then "as 10h") adds up."""
    if not isinstance(old, dict) or "at" in new:
        return new
    if "at" in old:
        old = {"day": old["at"][:10], "time": old["at"][11:16], "period": ""}
    merged = {k: new.get(k) or old.get(k, "") for k in ("day", "time", "period")}
    if merged["day"] and merged["time"]:
        return {"at": f"{merged['day']}T{merged['time']}"}
    return merged


def _ask(spec: ToolSpec, param: str) -> str:
    """Ask for a missing slot with the parameter's own description (its first sentence)."""
    description = spec.parameters["properties"][param].get("description", param)
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0].rstrip(".")
    return f"Certo! Para continuar, me diga: {first[0].lower() + first[1:]}?"
