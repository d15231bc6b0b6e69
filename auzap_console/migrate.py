"""Apply Alembic migrations (core and every plugin branch) and set up the app role."""

from __future__ import annotations

import os
import re

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from alembic import command
from auzap_console.db import make_engine
from auzap_console.partitions import REFERENCING
from auzap_console.rls import grant_app_role
from auzap_console.settings import PROJECT_ROOT, get_settings


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, pointed at `url` (default: the owner URL)."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["url"] = url or get_settings().admin_url
    cfg.attributes["skip_logging"] = True
    cfg.set_main_option("version_locations", os.pathsep.join(version_locations()))
    return cfg


POSTGRES_ONLY_INDEX_PREFIXES = ("ix_trgm_", "ix_pg_")  # search and lookup indexes created by migrations on PostgreSQL only
MESSAGE_KEY = {"channel_id", "provider_message_id"}
PARTITIONING_TABLES = re.compile(r"messages_(\d{4}_\d{2}|default)|message_keys")  # `auzap_console.partitions`


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate's filter: what PostgreSQL has and the models do not is not a difference.

    That is the PostgreSQL-only indexes, and what partitioning `messages` moves (its partitions, the
    `message_keys` table holding its unique key, the foreign keys that pointed at it).
    """
    if type_ == "index" and reflected and (name or "").startswith(POSTGRES_ONLY_INDEX_PREFIXES):
        return False
    if type_ == "table" and reflected and compare_to is None and PARTITIONING_TABLES.fullmatch(name or ""):
        return False
    if type_ == "unique_constraint" and not reflected and obj.table.name == "messages" and set(obj.columns.keys()) == MESSAGE_KEY:
        return compare_to is not None  # on PostgreSQL `message_keys` holds it
    if type_ == "foreign_key_constraint" and not reflected and obj.referred_table.name == "messages" and obj.table.name in REFERENCING:
        return compare_to is not None  # a partitioned table cannot be referred to by id alone; a trigger keeps them
    return True


class MigrationError(Exception):
    """The database cannot be migrated as asked; `str(exc)` says why and what to do (pt-BR)."""


def version_locations() -> list[str]:
    """The core versions directory plus every installed plugin's branch directory (blocked plugins' too)."""
    from auzap_console.plugin import manager

    branches = {**manager.blocked_migrations(), **manager.migrations()}
    return [str(PROJECT_ROOT / "alembic" / "versions"), *(m.directory for m in branches.values())]


def _applied(cfg: Config, url: str) -> tuple[ScriptDirectory, list[str]]:
    script = ScriptDirectory.from_config(cfg)
    engine = make_engine(url)
    with engine.connect() as conn:
        current = list(MigrationContext.configure(conn).get_current_heads())
    engine.dispose()
    return script, current


def _check_known(script: ScriptDirectory, current: list[str]) -> None:
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise MigrationError(
            f"O banco tem migrações que nenhum plugin instalado conhece ({', '.join(unknown)}). "
            "Um plugin com tabelas foi desinstalado sem antes remover as tabelas dele: reinstale-o e rode "
            "`auzap plugins remove NOME` (que desfaz as migrações), depois `pip uninstall` o pacote."
        )


def upgrade_database(url: str | None = None) -> list[str]:
    """Apply every migration (`alembic upgrade heads`), skipping blocked plugins' branches; on PostgreSQL also grant the app role.

    Returns the branches left as they are (blocked plugins), so the caller can say so.
    """
    from auzap_console.plugin import manager

    settings = get_settings()
    url = url or settings.admin_url
    cfg = alembic_config(url)
    script, current = _applied(cfg, url)
    _check_known(script, current)
    blocked = manager.blocked_migrations()
    skipped_labels = set(blocked)
    heads = [rev for rev in script.get_revisions("heads") if not (set(rev.branch_labels) & skipped_labels)]
    if len(heads) == len(script.get_heads()):
        command.upgrade(cfg, "heads")
    else:
        for head in heads:
            command.upgrade(cfg, head.revision)
    if url.startswith("postgresql"):
        engine = make_engine(url)
        app_url = make_url(settings.database_url)
        role = app_url.username if app_url.username and app_url.username != make_url(url).username else None
        with engine.begin() as conn:
            grant_app_role(conn, role or settings.app_db_role, app_url.password)
        engine.dispose()
    return sorted(blocked)


def downgrade_database(target: str, url: str | None = None) -> None:
    """Undo migrations down to `target`, e.g. "vaccines@base" (a plugin's branch, before uninstalling it)."""
    url = url or get_settings().admin_url
    cfg = alembic_config(url)
    script, current = _applied(cfg, url)
    _check_known(script, current)
    try:
        command.downgrade(cfg, target)
    except CommandError as exc:
        raise MigrationError(f"Não foi possível desfazer até {target!r}: {exc}") from exc
