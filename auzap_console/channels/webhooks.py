"""Webhook endpoints on the console's backend: verify → parse → store the raw events once → enqueue → 200."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from auzap_console.channels.ingest import IngestResult, ingest_many
from auzap_console.channels.types import ChannelProvider, ChannelRef, Event, InboundMessage, InvalidPayload, SessionUpdate, StatusUpdate
from auzap_console.metrics import MESSAGES, WEBHOOKS
from auzap_console.models import Channel
from auzap_console.services.channels import cached_webhook_channel, channel_ref, find_by_webhook_key, provider_for

log = logging.getLogger("auzap.webhooks")
MAX_BODY = 512 * 1024  # WhatsApp text payloads are a few KB; media arrives by URL
MAX_BATCH = 256  # deliveries stored in one go


class GroupCommit:
    """Concurrent webhook deliveries share one INSERT per shop and one Redis round trip.

    Each request waits for the commit of the batch that holds its events before answering 200,
    so nothing is acknowledged unstored; while one batch is being written the next requests
    gather, so the batch grows with the load (no timer: a lone request is written at once).
    A batch that fails is written again delivery by delivery, so one bad delivery fails alone.
    """

    def __init__(self) -> None:
        self.waiting: list[tuple[Channel, list[Event], asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def submit(self, channel: Channel, events: list[Event]) -> IngestResult:
        """Store one delivery with whatever else is waiting; returns when it is committed."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((channel, events, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                results = await asyncio.to_thread(ingest_many, [(channel, events) for channel, events, _ in batch])
            except Exception:
                log.exception("a batch of %d deliveries failed; writing them one by one", len(batch))
                results = [await self._alone(channel, events) for channel, events, _ in batch]
            for (_, _, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    @staticmethod
    async def _alone(channel: Channel, events: list[Event]) -> IngestResult | BaseException:
        try:
            return (await asyncio.to_thread(ingest_many, [(channel, events)]))[0]
        except Exception as exc:  # this delivery's request answers 500: the provider retries it
            return exc


_group_commits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _group_commit() -> GroupCommit:
    """The batcher of the running event loop (one per server worker)."""
    loop = asyncio.get_running_loop()
    found = _group_commits.get(loop)
    if found is None:
        found = _group_commits[loop] = GroupCommit()
    return found


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
    channel = cached_webhook_channel(key) or await asyncio.to_thread(find_by_webhook_key, key)
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
        if getattr(provider, "parse_may_block", False):  # e.g. WAHA asks its server for @lid phones
            events = await asyncio.to_thread(parse_delivery, provider, ref, payload)
        else:  # a pure parse: no thread hop on the hot path
            events = parse_delivery(provider, ref, payload)
    except InvalidPayload as exc:
        return _malformed(channel, str(exc))
    result = await _group_commit().submit(channel, events)
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
