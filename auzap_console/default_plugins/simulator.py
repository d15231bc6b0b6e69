"""The simulator channel: the in-browser/test provider. Webhooks carry `X-Simulator-Secret`."""

from __future__ import annotations

import secrets
from typing import Any

from auzap_console.channels.types import ChannelRef, Event, InboundMessage, InvalidPayload, same_secret
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.plugin import hookimpl


class SimulatorProvider:
    """Messages in: `{"id", "from", "text", "name"}`; messages out: recorded as delivered."""

    instant_delivery = True  # no receipt will ever come: a sent message counts as delivered

    def verify(self, channel: ChannelRef, headers: dict[str, str], body: bytes) -> bool:
        """The shared secret header must match the channel's webhook secret."""
        return same_secret(headers.get("x-simulator-secret", ""), channel.webhook_secret)

    def parse(self, channel: ChannelRef, payload: dict[str, Any]) -> list[Event]:
        """One simulated customer message."""
        try:
            phone = normalize_phone(str(payload["from"]))
            return [
                InboundMessage(
                    message_id=str(payload["id"]),
                    sender_id=phone,
                    phone=phone,
                    text=str(payload.get("text", "")),
                    sender_name=str(payload.get("name", "")),
                )
            ]
        except (KeyError, InvalidPhone) as exc:
            raise InvalidPayload(f"simulator payload needs id, from (a phone) and text: {exc}") from exc

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """Nothing to call: the browser reads replies from the database."""
        return f"sim-{secrets.token_hex(8)}"


@hookimpl
def register_channel_providers(register):
    """The simulator."""
    register(
        name="simulator",
        title="Simulador (navegador)",
        factory=SimulatorProvider,
        help="Um WhatsApp de mentira para testar os agentes sem um número de verdade. Não pede nada.",
    )
