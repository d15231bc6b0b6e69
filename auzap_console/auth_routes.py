"""The session cookie: set and cleared only by these backend routes, so it can be HttpOnly.

Login never puts the session token in Reflex state. The login handler checks the credentials
and sends the browser (a full page load) to `/auth/session?ticket=…` with a one-time ticket;
this route exchanges it for the token, sets the cookie (HttpOnly, SameSite=Strict, Secure over
https) and redirects to the console. Event handlers then read the cookie from the websocket
handshake headers. `/auth/logout` ends the session and clears the cookie.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit

import reflex as rx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auzap_console.db import tenant_session
from auzap_console.services import auth, inbox
from auzap_console.services.context import NotFound, PermissionDenied
from auzap_console.settings import get_settings

SESSION_COOKIE = "auzap_sid"
TICKET_PATH = "/auth/session"
LOGOUT_PATH = "/auth/logout"
MEDIA_PATH = "/media"


def cookie_value(cookie_header: str, name: str = SESSION_COOKIE) -> str:
    """One cookie's value from a `Cookie:` header ("" when absent)."""
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def _is_https(headers: Mapping[str, str], scheme: str = "") -> bool:
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return scheme in ("https", "wss") or forwarded == "https" or get_settings().public_url.startswith("https://")


def browser_redirect(handshake: Mapping[str, str], path: str, *, then: str, **params: str) -> rx.event.EventSpec:
    """Send the browser (a full page load, not a client-side route) to a backend auth route.

    `handshake` are the websocket's request headers: its Host is where this browser reaches the
    backend, its Origin where the console's pages are served; the route then redirects to `then` there.
    """
    origin = handshake.get("origin", "")
    backend = get_settings().public_url.rstrip("/")
    if not backend and handshake.get("host"):
        https = _is_https(handshake) or origin.startswith("https://")
        backend = f"{'https' if https else 'http'}://{handshake['host']}"
    query = urlencode({**params, "next": f"{origin}{then}"})
    return rx.call_script(f"window.location.assign({json.dumps(f'{backend}{path}?{query}')})")


def _safe_next(request: Request, default: str) -> str:
    """Where to go after a route: a local path, or a URL on this host (the cookie's host); else `default`."""
    target = request.query_params.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname == request.url.hostname:
        return target
    return default


def _redirect(location: str) -> RedirectResponse:
    response = RedirectResponse(location, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _set_cookie(response: RedirectResponse, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_is_https(request.headers, request.url.scheme),
    )


async def start_session(request: Request) -> RedirectResponse:
    """GET /auth/session?ticket=…&next=…: exchange a login ticket for the session cookie."""
    next_url = _safe_next(request, "/")
    token = await asyncio.to_thread(auth.activate_session, request.query_params.get("ticket", ""))
    if token is None:
        login = urlsplit(next_url)._replace(path="/login", query="", fragment="").geturl()
        return _redirect(login)
    response = _redirect(next_url)
    _set_cookie(response, request, token, get_settings().session_ttl_hours * 3600)
    return response


async def end_session(request: Request) -> RedirectResponse:
    """GET or POST /auth/logout: revoke the session and clear the cookie (never from another site)."""
    next_url = _safe_next(request, "/login")
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return _redirect("/")
    await asyncio.to_thread(auth.logout, cookie_value(request.headers.get("cookie", "")))
    response = _redirect(next_url)
    _set_cookie(response, request, "", 0)
    return response


def _media(token: str, message_id: int) -> tuple[bytes, str, str] | None:
    user = auth.resolve_session(token)
    if user is None:
        return None
    with tenant_session(user.tenant_id) as session:
        return inbox.media_file(session, actor=user.actor, message_id=message_id)


async def media_file(request: Request) -> Response:
    """GET /media/{message_id}: a conversation's photo, voice note or file, for the shop's own signed-in people only."""
    try:
        found = await asyncio.to_thread(_media, cookie_value(request.headers.get("cookie", "")), int(request.path_params["message_id"]))
    except (NotFound, FileNotFoundError, PermissionDenied):
        return Response(status_code=404)
    if found is None:
        return Response(status_code=401)
    data, mime, name = found
    disposition = "inline" if mime.startswith(("image/", "audio/", "video/")) or mime == "application/pdf" else "attachment"
    return Response(
        data,
        media_type=mime,
        headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; media-src 'self'; img-src 'self'; style-src 'unsafe-inline'",
        },
    )


def auth_app() -> Starlette:
    """The Starlette app with the cookie routes and the media files, mounted in front of Reflex's backend."""
    return Starlette(
        routes=[
            Route(TICKET_PATH, start_session, methods=["GET"]),
            Route(LOGOUT_PATH, end_session, methods=["GET", "POST"]),
            Route(MEDIA_PATH + "/{message_id:int}", media_file, methods=["GET"]),
        ]
    )
