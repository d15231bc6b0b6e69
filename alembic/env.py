"""Alembic environment: core metadata plus every installed plugin's tables."""

from __future__ import annotations

from logging.config import fileConfig

from sqlmodel import SQLModel

import auzap_console.models  # noqa: F401  (registers the core tables)
from alembic import context
from auzap_console.settings import get_settings

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata

# The plain `alembic` command sees plugin branches too: add every installed plugin's versions
# directory (what `auzap db upgrade` passes itself) before Alembic reads the revisions.
from auzap_console.migrate import version_locations  # noqa: E402

_script = context.script
_script.version_locations = list(dict.fromkeys([*(_script.version_locations or []), *version_locations()]))
_script.__dict__.pop("_version_locations", None)  # Alembic memoizes the resolved list


def _url() -> str:
    return config.attributes.get("url") or get_settings().admin_url


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through a real connection (as the table owner)."""
    from auzap_console.db import make_engine

    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    from auzap_console.migrate import include_in_comparison

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_in_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
