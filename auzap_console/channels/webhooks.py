"""Webhook endpoints on the console's backend: verify → normalize → store once → enqueue → 200."""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from auzap_console.channels.ingest import ingest
from auzap_console.channels.types import ChannelProvider, ChannelRef, Event, InboundMessage, InvalidPayload, SessionUpdate, StatusUpdate
from auzap_console.metrics import MESSAGES, WEBHOOKS
from auzap_console.services.channels import channel_ref, find_by_webhook_key, provider_for

log = logging.getLogger("auzap.webhooks")
MAX_BODY = 512 * 1024  # WhatsApp text payloads are a few KB; media arrives by URL


def parse_delivery(provider: ChannelProvider, ref: ChannelRef, payload: object) -> list[Event]:
    """The provider's events for one delivery; any shape its parser did not expect is InvalidPayload.

    Parsers (ours and third parties') are written for the documented payloads; a field of
    the wrong type must answer 400, never 500, so the core draws that line here.
    """
    if not isinstance(payload, dict):
        raise InvalidPayload("the body must be a JSON object")
    try:
        events = provider.parse(ref, payload)
    except InvalidPayload:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        log.info("%s parser refused a delivery: %s: %s", ref.provider, type(exc).__name__, exc)
        raise InvalidPayload(f"unexpected structure ({type(exc).__name__})") from exc
    if not isinstance(events, list) or not all(isinstance(e, InboundMessage | StatusUpdate | SessionUpdate) for e in events):
        raise InvalidPayload("the parser returned something other than events")
    return events


async def _read_body(request: Request) -> bytes | None:
    """The raw body, streamed with a running limit (None when over MAX_BODY: nothing more is read)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


async def receive(request: Request) -> JSONResponse:
    """POST /webhooks/{key}: one provider delivery.

    The key is checked before the body is read, the body is read with a running size limit,
    and input never causes a 5xx: what cannot be parsed is a 400, and what is parsed was
    sanitised at the provider boundary (`channels.types`). A 5xx means our side failed
    (the database is down), so the provider's retry is welcome.
    """
    key = request.path_params["key"]
    channel = await asyncio.to_thread(find_by_webhook_key, key)
    if channel is None:
        WEBHOOKS.labels("?", "unknown_channel").inc()
        return JSONResponse({"error": "unknown channel"}, status_code=404)
    body = await _read_body(request)
    if body is None:
        log.warning("webhook for channel %s refused: body over %d bytes", channel.id, MAX_BODY)
        WEBHOOKS.labels(channel.provider, "too_large").inc()
        return JSONResponse({"error": "payload too large"}, status_code=413)
    ref = channel_ref(channel)
    provider = provider_for(channel.provider)
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not provider.verify(ref, headers, body):
        log.warning("webhook for channel %s refused: bad signature", channel.id)
        WEBHOOKS.labels(channel.provider, "bad_signature").inc()
        return JSONResponse({"error": "invalid signature"}, status_code=401)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return _malformed(channel, "not JSON (or nested too deeply)")
    try:
        events = await asyncio.to_thread(parse_delivery, provider, ref, payload)  # may call the provider (@lid lookups)
    except InvalidPayload as exc:
        return _malformed(channel, str(exc))
    result = await asyncio.to_thread(ingest, channel, events)
    WEBHOOKS.labels(channel.provider, "ok").inc()
    MESSAGES.labels("in", "stored").inc(len(result.stored))
    MESSAGES.labels("in", "duplicate").inc(result.duplicates)
    return JSONResponse({"ok": True, "stored": len(result.stored), "duplicates": result.duplicates, "statuses": result.statuses})


def _malformed(channel, reason: str) -> JSONResponse:
    log.warning("webhook for channel %s refused: %s", channel.id, reason)
    WEBHOOKS.labels(channel.provider, "malformed").inc()
    return JSONResponse({"error": f"malformed payload: {reason[:200]}"}, status_code=400)


async def verify_get(request: Request) -> PlainTextResponse:
    """GET /webhooks/{key}: the Cloud API's subscription handshake (403 on a wrong token); others get 200."""
    channel = await asyncio.to_thread(find_by_webhook_key, request.path_params["key"])
    if channel is None:
        return PlainTextResponse("unknown channel", status_code=404)
    provider = provider_for(channel.provider)
    check = getattr(provider, "verify_subscription", None)
    if check is None:
        return PlainTextResponse("ok")
    challenge = check(channel_ref(channel), dict(request.query_params))
    return PlainTextResponse(challenge, status_code=200) if challenge is not None else PlainTextResponse("forbidden", status_code=403)


def webhook_app() -> Starlette:
    """The Starlette app mounted in front of Reflex's backend: webhooks, /health, /metrics."""
    from auzap_console.channels.health import health, metrics

    return Starlette(
        routes=[
            Route("/webhooks/{key}", receive, methods=["POST"]),
            Route("/webhooks/{key}", verify_get, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )
