"""What every provider's webhook is normalized into, and the protocol a provider implements."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Protocol

from auzap_console.services.media import kind_of  # re-exported for provider plugins

__all__ = ["kind_of"]

TEXT_MAX = 65536  # WhatsApp's own limit for a text message
NAME_MAX = 120
ID_MAX = 160  # messages.provider_message_id


def clean_text(value: object, limit: int) -> str:
    """Text that every database stores: no NUL bytes, no lone surrogates, at most `limit` characters."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


def clean_id(value: object) -> str:
    """A provider id that fits the column; an over-long one keeps a prefix plus a digest (still unique)."""
    text = clean_text(value, 10 * ID_MAX)
    if len(text) <= ID_MAX:
        return text
    return text[: ID_MAX - 33] + "~" + hashlib.sha256(text.encode()).hexdigest()[:32]


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a header value with the expected secret, any characters allowed."""
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def as_number(value: object) -> float | None:
    """A coordinate from a payload (number or numeric string), None otherwise."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


@dataclass
class MediaRef:
    """What a message carries besides text: a file to fetch from the provider, or a location."""

    kind: str  # image | audio | video | document | sticker | location
    ref: str = ""  # the provider's handle to fetch it: a media id, a file URL, a message id
    mime: str = ""
    filename: str = ""
    voice: bool = False  # a voice note (recorded in the chat), not an audio file
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""

    def __post_init__(self) -> None:
        self.ref = clean_text(self.ref, 2048)
        self.mime = clean_text(self.mime, 120)
        self.filename = clean_text(self.filename, 200)
        self.place = clean_text(self.place, 200)

    def as_meta(self) -> dict:
        """What `message.meta["media"]` starts with (status pending until fetched)."""
        meta = {"kind": self.kind, "ref": self.ref, "mime": self.mime, "filename": self.filename, "voice": self.voice}
        if self.kind == "location":
            meta.update(latitude=self.latitude, longitude=self.longitude, place=self.place, status="stored")
        else:
            meta["status"] = "pending"
        return meta


@dataclass
class InboundMessage:
    """One customer message, whatever the provider (sanitised here, at the provider boundary)."""

    message_id: str
    sender_id: str
    phone: str
    text: str
    sender_name: str = ""
    from_me: bool = False
    is_group: bool = False
    timestamp_s: int = 0
    media_url: str = ""
    media: MediaRef | None = None
    raw: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.message_id = clean_id(self.message_id)
        self.sender_id = clean_text(self.sender_id, 64)
        self.phone = clean_text(self.phone, 64)
        self.text = clean_text(self.text, TEXT_MAX)
        self.sender_name = " ".join(clean_text(self.sender_name, 4 * NAME_MAX).split())[:NAME_MAX]
        self.media_url = clean_text(self.media_url, 2048)


@dataclass
class StatusUpdate:
    """A delivery status for a message we sent."""

    message_id: str
    status: str  # queued | sent | delivered | read | failed

    def __post_init__(self) -> None:
        self.message_id = clean_id(self.message_id)


@dataclass
class SessionUpdate:
    """A change of the channel's connection state (WAHA/Evolution sessions)."""

    status: str  # disconnected | connecting | connected | failed
    qr_code: str = ""
    pairing_code: str = ""


Event = InboundMessage | StatusUpdate | SessionUpdate


class ProviderError(Exception):
    """The provider refused or failed a request; `retryable` says whether to try again.

    `kind` lets the console explain it in plain words: "unreachable" (no answer at that
    address), "unauthorized" (key or token refused), "" (anything else).
    """

    def __init__(self, message: str, *, retryable: bool = True, kind: str = ""):
        super().__init__(message)
        self.retryable = retryable
        self.kind = kind


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

    # Optional: `download_media(channel, media: MediaRef) -> tuple[bytes, str]` (the bytes and their
    # content type) fetches what an inbound message carries; raise ProviderError when it cannot.

    def send_text(self, channel: ChannelRef, to: str, text: str) -> str:
        """Send a text; return the provider's message id (raise ProviderError on failure)."""
