"""Shared state: who is logged in, and the guard every protected handler goes through.

Authorization is decided here on every call (the session token is resolved against the
database each time), never by the page a handler happens to live on. The token lives only in
an HttpOnly cookie (see `auth_routes`), read from the websocket handshake: never in state.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from auzap_console import live
from auzap_console.auth_routes import LOGOUT_PATH, TICKET_PATH, browser_redirect, cookie_value
from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import ROLE_RANK
from auzap_console.services import auth, customers
from auzap_console.services.context import PermissionDenied, ServiceError
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.ui")


@dataclass
class Option:
    """One choice of a select, as state rows carry it."""

    value: str
    label: str


class LoginRequired(Exception):
    """The browser has no valid session."""


class AuthState(rx.State):
    """The logged-in user, as shown in the shell."""

    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    tenant_name: str = ""
    tenant_timezone: str = "America/Sao_Paulo"
    disabled_plugins: list[str] = []
    local_mode: bool = get_settings().local_mode
    flash: str = ""

    def _client_ip(self) -> str:
        return self.router.session.client_ip or ""

    def _session_token(self) -> str:
        """The session cookie, as the browser sent it when this websocket connected."""
        return cookie_value(self.router.headers.cookie)

    def _start_session(self, ticket: str, then: str = "/") -> rx.event.EventSpec:
        """Full page load through `/auth/session`, which swaps the login ticket for the HttpOnly cookie."""
        self.flash = ""
        return browser_redirect(self.router.headers.raw_headers, TICKET_PATH, then=then, ticket=ticket)

    async def _current_user(self, role: str = "staff") -> auth.SessionUser:
        """Resolve the session; raise `LoginRequired` or `PermissionDenied`."""
        user = auth.resolve_session(self._session_token())
        if user is None:
            raise LoginRequired
        self.user_name, self.user_email, self.user_role = user.name, user.email, user.role
        self.tenant_name, self.tenant_timezone = user.tenant_name, user.timezone
        if list(user.disabled_plugins) != self.disabled_plugins:
            self.disabled_plugins = list(user.disabled_plugins)
        if ROLE_RANK.get(user.role, 0) < ROLE_RANK[role]:
            raise PermissionDenied(t("err.permission"))
        return user

    @rx.var
    def is_owner(self) -> bool:
        """Owner-only controls are shown to owners."""
        return self.user_role == "owner"

    @rx.var
    def is_manager(self) -> bool:
        """Manager-and-up controls."""
        return self.user_role in ("owner", "manager")

    @rx.var
    def role_label(self) -> str:
        """The role in words."""
        return t(f"role.{self.user_role}") if self.user_role else ""

    @rx.event
    async def check_login(self):
        """on_load of every protected page: go to /login without a valid session."""
        try:
            await self._current_user()
        except LoginRequired:
            return rx.redirect("/login")
        return None

    @rx.event
    def logout(self):
        """End the server-side session, then let `/auth/logout` clear the cookie and go to /login."""
        auth.logout(self._session_token())
        self.user_name = self.user_role = self.tenant_name = self.user_email = ""
        self.flash = t("auth.logged_out")
        return browser_redirect(self.router.headers.raw_headers, LOGOUT_PATH, then="/login")


class ProtectedState(rx.State):
    """Base of page states: `_user(role)` authorizes the caller on every event."""

    async def _user(self, role: str = "staff") -> auth.SessionUser:
        auth_state = await self.get_state(AuthState)
        return await auth_state._current_user(role)

    @staticmethod
    def _session(user: auth.SessionUser):
        """The unit of work for one handler step: a session scoped to the user's shop (pages never open one)."""
        return tenant_session(user.tenant_id)


def focus_field(name: str) -> rx.event.EventSpec:
    """Mark the named input invalid and focus it (inside the open dialog when there is one)."""
    js = (
        "(() => {const root = document.querySelector('[role=dialog]') || document;"
        f"const el = root.querySelector('[name=\"{name}\"]');"
        "if (!el) return; el.setAttribute('aria-invalid', 'true'); el.focus();"
        "el.addEventListener('input', () => el.removeAttribute('aria-invalid'), {once: true});})()"
    )
    return rx.call_script(js)


async def _feedback(self, handler: Callable[..., Any], *args, **kwargs) -> Any:
    """Run `handler` and turn what it raises into one display: inline (plus focus) or a toast."""
    try:
        result = await handler(self, *args, **kwargs)
        if "form_error" in self.base_vars or hasattr(type(self), "form_error"):
            self.form_error = ""
        return [rx.toast.dismiss("toast-error"), *(result if isinstance(result, list) else [result] if result else [])]
    except LoginRequired:
        return rx.redirect("/login")
    except PermissionDenied as exc:
        if handler.__name__ == "load":  # a page's on_load: the page shows the 'no permission' notice itself
            return None
        message, field = str(exc), ""
    except ServiceError as exc:
        message, field = str(exc), exc.field
    except Exception:
        log.exception("handler %s failed", handler.__qualname__)
        message, field = t("err.unexpected"), ""
    if "form_error" in self.base_vars or hasattr(type(self), "form_error"):
        self.form_error = message
        inline = getattr(self, "_errors_inline", None)
        if inline is not None and inline(handler.__name__):
            return focus_field(field) if field else None
    return rx.toast.error(message, id="toast-error")


def _form_field(handler: Callable[..., Any], state: Any, args: tuple, kwargs: dict, key: str) -> str:
    """`key` of the submitted form, however Reflex passed it (by position or by name)."""
    bound = inspect.signature(handler).bind_partial(state, *args, **kwargs).arguments
    form = next((value for name, value in bound.items() if name != "self"), {})
    return str(form.get(key, "")) if isinstance(form, dict) else ""


