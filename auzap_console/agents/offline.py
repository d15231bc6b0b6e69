"""The offline engine: local mode's model.

It reads the conversation the way a real model would (system header, history, tool
results) and answers through the same tool-calling protocol, understanding Brazilian
Portuguese as customers write it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from auzap_console.agents import ptbr
from auzap_console.agents.model import ModelReply, ToolCall

SERVICE_TERMS = (
    r"(banho e tosa|banho|tosa higienica|tosa completa|tosa|hidratacao|creche|day ?care|hotel|hospedagem|pernoite|"
    r"adestramento|adestrador|consulta|veterinari\w*|vacina\w*)"
)
MENU = (
    "Posso ajudar com: 💰 preços, 🕐 horário de funcionamento, 📅 agendar, remarcar ou cancelar banho e tosa, "
    "🐶 cadastrar seu pet, ou chamar alguém da equipe."
)


def service_term(text: str) -> str | None:
    """The service a message talks about, with a size when given ("banho g")."""
    folded = ptbr.fold(text)
    m = re.search(SERVICE_TERMS + r"(?: (p|m|g|gg)\b)?", folded)
    if not m:
        return None
    return f"{m.group(1)} {m.group(2)}" if m.group(2) else m.group(1)


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class OfflineEngine:
    """Intent rules + slot filling, speaking the chat-completions protocol."""

    name = "offline"

    def __init__(self) -> None:
        self._calls = 0

    def complete(self, *, messages: list[dict], tools: list[dict], model: str = "offline") -> ModelReply:
        """Answer: either tool calls, or the final text composed from the tool results."""
        available = {t["function"]["name"] for t in tools}
        header = self._header(messages[0]["content"] if messages and messages[0]["role"] == "system" else "")
        prompt_size = sum(_tokens(str(m.get("content") or "")) for m in messages)
        if messages[-1]["role"] == "tool":
            text = self._compose(messages)
            return ModelReply(content=text, tokens_in=prompt_size, tokens_out=_tokens(text), model="offline")
        call_or_text = self._decide(messages, header, available)
        if isinstance(call_or_text, ToolCall):
            return ModelReply(content=None, tool_calls=[call_or_text], tokens_in=prompt_size, tokens_out=20, model="offline")
        return ModelReply(content=call_or_text, tokens_in=prompt_size, tokens_out=_tokens(call_or_text), model="offline")

    @staticmethod
    def _header(system: str) -> dict:
        header = {}
        for line in system.splitlines()[:12]:
            key, _, value = line.partition(": ")
            if key in ("Agora", "Pet shop", "Assistente", "Cliente", "Pets", "PENDENTE"):
                header[key] = value.strip()
        header["now"] = datetime.fromisoformat(header["Agora"]) if "Agora" in header else datetime.now()
        header["pet_names"] = re.findall(r"(?:^|; )([^;(]+?) \(", header.get("Pets", ""))
        return header

    def _call(self, tool: str, available: set[str], **arguments) -> ToolCall | str:
        if tool not in available:
            return "Isso eu não consigo fazer por aqui. " + MENU
        self._calls += 1
        return ToolCall(id=f"call_offline_{self._calls}", name=tool, arguments={k: v for k, v in arguments.items() if v not in (None, "")})

    def _decide(self, messages: list[dict], header: dict, available: set[str]) -> ToolCall | str:
        if "revenue_report" in available:
            return self._decide_owner(messages, header, available)
        if "qualify_lead" in available:
            return self._decide_lead(messages, header, available)
        return self._decide_customer(messages, header, available)

    def _decide_lead(self, messages: list[dict], header: dict, available: set[str]) -> ToolCall | str:
        user_turns = [m["content"] for m in messages if m["role"] == "user"]
        text = user_turns[-1] if user_turns else ""
        norm = ptbr.normalize(text)
        intent = ptbr.detect_intent(norm)
        when = ptbr.parse_when(text, header["now"].date())
        service = service_term(text)
        if ptbr.FOLLOWUP.search(norm) and when.day:
            moment = datetime.combine(when.day, when.at or datetime.strptime("10:00", "%H:%M").time())
            return self._call("schedule_followup", available, when=moment.isoformat(timespec="minutes"), note=text[:200])
        if intent in ("book", "availability", None) and service and when.day and when.at:
            return self._call(
                "book_first_visit",
                available,
                service=service,
                when=when.moment().isoformat(timespec="minutes"),
                pet_name=ptbr.pet_name(text),
                species=ptbr.species_of(text) or "dog",
            )
        if intent == "handoff":
            return self._call("handoff_to_human", available, reason=text[:120])
        if intent == "prices":
            return self._call("list_services", available, query=service or "")
        if intent == "hours":
            return self._call("opening_hours", available)
        info = {
            "pet_name": ptbr.pet_name(text),
            "species": ptbr.species_of(text),
            "breed": ptbr.breed_of(text),
            "service_interest": service or "",
            "neighbourhood": ptbr.neighbourhood(text),
            "urgency": ptbr.urgency(text),
        }
        if any(info.values()):
            return self._call("qualify_lead", available, **info)
        if intent in ("book", "availability"):
            return "Claro! Qual serviço você quer (banho, tosa, creche…), para qual pet, e que dia e horário ficam bons?"
        return (
            f"Olá! 😊 Aqui é a {header.get('Assistente', 'assistente')} do {header.get('Pet shop', 'pet shop')}. Que bom ter você aqui! "
            "Me conta: qual o nome e a raça do seu pet, qual serviço você procura e em que bairro você mora?"
        )

    def _decide_owner(self, messages: list[dict], header: dict, available: set[str]) -> ToolCall | str:
        text = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        norm = ptbr.normalize(text)
        intent = ptbr.detect_owner_intent(norm)
        first_name = header.get("Cliente", "").split(" ")[0]
        if intent == "revenue":
            return self._call("revenue_report", available, period=ptbr.owner_period(norm, "semana"))
        if intent == "top_services":
            return self._call("top_services", available, period=ptbr.owner_period(norm, "mes"))
        if intent == "no_show":
            return self._call("no_show_rate", available, period=ptbr.owner_period(norm, "ultimos_30_dias"))
        if intent == "inactive":
            return self._call("inactive_customers", available, days=ptbr.days_in(norm, 60))
        if intent == "opportunities":
            return self._call("opportunities", available, days=ptbr.days_in(norm, 60))
        if intent == "segments":
            return self._call("pet_segments", available, by="species" if "especie" in norm else "breed")
        if intent == "ai_usage":
            return self._call("ai_usage", available, period=ptbr.owner_period(norm, "mes"))
        hello = f"Oi, {first_name}! " if first_name else "Oi! "
        return (
            hello + "Sou sua analista. Pergunte, por exemplo: \u201cquanto faturamos essa semana?\u201d, \u201cquais serviços mais "
            "vendem?\u201d, \u201cquem não volta há 60 dias?\u201d, \u201ctaxa de no-show\u201d, \u201coportunidades\u201d ou "
            "\u201cquanto gastamos com a IA?\u201d"
        )

    def _decide_customer(self, messages: list[dict], header: dict, available: set[str]) -> ToolCall | str:
        user_turns = [m["content"] for m in messages if m["role"] == "user"]
        text = user_turns[-1] if user_turns else ""
        norm = ptbr.normalize(text)
        pending = header.get("PENDENTE")
        if pending and ptbr.is_yes(text):
            action = json.loads(pending)
            return self._call(action["tool"], available, **action["arguments"])
        intent = ptbr.detect_intent(norm)
        previous_assistant = next((m["content"] for m in reversed(messages[:-1]) if m["role"] == "assistant"), "") or ""
        if intent in (None, "availability") and "?" in previous_assistant:
            # An answer to our question: continue the flow started a few messages ago.
            for back in range(2, min(len(user_turns), 4) + 1):
                earlier = ptbr.detect_intent(ptbr.normalize(user_turns[-back]))
                if earlier in ("book", "availability", "reschedule", "register_pet"):
                    intent = "book" if earlier == "availability" and re.search(r"\d", norm) else earlier
                    text = " ".join(user_turns[-back:])
                    norm = ptbr.normalize(text)
                    break
                if earlier is not None:
                    break
        today = header["now"].date()
        service = service_term(text)
        when = ptbr.parse_when(text, today)
        pet = ptbr.pet_name(text, header["pet_names"])
        first_name = header.get("Cliente", "").split(" ")[0]

        if intent == "greeting":
            hello = f"Olá, {first_name}! 😊" if first_name and not first_name.startswith("Contato") else "Olá! 😊"
            return f"{hello} Aqui é a {header.get('Assistente', 'assistente')} do {header.get('Pet shop', 'pet shop')}. {MENU}"
        if intent == "thanks":
            return "Por nada! Qualquer coisa é só chamar. 🐾"
        if intent == "goodbye":
            return "Até mais! Um abraço para o seu pet. 🐶"
        if intent == "handoff":
            return self._call("handoff_to_human", available, reason=text[:120])
        if intent == "prices":
            return self._call("list_services", available, query=service or "")
        if intent == "hours":
            return self._call("opening_hours", available)
        if intent == "my_pets":
            return self._call("my_pets", available)
        if intent == "my_appointments":
            return self._call("my_appointments", available)
        if intent == "cancel":
            return self._call("cancel_appointment", available)
        if intent == "register_pet":
            name = ptbr.pet_name(text)
            if not name:
                return "Claro! Qual é o nome do seu pet, a espécie (cachorro, gato…) e a raça?"
            return self._call("register_pet", available, name=name, species=ptbr.species_of(text) or "dog", breed=ptbr.breed_of(text))
        if intent == "reschedule":
            if when.day and when.at:
                return self._call("reschedule_appointment", available, when=when.moment().isoformat(timespec="minutes"))
            return "Claro! Para qual dia e horário você quer remarcar?"
        if intent in ("book", "availability"):
            if not service:
                return "Qual serviço você quer agendar? Temos banho, tosa, hidratação, creche, hotel e adestramento."
            if when.day and when.at and intent == "book":
                return self._call("book_appointment", available, service=service, when=when.moment().isoformat(timespec="minutes"), pet=pet)
            if when.day:
                return self._call("check_availability", available, service=service, day=when.day.isoformat(), period=when.period)
            return f"Claro! Pode ser \u201camanhã às 15h\u201d, \u201csexta de manhã\u201d… Para qual dia você quer agendar ({service})?"
        return self._call("search_knowledge", available, query=text) if "search_knowledge" in available else MENU

    @staticmethod
    def _compose(messages: list[dict]) -> str:
        results = []
        for m in reversed(messages):
            if m["role"] != "tool":
                break
            results.append(json.loads(m["content"]))
        parts = []
        for result in reversed(results):
            if result.get("error"):
                parts.append(f"Hmm, não consegui: {result['error']} 😕")
            elif result.get("summary"):
                parts.append(result["summary"])
        if not parts:
            return "Não encontrei essa informação. " + MENU
        return "\n\n".join(parts)
