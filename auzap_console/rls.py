"""PostgreSQL row-level security: the policies, the auth lookups, and app-role grants.

Every table with a `tenant_id` column gets a FORCED policy comparing it with the
transaction-local `app.tenant_id` setting (see `db.tenant_session`). The app connects as
a role that owns nothing, so it can never see another tenant's rows, even by raw SQL.

Four lookups happen before the tenant is known (login by e-mail, session by token,
tenant by slug for the CLI, channel by webhook key);
they are SECURITY DEFINER functions returning only what authentication needs. They run
as the migration owner, which must be a superuser or have BYPASSRLS, so they pin their
search_path (pg_temp last: no temporary object can shadow a table or operator) and only the
app role may execute them (revoked from PUBLIC; `grant_app_role` grants it). `login_attempts`
(every tenant's e-mails and IPs) is not granted to the app role at all: throttling reads,
writes and prunes it through the `auzap_attempt_*` functions.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

CURRENT_TENANT = "nullif(current_setting('app.tenant_id', true), '')::integer"

AUTH_FUNCTIONS = """
CREATE OR REPLACE FUNCTION auzap_login_lookup(p_email text)
RETURNS TABLE(user_id integer, tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT u.id, u.tenant_id FROM users u WHERE u.email = lower(p_email)
$$;
CREATE OR REPLACE FUNCTION auzap_session_lookup(p_token_hash text)
RETURNS TABLE(session_id integer, user_id integer, tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT s.id, s.user_id, s.tenant_id FROM auth_sessions s
  WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > now()
$$;
CREATE OR REPLACE FUNCTION auzap_tenant_lookup(p_slug text)
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT t.id FROM tenants t WHERE t.slug = p_slug
$$;
"""
AUTH_FUNCTION_SIGNATURES = ("auzap_login_lookup(text)", "auzap_session_lookup(text)", "auzap_tenant_lookup(text)")


CHANNEL_LOOKUP_FUNCTION = """
CREATE OR REPLACE FUNCTION auzap_channel_lookup(p_key text)
RETURNS TABLE(channel_id integer, tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT c.id, c.tenant_id FROM channels c WHERE c.webhook_key = p_key AND p_key <> ''
$$;
CREATE OR REPLACE FUNCTION auzap_channel_status_counts()
RETURNS TABLE(status text, total bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT c.status::text, count(*) FROM channels c GROUP BY c.status
$$;
"""
CHANNEL_FUNCTION_SIGNATURES = ("auzap_channel_lookup(text)", "auzap_channel_status_counts()")


def _revoke_from_public(conn: Connection, signatures: tuple[str, ...]) -> None:
    """New functions are executable by every role; these must only be by the app role."""
    for signature in signatures:
        conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC"))


# Migration 0008: sessions start pending behind a one-time login ticket, and login_attempts
# (every tenant's e-mails and IPs) is reachable by the app role only through these functions.
ACCOUNT_FUNCTIONS = {
    "auzap_session_lookup(text)": """
CREATE OR REPLACE FUNCTION auzap_session_lookup(p_token_hash text)
RETURNS TABLE(session_id integer, user_id integer, tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT s.id, s.user_id, s.tenant_id FROM public.auth_sessions s
  WHERE s.token_hash = p_token_hash AND s.activated_at IS NOT NULL AND s.revoked_at IS NULL AND s.expires_at > now()
$$""",
    "auzap_session_activate(text, text, timestamptz)": """
CREATE OR REPLACE FUNCTION auzap_session_activate(p_ticket_hash text, p_token_hash text, p_expires_at timestamptz)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  UPDATE public.auth_sessions SET token_hash = p_token_hash, expires_at = p_expires_at, activated_at = now()
  WHERE token_hash = p_ticket_hash AND activated_at IS NULL AND revoked_at IS NULL AND expires_at > now()
  RETURNING id
$$""",
    "auzap_attempt_record(text, text, text, boolean)": """
CREATE OR REPLACE FUNCTION auzap_attempt_record(p_kind text, p_ip text, p_email text, p_success boolean)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  INSERT INTO public.login_attempts (kind, ip, email, success, attempted_at)
  VALUES (p_kind, left(p_ip, 64), left(p_email, 254), p_success, now())
$$""",
    "auzap_attempt_failures(text, text, text, timestamptz)": """
CREATE OR REPLACE FUNCTION auzap_attempt_failures(p_kind text, p_ip text, p_email text, p_since timestamptz)
RETURNS TABLE(pair_failures bigint, ip_failures bigint, email_failures bigint, pair_last_failure timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH recent AS (
    SELECT a.ip, a.email, a.success, a.attempted_at FROM public.login_attempts a
    WHERE a.kind = p_kind AND a.attempted_at > p_since AND (a.ip = p_ip OR a.email = p_email)
  ), pair_start AS (
    SELECT coalesce(max(attempted_at), p_since) AS since FROM recent WHERE success AND ip = p_ip AND email = p_email
  )
  SELECT
    count(*) FILTER (WHERE NOT success AND ip = p_ip AND email = p_email AND attempted_at > (SELECT since FROM pair_start)),
    count(*) FILTER (WHERE NOT success AND ip = p_ip),
    count(*) FILTER (WHERE NOT success AND email = p_email),
    max(attempted_at) FILTER (WHERE NOT success AND ip = p_ip AND email = p_email)
  FROM recent
$$""",
    "auzap_attempt_prune(timestamptz)": """
CREATE OR REPLACE FUNCTION auzap_attempt_prune(p_before timestamptz)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH gone AS (DELETE FROM public.login_attempts WHERE attempted_at < p_before RETURNING 1)
  SELECT count(*) FROM gone
$$""",
}


def create_account_functions(conn: Connection) -> None:
    """Create the 0008 SECURITY DEFINER functions, executable by the app role only (not PUBLIC)."""
    if conn.dialect.name != "postgresql":
        return
    for signature, body in ACCOUNT_FUNCTIONS.items():
        conn.execute(text(body))
        conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC"))
    conn.execute(text("REVOKE ALL ON login_attempts FROM PUBLIC"))


def create_channel_lookup(conn: Connection) -> None:
    """Create the SECURITY DEFINER lookup of a channel by its webhook key (migration 0004)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(CHANNEL_LOOKUP_FUNCTION))
        _revoke_from_public(conn, CHANNEL_FUNCTION_SIGNATURES)


OUTBOX_FUNCTION = """
CREATE OR REPLACE FUNCTION auzap_outbox_due(p_min_age_seconds integer, p_limit integer)
RETURNS TABLE(tenant_id integer, message_id integer, conversation_id integer, direction text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT m.tenant_id, m.id, m.conversation_id, m.direction::text FROM public.messages m
  WHERE m.processing = 'pending' AND m.created_at < now() - make_interval(secs => p_min_age_seconds)
  ORDER BY m.id LIMIT p_limit
$$;
"""
OUTBOX_FUNCTION_SIGNATURES = ("auzap_outbox_due(integer,integer)",)

INBOUND_FUNCTION = """
CREATE OR REPLACE FUNCTION auzap_inbound_due(p_min_age_seconds integer, p_limit integer)
RETURNS TABLE(tenant_id integer, event_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT e.tenant_id, e.id FROM public.inbound_events e
  WHERE e.message_id IS NULL AND e.received_at < now() - make_interval(secs => p_min_age_seconds)
  ORDER BY e.id LIMIT p_limit
$$;
"""
INBOUND_FUNCTION_SIGNATURES = ("auzap_inbound_due(integer,integer)",)


def create_inbound_function(conn: Connection) -> None:
    """Create the SECURITY DEFINER listing of inbound events not yet handled, all tenants (migration 0014); ids only."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(INBOUND_FUNCTION))
        _revoke_from_public(conn, INBOUND_FUNCTION_SIGNATURES)


def create_outbox_function(conn: Connection) -> None:
    """Create the SECURITY DEFINER listing of stale outbox work across tenants (migration 0005).

    It returns ids only; each row is then handled inside its own tenant's session.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text(OUTBOX_FUNCTION))
        _revoke_from_public(conn, OUTBOX_FUNCTION_SIGNATURES)


REMINDERS_FUNCTION = """
CREATE OR REPLACE FUNCTION auzap_reminders_due(p_now timestamptz, p_limit integer)
RETURNS TABLE(tenant_id integer, reminder_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT r.tenant_id, r.id FROM public.appointment_reminders r
  WHERE r.status = 'planned' AND r.due_at <= p_now
  ORDER BY r.due_at, r.id LIMIT p_limit
$$;
"""
REMINDERS_FUNCTION_SIGNATURES = ("auzap_reminders_due(timestamp with time zone,integer)",)


def create_reminders_function(conn: Connection) -> None:
    """Create the SECURITY DEFINER listing of due reminders across tenants (migration 0010); ids only."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(REMINDERS_FUNCTION))
        _revoke_from_public(conn, REMINDERS_FUNCTION_SIGNATURES)


CAMPAIGNS_FUNCTION = """
CREATE OR REPLACE FUNCTION auzap_campaigns_due(p_now timestamptz)
RETURNS TABLE(tenant_id integer, campaign_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT c.tenant_id, c.id FROM public.campaigns c
  WHERE c.status = 'running' OR (c.status = 'scheduled' AND c.scheduled_at <= p_now)
  ORDER BY c.id
$$;
CREATE OR REPLACE FUNCTION auzap_tenant_ids()
RETURNS TABLE(tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT t.id FROM public.tenants t ORDER BY t.id
$$;
"""
CAMPAIGNS_FUNCTION_SIGNATURES = ("auzap_campaigns_due(timestamp with time zone)", "auzap_tenant_ids()")


def create_campaigns_function(conn: Connection) -> None:
    """Create the SECURITY DEFINER listings of campaigns with sending to do and of every shop (daily jobs), migration 0013; ids only."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(CAMPAIGNS_FUNCTION))
        _revoke_from_public(conn, CAMPAIGNS_FUNCTION_SIGNATURES)


# Migration 0016: the inbox's search inside messages. Under row-level security PostgreSQL may not
# use `lower(body) LIKE` as an index condition (neither lower() nor LIKE is leakproof), so it read
# every message of the shop (≈ 300 ms for a shop with 100k messages). This function runs the same
# search without the policy but pinned to the session's own shop (the setting the policy reads),
# so the trigram index serves it; it returns conversation ids only, which the caller then reads
# under the policy. EXECUTE plans it with the actual pattern: a common word and a rare one need
# different plans.
# Migration 0019: newest month first, stopping after the month in which `p_enough` conversations
# have been found (NULL: search everything). A word in every seventh message of a big shop no
# longer reads all of its months to list the first page (the inbox then says "pelo menos N").
MESSAGE_SEARCH_SQL = (
    "SELECT array_agg(DISTINCT m.conversation_id) FROM public.messages m"
    " WHERE m.tenant_id = $1 AND m.created_at >= $3 AND m.created_at < $4"
    " AND lower(m.body) LIKE $2 ESCAPE '!' AND m.direction <> 'note'"
)
MESSAGE_SEARCH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION auzap_message_search(p_pattern text, p_enough integer DEFAULT NULL)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE
  shop integer := {CURRENT_TENANT};
  oldest timestamptz;
  since timestamptz;
  upto timestamptz := 'infinity';
  found integer[] := '{{}}';
  batch integer[];
BEGIN
  IF shop IS NULL THEN RETURN; END IF;
  SELECT min(m.created_at) INTO oldest FROM public.messages m WHERE m.tenant_id = shop;
  IF oldest IS NULL THEN RETURN; END IF;
  since := CASE WHEN p_enough IS NULL THEN '-infinity'::timestamptz ELSE date_trunc('month', now()) END;
  LOOP
    EXECUTE '{MESSAGE_SEARCH_SQL.replace("'", "''")}' INTO batch USING shop, p_pattern, since, upto;
    found := found || coalesce(batch, '{{}}');
    EXIT WHEN since <= oldest OR (SELECT count(DISTINCT f) FROM unnest(found) f) >= p_enough;
    upto := since;
    since := since - interval '1 month';
  END LOOP;
  RETURN QUERY SELECT DISTINCT f FROM unnest(found) f;
END $fn$;
"""
MESSAGE_SEARCH_SIGNATURES = ("auzap_message_search(text,integer)",)


def create_message_search_function(conn: Connection) -> None:
    """Create the shop-pinned SECURITY DEFINER search inside messages (migrations 0016 and 0019)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(MESSAGE_SEARCH_FUNCTION))
        _revoke_from_public(conn, MESSAGE_SEARCH_SIGNATURES)


def enable_tenant_rls(conn: Connection, table: str, column: str = "tenant_id") -> None:
    """Enable and FORCE row-level security on `table`, keyed on `column`."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
    conn.execute(text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
    conn.execute(text(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"'))
    conn.execute(
        text(f'CREATE POLICY tenant_isolation ON "{table}" USING ({column} = {CURRENT_TENANT}) WITH CHECK ({column} = {CURRENT_TENANT})')
    )


def create_auth_functions(conn: Connection) -> None:
    """Create the SECURITY DEFINER lookups used before a tenant is known."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(AUTH_FUNCTIONS))
        _revoke_from_public(conn, AUTH_FUNCTION_SIGNATURES)


# SECURITY DEFINER functions for the migration owner only: `auzap_message_partitions` makes any
# range of months (the app role's daily job has `auzap_message_partitions_ahead()`).
OWNER_ONLY_FUNCTIONS = ("auzap_message_partitions(date, date)",)


def grant_app_role(conn: Connection, role: str, password: str | None = None) -> None:
    """Make sure the app role exists and may use (never own) every table.

    Creating the role needs CREATEROLE; when it already exists only grants are made.
    """
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        pw = (password or role).replace("'", "''")
        conn.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{pw}' NOSUPERUSER NOBYPASSRLS"))
    conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "{role}"'))  # the lookups are revoked from PUBLIC
    conn.execute(text(f'REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM "{role}"'))
    for signature in OWNER_ONLY_FUNCTIONS:  # granted above with all the others
        if conn.execute(text("SELECT to_regprocedure(:f)"), {"f": signature}).scalar():
            conn.execute(text(f'REVOKE EXECUTE ON FUNCTION {signature} FROM "{role}"'))
    # Every tenant's e-mails and IPs: only through the auzap_attempt_* functions.
    conn.execute(text(f'REVOKE ALL ON login_attempts FROM "{role}"'))
    conn.execute(text(f'REVOKE ALL ON SEQUENCE login_attempts_id_seq FROM "{role}"'))