def guarded(handler: Callable[..., Any] | None = None, *, busy: str = "", busy_key: str = "") -> Any:
    """Turn service and auth errors of an async handler into UI feedback.

    One display per problem: a ServiceError goes to `form_error` (shown inline, and the field it
    names is focused) when the state says the failing handler's form is on screen
    (`_errors_inline(name)`), else to a toast. Success dismisses a stale error toast.
    LoginRequired → /login; anything else → logged, with a generic message.

    `@guarded(busy="saving")` also sets that state flag while the handler runs (the Save button
    shows a spinner and is disabled), sending the flag to the browser before the work starts.
    With `busy_key="persona"` the flag holds that field of the submitted form instead of True
    (one of several forms on a page is busy), and "" afterwards.
    """
    if handler is None:
        return functools.partial(guarded, busy=busy, busy_key=busy_key)
    if busy:

        @functools.wraps(handler)
        async def busy_wrapper(self, *args, **kwargs):
            setattr(self, busy, _form_field(handler, self, args, kwargs, busy_key) if busy_key else True)
            yield
            try:
                result = await _feedback(self, handler, *args, **kwargs)
            finally:
                setattr(self, busy, "" if busy_key else False)
            yield result

        busy_wrapper.__signature__ = inspect.signature(handler)  # type: ignore[attr-defined]
        return busy_wrapper

    @functools.wraps(handler)
    async def wrapper(self, *args, **kwargs):
        return await _feedback(self, handler, *args, **kwargs)

    wrapper.__signature__ = inspect.signature(handler)  # type: ignore[attr-defined]
    return wrapper


class PagedListMixin(rx.State, mixin=True):
    """Search and server-side paging for list pages; the page state defines `_refresh()`."""

    search: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0

    @rx.event
    @guarded
    async def search_changed(self, value: str):
        """New search term: back to page 1."""
        self.search, self.page = value.strip(), 1
        await self._refresh()

    @rx.event
    @guarded
    async def next_page(self):
        """Next page."""
        if self.page < self.pages:
            self.page += 1
            await self._refresh()

    @rx.event
    @guarded
    async def prev_page(self):
        """Previous page."""
        if self.page > 1:
            self.page -= 1
            await self._refresh()


class FormDialogMixin(rx.State, mixin=True):
    """A page with one form in a dialog: open flag, inline error, and closing."""

    dialog: bool = False
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        """Errors show inside the dialog while it is open."""
        return self.dialog

    @rx.event
    def close(self):
        """Close the form and forget its error."""
        self.dialog, self.form_error = False, ""


class TutorLookupMixin(rx.State, mixin=True):
    """A form's "whose pet?": the tutor found by phone and their pets (plugins' booking forms use it).

    Mix into a `ProtectedState` page state next to its dialog; `components.common.tutor_fields(State)`
    draws the phone input, the tutor's name and the pet select. `_tutor_id` is the customer found.
    """

    tutor_name: str = ""
    pet_options: list[Option] = []
    _tutor_id: int = 0

    def _forget_tutor(self) -> None:
        self.tutor_name, self.pet_options, self._tutor_id = "", [], 0

    def _require_tutor(self) -> int:
        if not self._tutor_id:
            raise ServiceError(t("tutor.phone_required"), field="phone")
        return self._tutor_id

    @rx.event
    @guarded
    async def find_tutor(self, phone: str):
        """Look the tutor up by phone when the field is left."""
        user = await self._user("staff")  # type: ignore[attr-defined]
        self._forget_tutor()
        if not phone.strip():
            return
        with self._session(user) as session:  # type: ignore[attr-defined]
            customer = customers.find_by_phone(session, actor=user.actor, phone=phone)
            if customer is None:
                raise ServiceError(t("tutor.not_found"), field="phone")
            pets = customers.list_pets(session, actor=user.actor, customer_id=customer.id)
        self.tutor_name, self._tutor_id = customer.name, customer.id
        self.pet_options = [Option(str(p.id), p.name) for p in pets]
        self.form_error = "" if pets else t("tutor.no_pets", name=customer.name)  # type: ignore[attr-defined]


LIVE_COALESCE_SECONDS = 0.3


async def poll(
    state: Any,
    *,
    path: str,
    seconds: int,
    refresh: Callable[[], Any],
    keep_going: Callable[[], bool] = lambda: True,
    tenant_id: int | None = None,
) -> None:
    """The body of a background "watch" event: `refresh()` while the page at `path` is open.

    Every `seconds`; with `tenant_id`, as soon as that shop's conversations change (`live`: a push
    from whichever process committed it) and every `seconds` only as a safety net. At most one loop
    per tab (the state's `watching` flag), for at most an hour; it stops when the user leaves the
    page, logs out, `keep_going()` turns false or the refresh raises a ServiceError.
    """
    async with state:
        if state.watching:
            return
        state.watching = True
    try:
        deadline = asyncio.get_running_loop().time() + 3600
        seen = live.version(tenant_id) if tenant_id is not None else 0
        while asyncio.get_running_loop().time() < deadline:
            if tenant_id is None:
                await asyncio.sleep(seconds)
            else:
                if await live.changed(tenant_id, timeout=seconds, since=seen):
                    await asyncio.sleep(LIVE_COALESCE_SECONDS)  # a turn commits a few times in a row: one refresh for all
                seen = live.version(tenant_id)  # read before refreshing: what arrives during the refresh wakes the next wait
            async with state:
                if not state.router.url.path.startswith(path) or not keep_going():
                    break
                try:
                    await refresh()
                except (LoginRequired, ServiceError):
                    break
    finally:
        async with state:
            state.watching = False
