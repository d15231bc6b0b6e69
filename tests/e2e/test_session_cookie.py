"""In the real browser: the session cookie is HttpOnly and SameSite, and the token never reaches
JavaScript (`document.cookie`) nor the websocket's state frames."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from auzap_console.auth_routes import SESSION_COOKIE
from tests.conftest import make_shop
from tests.e2e.conftest import login


def test_session_cookie_is_httponly_and_out_of_javascript(page):
    shop = make_shop("Cookie")
    set_cookies: list[str] = []
    frames: list[str] = []
    page.on("response", lambda r: "/auth/session" in r.url and set_cookies.append(r.header_value("set-cookie") or ""))
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))

    login(page, shop.email, shop.password)

    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert set_cookies and "HttpOnly" in set_cookies[0] and "SameSite=strict" in set_cookies[0]
    token = cookie["value"]
    assert len(token) > 20
    assert token not in page.evaluate("document.cookie")
    assert frames and not any(token in f for f in frames)

    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login"))
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE and c["value"]]
