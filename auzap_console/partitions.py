"""PostgreSQL: `messages` partitioned by month of `created_at` (migration 0017).

Why: the message table is the one that grows without end (10 M+ rows across the platform). Monthly
partitions keep each index small, let the period figures read only the months they ask for, and
let old months be detached or archived whole instead of deleted row by row.

What PostgreSQL asks in return, and what keeps the guarantees:
- Every unique constraint must include `created_at`, so `(channel_id, provider_message_id)` —
  what makes a provider's re-delivery a duplicate, not a second message — moves to
  `message_keys`, one row per message that has both, written by a trigger in the same statement.
  A duplicate raises the same unique violation (an IntegrityError) as before.
- No foreign key may point at `messages.id` (it is no longer unique on its own), so the four
  tables that did (`ai_interactions`, `appointment_reminders`, `campaign_recipients`,
  `inbound_events`, all ON DELETE SET NULL) are kept in step by a statement trigger on delete.
- Row-level security: the policy is on the parent and on every partition (the app role could
  otherwise read a partition by name). Partitions are created ahead by
  `auzap_message_partitions_ahead()` (SECURITY DEFINER: the app role owns nothing), called daily
  by the maintenance job; a row outside every month lands in `messages_default`, and the next
  run makes its month and moves it there, so nothing is refused or lost.
- The triggers run for statements on `messages`. Removing messages by DETACH, DROP or TRUNCATE
  of a month, or by a DELETE naming a partition, would leave their keys and the pointers to them:
  archive a month by deleting through `messages`.
SQLite keeps the plain table of the models.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from auzap_console.rls import CURRENT_TENANT, enable_tenant_rls

MONTHS_AHEAD = 3
REFERENCING = ("ai_interactions", "appointment_reminders", "campaign_recipients", "inbound_events")  # message_id → messages.id

QUOTED_TENANT = CURRENT_TENANT.replace("'", "''")  # inside a quoted string of the function
# `auzap_message_partitions(first, last)` makes any range of months: the migration owner's (revoked
# from the app role by `rls.grant_app_role`, which may not pile up partitions). The app role's
# daily job may only call `auzap_message_partitions_ahead()`: this month, the next MONTHS_AHEAD,
# and the months of rows waiting in the default partition.
PARTITION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION auzap_message_partitions(p_first date, p_last date)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE
  month date := date_trunc('month', p_first)::date;
  lo timestamptz;
  hi timestamptz;
  part text;
  made integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('auzap_message_partitions'));  -- two callers at once: one waits, then finds them made
  -- No row may enter the default partition between looking at it and taking a month out of it
  -- (the new partition's check would then fail): writers of messages wait for this transaction.
  LOCK TABLE public.messages_default IN SHARE ROW EXCLUSIVE MODE;
  WHILE month <= p_last LOOP
    part := 'messages_' || to_char(month, 'YYYY_MM');
    lo := month::timestamp AT TIME ZONE 'UTC';
    hi := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    IF to_regclass('public.' || part) IS NULL THEN
      IF EXISTS (SELECT 1 FROM public.messages_default WHERE created_at >= lo AND created_at < hi) THEN
        -- rows that arrived before their month existed move into it (a partition cannot be created over them)
        EXECUTE format('CREATE TABLE public.%I (LIKE public.messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        EXECUTE format(
          'WITH moved AS (DELETE FROM public.messages_default WHERE created_at >= %L AND created_at < %L RETURNING *)'
          ' INSERT INTO public.%I SELECT * FROM moved', lo, hi, part);
        EXECUTE format('ALTER TABLE public.messages ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      ELSE
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.messages FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      END IF;
      EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', part);
      EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', part);
      EXECUTE format(
        'CREATE POLICY tenant_isolation ON public.%I USING (tenant_id = {QUOTED_TENANT}) WITH CHECK (tenant_id = {QUOTED_TENANT})',
        part);
      made := made + 1;
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
  RETURN made;
END $fn$;
REVOKE EXECUTE ON FUNCTION auzap_message_partitions(date, date) FROM PUBLIC;

CREATE OR REPLACE FUNCTION auzap_message_partitions_ahead()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  waiting date;
  made integer;
BEGIN
  made := public.auzap_message_partitions(today, (today + interval '{MONTHS_AHEAD} months')::date);
  FOR waiting IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM public.messages_default LOOP
    made := made + public.auzap_message_partitions(waiting, waiting);
  END LOOP;
  RETURN made;
END $fn$;
REVOKE EXECUTE ON FUNCTION auzap_message_partitions_ahead() FROM PUBLIC;
"""

