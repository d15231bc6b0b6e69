"""Work a service asks for runs after its transaction commits, never after a rollback."""

from __future__ import annotations

import pytest

from auzap_console import dispatch
from auzap_console.db import tenant_session


def test_after_commit_runs_on_commit_only(monkeypatch):
    ran = []
    monkeypatch.setitem(dispatch._handlers, "probe", lambda *a, **k: ran.append((a, k)))
    with tenant_session(None) as session:
        dispatch.after_commit(session, "probe", 1, again=True)
        assert ran == []  # not before the commit
    assert ran == [((1,), {"again": True})]
    with pytest.raises(RuntimeError), tenant_session(None) as session:
        dispatch.after_commit(session, "probe", 2)
        raise RuntimeError("rolled back")
    assert ran == [((1,), {"again": True})]


def test_a_failing_handler_does_not_break_the_caller(monkeypatch):
    def boom(*args):
        raise ConnectionError("redis down")

    monkeypatch.setitem(dispatch._handlers, "probe", boom)
    with tenant_session(None) as session:
        dispatch.after_commit(session, "probe", 1)  # logged; the outbox sweep recovers the work
