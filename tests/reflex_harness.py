"""Call real Reflex event handlers in-process, with a real login token."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import reflex as rx

import auzap_console.auzap_console  # noqa: F401  (builds the app and registers every state)
from auzap_console.state import AuthState


class Browser:
    """One simulated browser tab: a state tree holding a session cookie."""

    def __init__(self, token: str = ""):
        self.root = rx.State(_reflex_internal_init=True)
        self.state(AuthState).token = token

    def state(self, cls):
        """The instance of `cls` in this tab's state tree."""
        return self.root.get_substate(cls.get_full_name().split(".")[1:])

    def call(self, handler, *args):
        """Run an event handler (e.g. `CustomersState.select`) and return what it returned."""
        state = self.root.get_substate(handler.state_full_name.split(".")[1:])
        # A thread of its own: Playwright's sync API may already run a loop in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, handler.fn(state, *args)).result()


def is_redirect(result, path: str) -> bool:
    """True when a handler answered with a redirect to `path`."""
    text = repr(result)
    return "_redirect" in text and path in text
