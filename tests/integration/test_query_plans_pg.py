"""The console's main screens use indexes: on a PostgreSQL filled by `tests/utils/big_dataset`
(50 shops, 50,000 messages, ANALYZEd), every SELECT the inbox, thread, customer search, dashboard
and calendar run — captured as the app role sends them, under row-level security — is EXPLAINed,
and a sequential scan of a big table fails the test. bench/dataset.py times the same calls at 1 M
messages."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, event, text

from auzap_console.db import get_engine, tenant_session
from auzap_console.services import calendar, customers, dashboard, inbox, performance
from auzap_console.services.context import Actor
from tests.conftest import _activate, create_pg_database, drop_pg_database
from tests.utils.big_dataset import fill

BIG_TABLES = {"messages", "customers", "conversations", "appointments", "pets", "ai_interactions"}


@pytest.fixture
def filled(pg_urls):
    """A database of its own (the shared test database keeps its few shops), filled and migrated."""
    from auzap_console.migrate import upgrade_database

    name = f"auzap_plans_{os.getpid()}"
    app_url, admin_url = create_pg_database(name)
    _activate(app_url, admin_url)
    try:
        upgrade_database()
        yield fill(admin_url, scale=0.05)
    finally:
        _activate(*pg_urls)
        drop_pg_database(name)


def _screens(s, actor: Actor, conversation_id: int) -> None:
    today = datetime.now(UTC).date()
    inbox.list_conversations(s, actor=actor, status="open")
    inbox.list_conversations(s, actor=actor, status="waiting")
    inbox.list_conversations(s, actor=actor, status="open", search="tosa")
    inbox.thread(s, actor=actor, conversation_id=conversation_id)
    customers.list_customers(s, actor=actor)
    customers.list_customers(s, actor=actor, search="silva")
    dashboard.figures(s, actor=actor)
    performance.report(s, actor=actor, period="ultimos_30_dias")
    calendar.week_overview(s, actor=actor, week_of=today)
    calendar.day_agenda(s, actor=actor, day=today)


def _seq_scans(plan: dict, empty: frozenset[str] = frozenset()) -> list[str]:
    """Big tables read sequentially; a month of messages is messages, unless it has no rows yet (months ahead)."""
    found = []
    name = plan.get("Relation Name", "")
    if plan.get("Node Type") == "Seq Scan" and re.sub(r"_(\d{4}_\d{2}|default)$", "", name) in BIG_TABLES and name not in empty:
        found.append(name)
    for child in plan.get("Plans", []):
        found += _seq_scans(child, empty)
    return found


def _empty_partitions(session) -> frozenset[str]:
    rows = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'messages'::regclass AND c.reltuples <= 0"
        )
    )
    return frozenset(rows.scalars())


def test_no_screen_query_scans_a_big_table_sequentially(filled):
    failures = []
    for tenant_id in (filled.tenant_ids[0], filled.tenant_ids[len(filled.tenant_ids) // 2]):  # the largest shop and a typical one
        captured: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
                captured.append((statement, parameters))  # noqa: B023

        event.listen(get_engine(), "before_cursor_execute", capture)
        try:
            with tenant_session(tenant_id) as s:
                _screens(s, Actor(tenant_id=tenant_id, role="owner"), filled.busiest_conversation[tenant_id])
        finally:
            event.remove(get_engine(), "before_cursor_execute", capture)
        assert len(captured) > 15
        with tenant_session(tenant_id) as s:
            empty = _empty_partitions(s)
            connection = s.connection()
            for statement, parameters in captured:
                (plan,) = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
                scans = _seq_scans(plan["Plan"], empty)
                if scans:
                    failures.append(f"{scans}: {' '.join(statement.split())[:300]}")
    assert not failures, "sequential scans of big tables:\n" + "\n".join(failures)
    with tenant_session(filled.tenant_ids[0]) as s:  # the check itself sees a scan where there is one
        s.connection().exec_driver_sql("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
        (plan,) = s.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) SELECT id FROM messages WHERE media_url = 'x'").scalar()
    assert _seq_scans(plan["Plan"]) and all(name.startswith("messages") for name in _seq_scans(plan["Plan"]))


def _index_conditions(plan: dict) -> list[str]:
    found = [plan["Index Cond"]] if "Index Cond" in plan else []
    for child in plan.get("Plans", []):
        found += _index_conditions(child)
    return found


def test_the_message_search_function_can_use_the_trigram_index(filled):
    """`auzap_message_search` runs MESSAGE_SEARCH_SQL without the policy (that is its point): run as
    the owner, the LIKE is an index condition of the trigram index. The planner prefers the shop's
    own index (or, per month, a scan) on a database this small, so those are ruled out inside the
    (rolled back) transaction."""
    from auzap_console.rls import MESSAGE_SEARCH_SQL

    largest = filled.tenant_ids[0]
    statement = MESSAGE_SEARCH_SQL.replace("$1", str(largest)).replace("$2", "'%%gato%%'")  # %% for the driver
    statement = statement.replace(" AND m.created_at >= $3 AND m.created_at < $4", "")  # every month: only the LIKE is looked up
    owner = create_engine(os.environ["DATABASE_ADMIN_URL"])  # the fixture's database, as its owner
    try:
        with owner.connect() as conn:
            conn.exec_driver_sql("DROP INDEX ix_messages_tenant_id; DROP INDEX ix_messages_tenant_created")
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            (plan,) = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement).scalar()
            conn.rollback()
    finally:
        owner.dispose()
    conditions = _index_conditions(plan["Plan"])
    assert conditions and all("~~" in condition for condition in conditions)  # LIKE is what the index looks up


def _nodes(plan: dict) -> list[dict]:
    return [plan, *(node for child in plan.get("Plans", []) for node in _nodes(child))]


def test_an_inbox_page_reads_twenty_index_entries_not_the_shop(filled):
    """The page is `last_message_at DESC NULLS LAST, id DESC`: read in that order from
    `ix_pg_conversations_inbox_recent` (migration 0018), it stops after a page instead of sorting
    every open conversation of the shop. On this small a database sorting is as cheap, so sorting is
    ruled out inside the transaction: without an index in that order the plan would still sort."""
    largest = filled.tenant_ids[0]
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT conversations."):
            captured.append((statement, parameters))

    event.listen(get_engine(), "before_cursor_execute", capture)
    try:
        with tenant_session(largest) as s:
            page = inbox.list_conversations(s, actor=Actor(tenant_id=largest, role="owner"), status="open")
    finally:
        event.remove(get_engine(), "before_cursor_execute", capture)
    assert page.total > 100 and len(page.rows) == 20
    with tenant_session(largest) as s:
        s.connection().exec_driver_sql("SET LOCAL enable_sort = off")
        (plan,) = s.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + captured[0][0], captured[0][1]).scalar()
    nodes = _nodes(plan["Plan"])
    assert "ix_pg_conversations_inbox_recent" in {node.get("Index Name") for node in nodes}
    assert "Sort" not in {node["Node Type"] for node in nodes}


def test_every_statement_is_planned_for_its_shop(filled):
    """psycopg prepares a statement after 5 runs; PostgreSQL's generic plan for `tenant_id = $1`
    is costed for an average shop, and the largest shop's inbox page then sorted all its chats.
    The app's connections plan each statement with its values (`db.make_engine`)."""
    largest = filled.tenant_ids[0]
    with tenant_session(largest) as s:
        assert s.connection().exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
        for _ in range(8):  # past psycopg's prepare threshold: still a custom plan each time
            inbox.list_conversations(s, actor=Actor(tenant_id=largest, role="owner"), status="open")
        generic = s.connection().exec_driver_sql("SELECT count(*) FROM pg_prepared_statements WHERE generic_plans > 0").scalar()
    assert generic == 0
