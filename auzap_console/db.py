"""Engine, sessions and tenant scoping (with the RLS setting on PostgreSQL).

Every unit of tenant work runs in `tenant_session(tenant_id)`. On PostgreSQL each
transaction it begins sets `app.tenant_id` (transaction-local), which the forced
row-level-security policies read; the app role can see nothing without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from auzap_console import dispatch, live
from auzap_console.settings import PROJECT_ROOT, get_settings

TENANT_SETTING = "app.tenant_id"


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite made safe for threads and foreign keys."""
    if url.startswith("sqlite"):
        (PROJECT_ROOT / "data").mkdir(exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy issue BEGIN, so SAVEPOINTs work
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes, fsync at checkpoints
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # writers queue on busy_timeout instead of failing

        return engine
    settings = get_settings()  # at most pool_size + max_overflow connections per process: see README "Sizing"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # Plan every statement for its shop. psycopg prepares a statement after 5 runs, and PostgreSQL's
        # generic plan for `tenant_id = $1` is costed for an average shop: the largest one's inbox page
        # then sorted all its chats (23 ms instead of 1 ms). Planning costs a fraction of a millisecond.
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
    )


@lru_cache
def get_engine() -> Engine:
    """The app's engine (the non-owner role on PostgreSQL)."""
    return make_engine(get_settings().database_url)


def reset_engine() -> None:
    """Forget the cached engine (tests that switch databases)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


def _set_tenant_on_begin(session: Session, transaction, connection) -> None:
    tenant_id = session.info.get("tenant_id")
    if connection.dialect.name == "postgresql" and not transaction.nested:  # a savepoint keeps its transaction's setting
        connection.execute(
            text("SELECT set_config(:name, :value, true)"),
            {"name": TENANT_SETTING, "value": "" if tenant_id is None else str(tenant_id)},
        )


@contextmanager
def tenant_session(tenant_id: int | None) -> Iterator[Session]:
    """A session bound to one tenant; commits on success, rolls back on error.

    `tenant_id=None` is the anonymous scope (login, sign-up): on PostgreSQL the
    policies then hide every tenant row.
    """
    session = Session(get_engine(), expire_on_commit=False)
    session.info["tenant_id"] = tenant_id
    event.listen(session, "after_begin", _set_tenant_on_begin)
    event.listen(session, "after_flush", live.touched)
    try:
        yield session
        session.commit()
    except BaseException:
        session.info.pop("after_commit", None)
        session.info.pop("live", None)
        session.rollback()
        raise
    finally:
        session.close()
    dispatch.run(session)  # only reached after a successful commit
    live.publish(session.info.pop("live", set()))


def bind_tenant(session: Session, tenant_id: int) -> None:
    """Switch a session (and its open transaction) to `tenant_id`: used by sign-up."""
    session.info["tenant_id"] = tenant_id
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT set_config(:name, :value, true)"),
            {"name": TENANT_SETTING, "value": str(tenant_id)},
        )


def insert_ignore(session: Session, row) -> bool:
    """INSERT `row` … ON CONFLICT DO NOTHING; True when it was inserted.

    Concurrent creators of one row never collide: read the row back afterwards (on
    PostgreSQL a concurrent uncommitted insert of the same key makes this wait for it,
    so the re-read sees the winner's row). `row` is an unsaved model instance, so every
    Python-side default is applied.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    model = type(row)
    values = {k: v for k, v in row.model_dump().items() if not (k == "id" and v is None)}
    pk = model.__table__.primary_key.columns.values()[0]
    return session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(pk)).first() is not None
