"""Apply Alembic migrations (core and every plugin branch) and set up the app role."""

from __future__ import annotations

import os

from alembic.config import Config
from sqlalchemy.engine import make_url

from alembic import command
from auzap_console.db import make_engine
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


def version_locations() -> list[str]:
    """The core versions directory plus every installed plugin's branch directory."""
    from auzap_console.plugin import manager

    return [str(PROJECT_ROOT / "alembic" / "versions"), *(m.directory for m in manager.migrations().values())]


def upgrade_database(url: str | None = None) -> None:
    """Run `alembic upgrade heads`; on PostgreSQL also grant the app role its rights."""
    settings = get_settings()
    url = url or settings.admin_url
    command.upgrade(alembic_config(url), "heads")
    if url.startswith("postgresql"):
        engine = make_engine(url)
        app_url = make_url(settings.database_url)
        role = app_url.username if app_url.username and app_url.username != make_url(url).username else None
        with engine.begin() as conn:
            grant_app_role(conn, role or settings.app_db_role, app_url.password)
        engine.dispose()
