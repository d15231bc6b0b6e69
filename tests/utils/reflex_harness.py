"""Call real Reflex event handlers in-process, with a real session cookie in the handshake headers."""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor

import reflex as rx
from reflex.istate.data import RouterData

import auzap_console.auzap_console  # noqa: F401  (builds the app and registers every state)
from auzap_console.auth_routes import SESSION_COOKIE

ORIGIN = "http://localhost:3000"


class Browser:
    """One simulated browser tab: a state tree whose websocket was opened with a session cookie."""

    def __init__(self, token: str = ""):
        self.root = rx.State(_reflex_internal_init=True)
        headers = {"host": "localhost:3000", "origin": ORIGIN, "cookie": f"theme=light; {SESSION_COOKIE}={token}"}
        self.root.router = RouterData.from_router_data({"headers": headers, "ip": "127.0.0.1"})

    def state(self, cls):
        """The instance of `cls` in this tab's state tree."""
        return self.root.get_substate(cls.get_full_name().split(".")[1:])

    def call(self, handler, *args):
        """Run an event handler (e.g. `CustomersState.select`) and return what it returned."""
        state = self.root.get_substate(handler.state_full_name.split(".")[1:])
        result = handler.fn(state, *args)
        if inspect.isasyncgen(result):  # a handler that yields (e.g. a busy flag first): its last answer
            result = _last_yield(result)
        if not inspect.iscoroutine(result):
            return result
        # A thread of its own: Playwright's sync API may already run a loop in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, result).result()


async def _last_yield(gen):
    last = None
    async for item in gen:
        if item is not None:
            last = item
    return last


def is_redirect(result, path: str) -> bool:
    """True when a handler answered with a redirect to `path`."""
    text = repr(result)
    return "_redirect" in text and path in text