KEYS_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION auzap_message_keys_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
BEGIN
  -- An UPDATE that moves a row to another month arrives here as an INSERT of the same id: its key
  -- is already there, and that is no duplicate.
  IF TG_OP = 'UPDATE' AND NEW.channel_id IS NOT DISTINCT FROM OLD.channel_id
     AND NEW.provider_message_id IS NOT DISTINCT FROM OLD.provider_message_id THEN
    RETURN NULL;
  END IF;
  DELETE FROM public.message_keys k WHERE k.message_id = NEW.id
    AND (k.channel_id, k.provider_message_id) IS DISTINCT FROM (NEW.channel_id, NEW.provider_message_id);
  IF NEW.channel_id IS NOT NULL AND NEW.provider_message_id IS NOT NULL THEN
    INSERT INTO public.message_keys (tenant_id, channel_id, provider_message_id, message_id)
    VALUES (NEW.tenant_id, NEW.channel_id, NEW.provider_message_id, NEW.id)
    ON CONFLICT (channel_id, provider_message_id) DO NOTHING;  -- waits for a concurrent insert of the key, then sees it
    IF NOT FOUND AND NOT EXISTS (
      SELECT 1 FROM public.message_keys k
      WHERE k.channel_id = NEW.channel_id AND k.provider_message_id = NEW.provider_message_id AND k.message_id = NEW.id
    ) THEN
      RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'message_keys_pkey',
        MESSAGE = 'duplicate key value violates unique constraint "message_keys_pkey"',
        DETAIL = format('Key (channel_id, provider_message_id)=(%s, %s) already exists.', NEW.channel_id, NEW.provider_message_id);
    END IF;
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER messages_keys AFTER INSERT OR UPDATE OF channel_id, provider_message_id ON messages
  FOR EACH ROW EXECUTE FUNCTION auzap_message_keys_sync();

CREATE OR REPLACE FUNCTION auzap_messages_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
BEGIN
{"".join(f"  UPDATE public.{table} SET message_id = NULL WHERE message_id IN (SELECT id FROM gone);{chr(10)}" for table in REFERENCING)}\
  DELETE FROM public.message_keys WHERE message_id IN (SELECT id FROM gone);
  RETURN NULL;
END $fn$;
CREATE TRIGGER messages_deleted AFTER DELETE ON messages REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION auzap_messages_deleted();
"""


OWN_FOREIGN_KEYS = (  # what `messages` refers to, re-created on the new table both ways
    "ALTER TABLE messages ADD CONSTRAINT messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE",
    "ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey"
    " FOREIGN KEY (conversation_id) REFERENCES conversations(id) ON DELETE CASCADE",
    "ALTER TABLE messages ADD CONSTRAINT messages_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES channels(id) ON DELETE SET NULL",
)


FUNCTIONS = (
    "auzap_message_keys_sync()",
    "auzap_messages_deleted()",
    "auzap_message_partitions_ahead()",
    "auzap_message_partitions(date, date)",
)


def is_partitioned(conn: Connection) -> bool:
    """Whether `messages` is the partitioned table (PostgreSQL after 0017)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass('public.messages')")).scalar())


def months_ahead(conn: Connection) -> int | None:
    """How many months after the current one have their partition, without a gap.

    None: not partitioned; -1: not even the current month. `/health` shows it: below
    `MONTHS_AHEAD` the daily schedule has not been running, and from the first missing month on
    new messages would wait in the default partition.
    """
    if not is_partitioned(conn):
        return None
    names = set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.messages'::regclass"
            )
        ).scalars()
    )
    today = datetime.now(UTC)
    year, month, ahead = today.year, today.month, -1
    while f"messages_{year:04d}_{month:02d}" in names:
        ahead += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ahead


def _index_definitions(conn: Connection, table: str, skip: tuple[str, ...]) -> list[str]:
    rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = :t"), {"t": table})
    return [definition for name, definition in rows if name not in skip]


def _copy_grants(conn: Connection, source: str, targets: tuple[str, ...]) -> None:
    """The table privileges others hold on `source`, granted on `targets` (a re-created table starts with none)."""
    grants = conn.execute(
        text(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.privilege_type"
            " FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = to_regclass(:source) AND a.grantee <> c.relowner"
        ),
        {"source": f"public.{source}"},
    ).all()
    for grantee, privilege in grants:
        for target in targets:
            conn.execute(text(f'GRANT {privilege} ON "{target}" TO {grantee}'))


def _refuse_unknown_dependents(conn: Connection, table: str) -> None:
    """Stop before DROP … CASCADE takes along a foreign key or view this module does not re-create."""
    foreign = conn.execute(
        text("SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass(:t)"),
        {"t": f"public.{table}"},
    ).all()
    views = conn.execute(
        text(
            "SELECT DISTINCT r.ev_class::regclass::text FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
            " WHERE d.refobjid = to_regclass(:t) AND r.ev_class <> to_regclass(:t)"
        ),
        {"t": f"public.{table}"},
    ).all()
    unknown = [f"{owner} ({name})" for owner, name in foreign if owner not in REFERENCING] + [f"view {v}" for (v,) in views]
    if unknown:
        raise RuntimeError(
            "messages cannot be partitioned while these depend on it: "
            + ", ".join(unknown)
            + ". Drop them first (a plugin's foreign key to messages.id: keep a plain message_id column instead)."
        )


