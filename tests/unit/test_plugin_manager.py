"""Loading, blocking, tracing and per-tenant switching of plugins; a real third-party plugin
installed with pip; the fixtures plugin authors get."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.plugin import manager
from auzap_console.services import plugins as plugin_service
from auzap_console.services.context import Actor, PermissionDenied, ServiceError
from tests.utils.agent_helpers import PHONE, ScriptedModel, agent_shop


@pytest.fixture
def fresh_manager():
    manager.reset()
    yield
    manager.reset()


def test_first_party_personas_load_through_entry_points(fresh_manager):
    infos = {i.name: i for i in manager.plugin_infos()}
    ca = infos["customer_assistant"]
    assert (ca.distribution, ca.builtin) == ("auzap-persona-customer-assistant", False)
    assert {c.kind for c in ca.contributions} == {"persona", "tool"}
    assert infos["core"].builtin
    assert "customer_assistant" in manager.personas()


def test_block_list_removes_a_plugin_everywhere(fresh_manager, monkeypatch):
    monkeypatch.setenv("AUZAP_DISABLED_PLUGINS", "customer_assistant, outro")
    manager.reset()
    assert "customer_assistant" not in manager.personas()
    assert "book_appointment" not in manager.tools()
    assert "customer_assistant" not in {i.name for i in manager.plugin_infos()}


def test_trace_logs_hook_calls(fresh_manager, monkeypatch, caplog):
    monkeypatch.setenv("AUZAP_TRACE_PLUGINS", "1")
    manager.reset()
    with caplog.at_level(logging.INFO, logger="auzap.plugins"):
        manager.personas()
    assert any("register_personas" in r.getMessage() and "customer_assistant" in r.getMessage() for r in caplog.records)


def test_unknown_hook_is_refused(fresh_manager):
    class Typo:
        from auzap_console.plugin import hookimpl

        @hookimpl
        def register_persona(register):  # missing "s"
            pass

    with pytest.raises(Exception, match="unknown hook"):
        manager.register_plugin(Typo, name="typo")


def test_tenant_can_switch_a_plugin_off_for_itself():
    a, b = agent_shop("Loja A"), agent_shop("Loja B")
    with tenant_session(a.tenant_id) as s:
        assert plugin_service.set_enabled(s, actor=a.actor, plugin="customer_assistant", enabled=False) == ["customer_assistant"]
    assert chat(tenant_id=a.tenant_id, phone=PHONE, text="oi").skipped == "persona disabled"
    assert chat(tenant_id=b.tenant_id, phone=PHONE, text="oi").reply  # tenant B is untouched
    with tenant_session(a.tenant_id) as s:
        plugin_service.set_enabled(s, actor=a.actor, plugin="customer_assistant", enabled=True)
    assert chat(tenant_id=a.tenant_id, phone=PHONE, text="bom dia").reply


def test_plugin_switches_are_owner_only_and_validated():
    shop = agent_shop()
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        plugin_service.set_enabled(s, actor=Actor(tenant_id=shop.tenant_id, role="manager"), plugin="customer_assistant", enabled=False)
    with pytest.raises(ServiceError, match="não está instalado"), tenant_session(shop.tenant_id) as s:
        plugin_service.set_enabled(s, actor=shop.actor, plugin="nao_existe", enabled=False)
    with pytest.raises(ServiceError, match="principal"), tenant_session(shop.tenant_id) as s:
        plugin_service.set_enabled(s, actor=shop.actor, plugin="core", enabled=False)
    with pytest.raises(ServiceError, match="não tem configurações"), tenant_session(shop.tenant_id) as s:
        plugin_service.save_plugin_settings(s, actor=shop.actor, plugin="customer_assistant", values={"saudacao": "Oi!"})


PLUGIN_FILES = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "auzap-example-vaccines"
        version = "1.2.3"

        [project.entry-points.auzap]
        example_vaccines = "auzap_example_vaccines"

        [tool.setuptools]
        packages = ["auzap_example_vaccines"]

        [tool.setuptools.package-data]
        auzap_example_vaccines = ["versions/*.py"]
    """,
    "auzap_example_vaccines/__init__.py": '''
        """A third-party plugin: a vaccine persona, one tool, one table with its own migration branch."""
        from pathlib import Path

        from sqlmodel import Field, SQLModel

        from auzap_console.plugin import hookimpl
        from auzap_console.plugin.types import Persona


        class VaccineRecord(SQLModel, table=True):
            __tablename__ = "example_vaccine_records"
            id: int | None = Field(default=None, primary_key=True)
            tenant_id: int = Field(foreign_key="tenants.id", index=True)
            name: str = ""


        def next_vaccine(ctx, pet: str) -> dict:
            """Diz quando é a próxima vacina do pet.

            Args:
                pet: Nome do pet.
            """
            return {"summary": f"A próxima vacina do {pet} é a V10 em março."}


        @hookimpl
        def register_personas(register):
            register(Persona(name="vaccine_nurse", title="Enfermeira de vacinas", instructions="Fale de vacinas."))


        @hookimpl
        def register_tools(register):
            register(next_vaccine, personas=["vaccine_nurse", "customer_assistant"])


        @hookimpl
        def register_migrations(register):
            register(branch="example_vaccines", directory=str(Path(__file__).parent / "versions"))
    ''',
    "auzap_example_vaccines/versions/ev0001_records.py": '''
        """vaccine records"""
        import sqlalchemy as sa
        from alembic import op

        from auzap_console.rls import enable_tenant_rls

        revision = "ev0001"
        down_revision = None
        branch_labels = ("example_vaccines",)
        depends_on = "0001_core"


        def upgrade():
            op.create_table(
                "example_vaccine_records",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, index=True),
                sa.Column("name", sa.String(), nullable=False),
            )
            enable_tenant_rls(op.get_bind(), "example_vaccine_records")


        def downgrade():
            op.drop_table("example_vaccine_records")
    ''',
}


