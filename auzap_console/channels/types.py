"""What every provider's webhook is normalized into, and the protocol a provider implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class InboundMessage:
    """One customer message, whatever the provider."""

    message_id: str
    sender_id: str
    phone: str
    text: str
    sender_name: str = ""
    from_me: bool = False
    is_group: bool = False
    timestamp_s: int = 0
    media_url: str = ""
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class StatusUpdate:
    """A delivery status for a message we sent."""

    message_id: str
    status: str  # queued | sent | delivered | read | failed


@dataclass
class SessionUpdate:
    """A change of the channel's connection state (WAHA/Evolution sessions)."""

    status: str  # disconnected | connecting | connected | failed
    qr_code: str = ""
    pairing_code: str = ""


Event = InboundMessage | StatusUpdate | SessionUpdate


class ProviderError(Exception):
    """The provider refused or failed a request; `retryable` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class InvalidPayload(ValueError):
    """The webhook body is not what this provider sends."""


@dataclass
class ChannelRef:
    """What a provider needs to know about one channel."""

    id: int
    tenant_id: int
    provider: str
    base_url: str
    external_id: str
    webhook_secret: str
    credentials: dict


class ChannelProvider(Protocol):
    """A WhatsApp provider adapter (contributed through `register_channel_providers`)."""

    def verify(self, channel: ChannelRef, headers: dict[str, str], body: bytes) -> bool:
        """Check the webhook's signature/token against the raw body."""

    def parse(self, channel: ChannelRef, payload: dict[str, Any]) -> list[Event]:
        """Normalize one webhook payload (raise InvalidPayload when it is not this provider's)."""

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """Send a text; return the provider's message id (raise ProviderError on failure)."""
