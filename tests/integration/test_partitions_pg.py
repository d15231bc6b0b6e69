"""`messages` partitioned by month on PostgreSQL (migration 0017, `auzap_console.partitions`):
the partitions exist ahead and are confined by row-level security like the parent, a provider's
re-delivery is still a duplicate whatever the month, deleting messages still clears what pointed
at them, a row outside every month is kept and moves into its month later, and the migration
keeps every row both ways."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from alembic import command
from auzap_console.db import tenant_session
from auzap_console.jobs.maintenance import create_message_partitions_job
from auzap_console.migrate import alembic_config, upgrade_database
from auzap_console.models import Conversation, InboundEvent, Message
from auzap_console.services import conversations
from auzap_console.services.channels import create_channel
from auzap_console.services.inbound import receive_message
from tests.conftest import _activate, create_pg_database, drop_pg_database
from tests.utils.agent_helpers import PHONE, agent_shop


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _month(at: datetime) -> str:
    return f"messages_{at:%Y_%m}"


def _shop_with_channel(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        shop.channel_id = create_channel(s, actor=shop.actor, name="WhatsApp", provider="simulator").channel.id
    return shop


def test_partitions_ahead_each_confined_like_the_parent(pg_urls):
    _, admin_url = pg_urls
    a, b = _shop_with_channel("Loja Partição A"), _shop_with_channel("Loja Partição B")
    receive_message(tenant_id=a.tenant_id, text="oi", channel_id=a.channel_id, provider_message_id="p-a-1", phone=PHONE)
    theirs = receive_message(tenant_id=b.tenant_id, text="oi", channel_id=b.channel_id, provider_message_id="p-b-1", phone=PHONE)
    now = datetime.now(UTC)
    ahead = [_month(now + timedelta(days=31 * k)) for k in range(4)]
    with _admin(admin_url) as conn:
        assert conn.execute("SELECT relkind FROM pg_class WHERE relname = 'messages'").fetchone()[0] == "p"
        parts = dict(
            conn.execute(
                "SELECT c.relname, (c.relrowsecurity AND c.relforcerowsecurity"
                " AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation'))"
                " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'messages'::regclass"
            ).fetchall()
        )
    assert set(ahead) | {"messages_default"} <= set(parts)
    assert all(parts.values()), parts  # every partition has the forced policy
    with tenant_session(a.tenant_id) as s:  # even naming the partition, a shop reads only its own rows
        rows = s.execute(text(f"SELECT tenant_id FROM {_month(now)}")).scalars().all()
        assert rows and set(rows) == {a.tenant_id}
        with pytest.raises(Exception, match="row-level security"), s.begin_nested():  # nor writes another's
            s.execute(
                text(
                    f"INSERT INTO {_month(now)} (tenant_id, conversation_id, direction, sender, body, media_url, delivery_status,"
                    " tokens_in, tokens_out, created_at, processing, error, meta)"
                    " VALUES (:shop, :conversation, 'in', 'customer', 'x', '', 'queued', 0, 0, now(), '', '', '{}')"
                ),
                {"shop": b.tenant_id, "conversation": theirs.conversation_id},
            )


def test_a_redelivery_is_a_duplicate_in_any_month(pg_urls):
    shop = _shop_with_channel("Loja Partição Chave")
    first = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="wamid.1", phone=PHONE)
    again = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="wamid.1", phone=PHONE)
    assert again.duplicate and again.message_id == first.message_id
    with tenant_session(shop.tenant_id) as s:  # the unique key holds whatever the month, as IntegrityError (what the code catches)
        conversation = s.get(Conversation, first.conversation_id)
        assert conversation.channel_id == shop.channel_id  # so the messages added here carry it
        later = conversations.add_message(
            s, actor=shop.actor, conversation=conversation, direction="in", sender="customer", body="oi", provider_message_id="wamid.2"
        )
        later.created_at = datetime.now(UTC) + timedelta(days=40)
        s.add(later)
        s.flush()
        with pytest.raises(IntegrityError), s.begin_nested():
            conversations.add_message(
                s, actor=shop.actor, conversation=conversation, direction="in", sender="customer", body="oi", provider_message_id="wamid.2"
            )
            s.flush()
        # a sent message gets its provider id later (an UPDATE): the key follows it
        out = conversations.add_message(s, actor=shop.actor, conversation=conversation, direction="out", sender="ai", body="olá")
        s.flush()
        with pytest.raises(IntegrityError), s.begin_nested():
            out.provider_message_id = "wamid.1"
            s.flush()
        s.refresh(out)
        out.provider_message_id = "wamid.3"  # its own new id is fine, and moves with it
        s.flush()
        keys = s.execute(text("SELECT provider_message_id FROM message_keys WHERE message_id = :id"), {"id": out.id}).scalars().all()
        assert keys == ["wamid.3"]


def test_deleting_messages_clears_what_pointed_at_them(pg_urls):
    shop = _shop_with_channel("Loja Partição Apaga")
    got = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="del-1", phone=PHONE)
    with tenant_session(shop.tenant_id) as s:
        s.add(
            InboundEvent(
                tenant_id=shop.tenant_id, channel_id=shop.channel_id, provider_message_id="del-1", payload={}, message_id=got.message_id
            )
        )
    with tenant_session(shop.tenant_id) as s:
        s.execute(text("DELETE FROM messages WHERE id = :id"), {"id": got.message_id})
    with tenant_session(shop.tenant_id) as s:
        assert s.exec(select(InboundEvent.message_id).where(InboundEvent.provider_message_id == "del-1")).one() is None
        assert s.execute(text("SELECT count(*) FROM message_keys WHERE message_id = :id"), {"id": got.message_id}).scalar() == 0
    again = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="del-1", phone=PHONE)
    assert not again.duplicate  # its key went with it
    with tenant_session(shop.tenant_id) as s:  # the raw event, now without a message, would be stored again by a later sweep
        s.execute(text("DELETE FROM inbound_events WHERE tenant_id = :t"), {"t": shop.tenant_id})


def test_the_daily_job_makes_months_ahead_and_a_stray_row_moves_into_its_month(pg_urls):
    _, admin_url = pg_urls
    shop = _shop_with_channel("Loja Partição Futuro")
    got = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="f-1", phone=PHONE)
    assert create_message_partitions_job() == 0  # the migration made this month and three ahead
    far = datetime(datetime.now(UTC).year + 3, 5, 10, 12, tzinfo=UTC)
    with tenant_session(shop.tenant_id) as s:  # a row for a month with no partition yet is kept, in the default one
        s.execute(text("UPDATE messages SET created_at = :at WHERE id = :id"), {"at": far, "id": got.message_id})
    with _admin(admin_url) as conn:
        assert conn.execute("SELECT count(*) FROM messages_default WHERE id = %s", (got.message_id,)).fetchone()[0] == 1
    assert create_message_partitions_job() == 1  # its month, made by the next run
    with _admin(admin_url) as conn:
        assert conn.execute("SELECT count(*) FROM messages_default").fetchone()[0] == 0
        assert conn.execute(f"SELECT count(*) FROM {_month(far)} WHERE id = %s", (got.message_id,)).fetchone()[0] == 1
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Message, got.message_id).created_at == far


def test_a_row_arriving_in_the_default_partition_while_the_job_runs_moves_too(pg_urls):
    _, admin_url = pg_urls
    shop = _shop_with_channel("Loja Partição Corrida")
    first = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="r-1", phone=PHONE)
    second = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="r-2", phone=PHONE)
    stray = datetime(datetime.now(UTC).year + 5, 2, 3, 12, tzinfo=UTC)
    move = text("UPDATE messages SET created_at = :at WHERE id = :id")
    with tenant_session(shop.tenant_id) as s:
        s.execute(move, {"at": stray, "id": first.message_id})
    writing = threading.Event()

    def late_writer():  # a second row for that month, still uncommitted when the job starts
        with tenant_session(shop.tenant_id) as s:
            s.execute(move, {"at": stray + timedelta(days=1), "id": second.message_id})
            writing.set()
            time.sleep(1.0)

    writer = threading.Thread(target=late_writer)
    writer.start()
    assert writing.wait(5)
    made = create_message_partitions_job()  # waits for the writer, then takes both (it used to fail on the second)
    writer.join()
    assert made == 1
    with _admin(admin_url) as conn:
        assert conn.execute("SELECT count(*) FROM messages_default").fetchone()[0] == 0
        moved = conn.execute(f"SELECT count(*) FROM {_month(stray)} WHERE id IN (%s, %s)", (first.message_id, second.message_id))
        assert moved.fetchone()[0] == 2


@pytest.fixture
def fresh_pg(pg_urls):
    name = f"auzap_partitions_{os.getpid()}"
    app_url, admin_url = create_pg_database(name)
    _activate(app_url, admin_url)
    yield app_url, admin_url
    _activate(*pg_urls)
    drop_pg_database(name)


def test_the_migration_keeps_every_row_both_ways(fresh_pg):
    _, admin_url = fresh_pg
    upgrade_database(admin_url)
    shop = _shop_with_channel("Loja Migração")
    got = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="m-1", phone=PHONE)
    receive_message(tenant_id=shop.tenant_id, text="tudo bem?", channel_id=shop.channel_id, provider_message_id="m-2", phone=PHONE)
    with tenant_session(shop.tenant_id) as s:
        event = InboundEvent(tenant_id=shop.tenant_id, channel_id=shop.channel_id, provider_message_id="m-1", payload={})
        s.add(event)
        event.message_id = got.message_id

    def snapshot():
        with _admin(admin_url) as conn:
            rows = conn.execute("SELECT id, tenant_id, body, provider_message_id FROM messages ORDER BY id").fetchall()
            kind = conn.execute("SELECT relkind FROM pg_class WHERE relname = 'messages'").fetchone()[0]
        return rows, kind

    before, kind = snapshot()
    assert kind == "p" and len(before) == 2
    command.downgrade(alembic_config(admin_url), "0016_message_search")
    after_down, kind = snapshot()
    assert kind == "r" and after_down == before
    with _admin(admin_url) as conn:  # the plain table's unique key and the foreign key to it are back
        constraints = {row[0] for row in conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'messages'::regclass")}
        assert "messages_channel_id_provider_message_id_key" in constraints
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'inbound_events_message_id_fkey'").fetchone()[0] == 1
    receive_message(tenant_id=shop.tenant_id, text="e agora?", channel_id=shop.channel_id, provider_message_id="m-4", phone=PHONE)
    before, _ = snapshot()  # the app role still reads and writes the re-created table: its grants went along
    command.upgrade(alembic_config(admin_url), "heads")  # plain alembic (no re-grant afterwards)
    after_up, kind = snapshot()
    assert kind == "p" and after_up == before and len(before) == 3
    again = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=shop.channel_id, provider_message_id="m-1", phone=PHONE)
    new = receive_message(tenant_id=shop.tenant_id, text="novo", channel_id=shop.channel_id, provider_message_id="m-3", phone=PHONE)
    assert again.duplicate and new.message_id > max(row[0] for row in before)  # the id sequence went along


def test_health_shows_how_many_months_ahead_have_their_partition(pg_urls, monkeypatch):
    from starlette.testclient import TestClient

    from auzap_console.channels.webhooks import webhook_app
    from auzap_console.settings import get_settings

    create_message_partitions_job()
    monkeypatch.setenv("HEALTH_TOKEN", "saude-123")
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    try:
        body = TestClient(webhook_app()).get("/health?token=saude-123").json()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert body["database"]["message_partitions_months_ahead"] == 3  # MONTHS_AHEAD without a gap (a far month made by hand is not counted)
