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
from auzap_console.channels.types import InvalidPayload
from auzap_console.metrics import MESSAGES, WEBHOOKS
from auzap_console.services.channels import channel_ref, find_by_webhook_key, provider_for

log = logging.getLogger("auzap.webhooks")
MAX_BODY = 512 * 1024  # WhatsApp text payloads are a few KB; media arrives by URL


async def receive(request: Request) -> JSONResponse:
    """POST /webhooks/{key}: one provider delivery."""
    key = request.path_params["key"]
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        log.warning("webhook %s refused: body of %s bytes", key[:6], length)
        WEBHOOKS.labels("?", "too_large").inc()
        return JSONResponse({"error": "payload too large"}, status_code=413)
    body = await request.body()
    if len(body) > MAX_BODY:
        WEBHOOKS.labels("?", "too_large").inc()
        return JSONResponse({"error": "payload too large"}, status_code=413)
    channel = await asyncio.to_thread(find_by_webhook_key, key)
    if channel is None:
        WEBHOOKS.labels("?", "unknown_channel").inc()
        return JSONResponse({"error": "unknown channel"}, status_code=404)
    ref = channel_ref(channel)
    provider = provider_for(channel.provider)
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not provider.verify(ref, headers, body):
        log.warning("webhook for channel %s refused: bad signature", channel.id)
        WEBHOOKS.labels(channel.provider, "bad_signature").inc()
        return JSONResponse({"error": "invalid signature"}, status_code=401)
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise InvalidPayload("the body must be a JSON object")
        events = await asyncio.to_thread(provider.parse, ref, payload)  # may call the provider (e.g. @lid lookups)
    except (ValueError, InvalidPayload) as exc:
        log.warning("webhook for channel %s refused: %s", channel.id, exc)
        WEBHOOKS.labels(channel.provider, "malformed").inc()
        return JSONResponse({"error": f"malformed payload: {exc}"}, status_code=400)
    result = await asyncio.to_thread(ingest, channel, events)
    WEBHOOKS.labels(channel.provider, "ok").inc()
    MESSAGES.labels("in", "stored").inc(len(result.stored))
    MESSAGES.labels("in", "duplicate").inc(result.duplicates)
    return JSONResponse({"ok": True, "stored": len(result.stored), "duplicates": result.duplicates, "statuses": result.statuses})


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
