"""The session token lives only in an HttpOnly cookie set by `/auth/session`, never in Reflex state."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from auzap_console.auth_routes import SESSION_COOKIE, auth_app
from auzap_console.pages.login import LoginState
from auzap_console.pages.signup import SignupState
from auzap_console.services import auth
from auzap_console.state import AuthState
from tests.conftest import session_token
from tests.utils.reflex_harness import ORIGIN, Browser, is_redirect


@pytest.fixture
def client():
    with TestClient(auth_app(), base_url="http://localhost:3000", follow_redirects=False) as c:
        yield c


def _target(result) -> str:
    """The URL a handler's `window.location.assign(...)` script sends the browser to."""
    match = re.search(r'window\.location\.assign\(\\*"([^"\\]+)', repr(result))
    assert match, result
    return match.group(1)


def _login_in_browser(shop) -> str:
    tab = Browser()
    result = tab.call(LoginState.submit, {"email": shop.email, "password": shop.password})
    assert not tab.state(LoginState).form_error
    return _target(result)


def test_login_handler_sends_a_ticket_not_the_token_through_the_websocket(shop_factory):
    shop = shop_factory()
    tab = Browser()
    result = tab.call(LoginState.submit, {"email": shop.email, "password": shop.password})
    url = urlsplit(_target(result))
    assert (url.scheme, url.netloc, url.path) == ("http", "localhost:3000", "/auth/session")
    ticket = parse_qs(url.query)["ticket"][0]
    assert parse_qs(url.query)["next"] == [f"{ORIGIN}/"]
    assert auth.resolve_session(ticket) is None  # the ticket itself opens nothing
    assert "token" not in AuthState.get_fields()
    token = auth.activate_session(ticket)
    assert token not in repr(tab.root.dict())  # no state var holds the session token


def test_ticket_route_sets_an_httponly_samesite_cookie_once(shop_factory, client):
    url = urlsplit(_login_in_browser(shop_factory()))
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 303 and response.headers["location"] == f"{ORIGIN}/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http (local mode) cannot carry a Secure cookie
    token = response.cookies[SESSION_COOKIE]
    assert auth.resolve_session(token) is not None
    again = client.get(f"{url.path}?{url.query}")  # a ticket works once
    assert again.status_code == 303 and again.headers["location"] == f"{ORIGIN}/login"
    assert "set-cookie" not in again.headers


def test_cookie_is_secure_behind_https(shop_factory, client):
    url = urlsplit(_login_in_browser(shop_factory()))
    response = client.get(f"{url.path}?{url.query}", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["set-cookie"] and "HttpOnly" in response.headers["set-cookie"]


def test_ticket_route_redirects_only_to_this_host(shop_factory, client):
    shop = shop_factory()
    ticket = auth.login(email=shop.email, password=shop.password)
    response = client.get("/auth/session", params={"ticket": ticket, "next": "https://evil.example.com/"})
    assert response.headers["location"] == "/"


def test_handlers_read_the_cookie_from_the_handshake(shop_factory):
    shop = shop_factory()
    assert Browser(session_token(shop.email, shop.password)).call(AuthState.check_login) is None
    assert is_redirect(Browser("").call(AuthState.check_login), "/login")


def test_logout_revokes_and_clears_the_cookie(shop_factory, client):
    shop = shop_factory()
    token = session_token(shop.email, shop.password)
    tab = Browser(token)
    url = urlsplit(_target(tab.call(AuthState.logout)))
    assert url.path == "/auth/logout" and parse_qs(url.query)["next"] == [f"{ORIGIN}/login"]
    assert auth.resolve_session(token) is None  # the handler already ended the session
    other = session_token(shop.email, shop.password)
    response = client.get("/auth/logout", headers={"Cookie": f"{SESSION_COOKIE}={other}", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert auth.resolve_session(other) is None
    cleared = response.headers["set-cookie"]
    assert cleared.startswith(f'{SESSION_COOKIE}=""') and "Max-Age=0" in cleared and "HttpOnly" in cleared


def test_logout_from_another_site_does_nothing(shop_factory, client):
    shop = shop_factory()
    token = session_token(shop.email, shop.password)
    response = client.get("/auth/logout", headers={"Cookie": f"{SESSION_COOKIE}={token}", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 303 and "set-cookie" not in response.headers
    assert auth.resolve_session(token) is not None


def test_signup_handler_logs_in_through_a_ticket(client):
    tab = Browser()
    form = {"shop_name": "Loja do Ticket", "owner_name": "Ana", "email": "ticket@example.com", "password": "ração-do-rex-42"}
    url = urlsplit(_target(tab.call(SignupState.submit, form)))
    response = client.get(f"{url.path}?{url.query}")
    assert auth.resolve_session(response.cookies[SESSION_COOKIE]).role == "owner"
