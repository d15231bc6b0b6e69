from datetime import date

from sqlmodel import select
from typer.testing import CliRunner

from auzap_console.cli import app
from auzap_console.db import tenant_session
from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from auzap_console.models import Appointment, Customer, Pet, Service
from auzap_console.services import auth
from tests.conftest import _activate, session_token

runner = CliRunner()


def _fingerprint(tenant_id):
    with tenant_session(tenant_id) as s:
        names = s.exec(select(Customer.name, Customer.phone).where(Customer.tenant_id == tenant_id).order_by(Customer.id)).all()
        pets = s.exec(select(Pet.name, Pet.breed).where(Pet.tenant_id == tenant_id).order_by(Pet.id)).all()
        appts = s.exec(
            select(Appointment.starts_at, Appointment.status).where(Appointment.tenant_id == tenant_id).order_by(Appointment.id)
        ).all()
        services = s.exec(select(Service.name).where(Service.tenant_id == tenant_id)).all()
    return names, pets, appts, services


def test_demo_is_realistic_deterministic_and_idempotent(tmp_path, sqlite_url):
    from auzap_console.migrate import upgrade_database

    prints = []
    for n in range(2):
        url = f"sqlite:///{tmp_path / f'demo{n}.db'}"
        _activate(url)
        upgrade_database(url)
        tenant_id = seed_demo(today=date(2026, 11, 18))
        assert seed_demo(today=date(2026, 11, 18)) == tenant_id
        prints.append(_fingerprint(tenant_id))
    _activate(sqlite_url)
    assert prints[0] == prints[1]
    names, pets, appts, services = prints[0]
    assert len(names) >= 190 and len(pets) > len(names)
    assert {
        "Banho P",
        "Banho M",
        "Banho G",
        "Tosa higiênica",
        "Tosa completa",
        "Hidratação",
        "Creche (diária)",
        "Hotel (pernoite)",
        "Adestramento (sessão)",
    } <= set(services)
    statuses = {status for _, status in appts}
    assert {"completed", "confirmed"} <= statuses
    assert all(phone.startswith("+55") and len(phone) == 14 for _, phone in names)


def test_demo_login_works(tmp_path, sqlite_url):
    from auzap_console.migrate import upgrade_database

    url = f"sqlite:///{tmp_path / 'demo-login.db'}"
    _activate(url)
    upgrade_database(url)
    seed_demo(customers=5)
    assert auth.resolve_session(session_token(DEMO_EMAIL, DEMO_PASSWORD)).role == "owner"
    _activate(sqlite_url)


def test_cli_tenant_create_user_add_and_plugins_list():
    result = runner.invoke(
        app,
        [
            "tenant",
            "create",
            "--name",
            "Loja do CLI",
            "--owner-name",
            "Clara",
            "--email",
            "clara@cli.example.com",
            "--password",
            "senha-cli-123",
            "--slug",
            "loja-do-cli",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "loja-do-cli" in result.output
    result = runner.invoke(
        app,
        [
            "user",
            "add",
            "--tenant",
            "loja-do-cli",
            "--name",
            "Davi",
            "--email",
            "davi@cli.example.com",
            "--role",
            "manager",
            "--password",
            "senha-cli-123",
        ],
    )
    assert result.exit_code == 0, result.output
    assert auth.resolve_session(session_token("davi@cli.example.com", "senha-cli-123")).role == "manager"
    reset = ["user", "reset-password", "--tenant", "loja-do-cli", "--email", "Davi@CLI.example.com", "--password", "nova-senha-cli-456"]
    result = runner.invoke(app, reset)
    assert result.exit_code == 0 and "redefinida" in result.output, result.output
    assert auth.resolve_session(session_token("davi@cli.example.com", "nova-senha-cli-456")).role == "manager"
    result = runner.invoke(app, [*reset[:5], "ninguem@cli.example.com", *reset[6:]])
    assert result.exit_code == 1 and "Nenhum usuário" in result.output
    result = runner.invoke(
        app, ["user", "add", "--tenant", "nao-existe", "--name", "X", "--email", "x@cli.example.com", "--password", "ração-do-rex-42"]
    )
    assert result.exit_code == 1 and "não encontrado" in result.output
    result = runner.invoke(app, ["plugins", "list"])
    assert result.exit_code == 0


def test_cli_refuses_bad_input():
    result = runner.invoke(
        app, ["tenant", "create", "--name", "L", "--owner-name", "Clara", "--email", "c@x.com", "--password", "ração-do-rex-42"]
    )
    assert result.exit_code == 1 and "nome do pet shop" in result.output