def partition_messages(conn: Connection) -> None:
    """Turn the plain `messages` into the partitioned one, rows, ids and indexes kept (migration 0017)."""
    if conn.dialect.name != "postgresql" or is_partitioned(conn):
        return
    run = lambda sql: conn.execute(text(sql))  # noqa: E731
    run("ALTER TABLE messages RENAME TO messages_unpartitioned")
    indexes = _index_definitions(conn, "messages_unpartitioned", ("messages_pkey", "messages_channel_id_provider_message_id_key"))
    run("CREATE TABLE messages (LIKE messages_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at)")
    run("ALTER SEQUENCE messages_id_seq OWNED BY messages.id")
    run("CREATE TABLE messages_default PARTITION OF messages DEFAULT")
    conn.execute(text(PARTITION_FUNCTION))
    first = conn.execute(text("SELECT (coalesce(min(created_at), now()) AT TIME ZONE 'UTC')::date FROM messages_unpartitioned")).scalar()
    conn.execute(
        text("SELECT auzap_message_partitions(:first, (now() + make_interval(months => :ahead))::date)"),
        {"first": first, "ahead": MONTHS_AHEAD},
    )
    run("INSERT INTO messages SELECT * FROM messages_unpartitioned")
    _refuse_unknown_dependents(conn, "messages_unpartitioned")
    _copy_grants(conn, "messages_unpartitioned", ("messages", "messages_default"))
    run("DROP TABLE messages_unpartitioned CASCADE")  # with it go the policy and the four foreign keys to it
    run("ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id, created_at)")
    for statement in OWN_FOREIGN_KEYS:
        run(statement)
    for definition in indexes:
        run(definition.replace(" ON public.messages_unpartitioned ", " ON public.messages "))
    run("CREATE INDEX ix_pg_messages_provider ON messages (channel_id, provider_message_id)")  # the re-delivery lookups
    enable_tenant_rls(conn, "messages")
    enable_tenant_rls(conn, "messages_default")
    run(
        "CREATE TABLE message_keys ("
        " channel_id integer NOT NULL REFERENCES channels(id) ON DELETE CASCADE,"
        " provider_message_id varchar(160) NOT NULL,"
        " tenant_id integer NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        " message_id integer NOT NULL,"
        " PRIMARY KEY (channel_id, provider_message_id))"
    )
    run("CREATE INDEX ix_message_keys_message_id ON message_keys (message_id)")
    _copy_grants(conn, "messages", ("message_keys",))  # the key trigger writes it with the caller's rights
    enable_tenant_rls(conn, "message_keys")
    run(
        "INSERT INTO message_keys (channel_id, provider_message_id, tenant_id, message_id)"
        " SELECT channel_id, provider_message_id, tenant_id, id FROM messages"
        " WHERE channel_id IS NOT NULL AND provider_message_id IS NOT NULL"
    )
    conn.execute(text(KEYS_TRIGGERS))
    run("ANALYZE messages")


def unpartition_messages(conn: Connection) -> None:
    """Back to the plain table with its unique key and the foreign keys to it (0017's downgrade)."""
    if not is_partitioned(conn):
        return
    run = lambda sql: conn.execute(text(sql))  # noqa: E731
    run("ALTER TABLE messages RENAME TO messages_partitioned")
    indexes = _index_definitions(conn, "messages_partitioned", ("messages_pkey", "ix_pg_messages_provider"))
    run("CREATE TABLE messages (LIKE messages_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    run("ALTER SEQUENCE messages_id_seq OWNED BY messages.id")
    run("INSERT INTO messages SELECT * FROM messages_partitioned")
    _copy_grants(conn, "messages_partitioned", ("messages",))
    run("DROP TABLE messages_partitioned CASCADE")  # its partitions, triggers and policies
    run("DROP TABLE message_keys")
    for name in FUNCTIONS:
        run(f"DROP FUNCTION IF EXISTS {name}")
    run("ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id)")
    run("ALTER TABLE messages ADD CONSTRAINT messages_channel_id_provider_message_id_key UNIQUE (channel_id, provider_message_id)")
    for statement in OWN_FOREIGN_KEYS:
        run(statement)
    for definition in indexes:
        run(definition.replace(" ON ONLY public.messages_partitioned ", " ON public.messages "))
    for table in REFERENCING:
        run(f"UPDATE {table} SET message_id = NULL WHERE message_id IS NOT NULL AND message_id NOT IN (SELECT id FROM messages)")
        run(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_message_id_fkey"
            " FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE SET NULL"
        )
    enable_tenant_rls(conn, "messages")