@pytest.fixture(scope="module")
def third_party_plugin(tmp_path_factory):
    root = tmp_path_factory.mktemp("auzap-example-vaccines")
    for name, text in PLUGIN_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", str(root)], check=True, timeout=300)
    manager.reset()
    yield root
    subprocess.run([*pip, "uninstall", "-y", "auzap-example-vaccines"], check=True, timeout=120)
    sys.modules.pop("auzap_example_vaccines", None)
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables.get("example_vaccine_records")
    if table is not None:
        SQLModel.metadata.remove(table)  # the uninstalled plugin's model must not leak into later schema checks
    manager.reset()


def test_pip_installed_plugin_appears_with_its_persona_tool_and_table(third_party_plugin, auzap_db, auzap_chat):
    info = {i.name: i for i in manager.plugin_infos()}["example_vaccines"]
    assert (info.distribution, info.version) == ("auzap-example-vaccines", "1.2.3")
    assert "vaccine_nurse" in manager.personas()
    assert manager.tools()["next_vaccine"].personas == ("vaccine_nurse", "customer_assistant")
    from auzap_console.db import get_engine

    assert "example_vaccine_records" in sa_inspect(get_engine()).get_table_names()
    result = auzap_chat("quando é a vacina do Thor?", client=ScriptedModel(("next_vaccine", {"pet": "Thor"}), "V10 em março"))
    assert result.tool_calls[0]["result"]["summary"] == "A próxima vacina do Thor é a V10 em março."


def test_author_fixtures_give_a_working_shop(auzap_tenant, auzap_customer, auzap_chat, auzap_conversation):
    assert auzap_conversation > 0
    reply = auzap_chat("quanto custa o banho?")
    assert "Banho P: R$ 50,00" in reply.reply


def _alembic(*args: str) -> subprocess.CompletedProcess:
    """The plain `alembic` command, as an operator would type it in the project directory."""
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "alembic", *args], cwd=root, capture_output=True, text=True, timeout=120)


def test_plugin_tables_come_and_go_with_the_plugin(third_party_plugin, auzap_db, monkeypatch):
    from typer.testing import CliRunner

    from auzap_console.cli import app as cli
    from auzap_console.db import get_engine
    from auzap_console.migrate import MigrationError, upgrade_database

    def tables() -> set[str]:
        return set(sa_inspect(get_engine()).get_table_names())

    assert "ev0001" in _alembic("current").stdout  # plain alembic sees the plugin's branch (alembic/env.py)
    removed = CliRunner().invoke(cli, ["plugins", "remove", "example_vaccines"])
    assert removed.exit_code == 0, removed.output
    assert "pip uninstall auzap-example-vaccines" in removed.output and "example_vaccine_records" not in tables()
    upgraded = _alembic("upgrade", "heads")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "example_vaccine_records" in tables()

    monkeypatch.setenv("AUZAP_DISABLED_PLUGINS", "example_vaccines")  # blocked: its branch is left alone, no error
    manager.reset()
    assert upgrade_database(auzap_db) == ["example_vaccines"]
    monkeypatch.delenv("AUZAP_DISABLED_PLUGINS")
    manager.reset()

    with get_engine().begin() as conn:  # as if a plugin with tables had been uninstalled without `plugins remove`
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES ('zz_gone01')")
    with pytest.raises(MigrationError, match="auzap plugins remove"):
        upgrade_database(auzap_db)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1 and "zz_gone01" in result.output and "Traceback" not in result.output
