"""`auzap` command line: database, demo data, tenants, users, plugins."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from auzap_console.db import tenant_session

app = typer.Typer(help="AuZap Console administration.", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants (pet shops).", no_args_is_help=True)
user_app = typer.Typer(help="Users of a tenant.", no_args_is_help=True)
plugins_app = typer.Typer(help="Installed plugins.", no_args_is_help=True)
secrets_app = typer.Typer(help="Secrets at rest (SECRET_KEY).", no_args_is_help=True)
for sub, name in (
    (db_app, "db"),
    (demo_app, "demo"),
    (tenant_app, "tenant"),
    (user_app, "user"),
    (plugins_app, "plugins"),
    (secrets_app, "secrets"),
):
    app.add_typer(sub, name=name)


@app.callback()
def _logging() -> None:
    """Warnings and errors on stderr; with AUZAP_TRACE_PLUGINS=1 also every plugin hook call."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if os.environ.get("AUZAP_TRACE_PLUGINS") == "1":
        logging.getLogger("auzap.plugins").setLevel(logging.INFO)


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (core and plugins) and grant the app role on PostgreSQL."""
    from auzap_console.migrate import MigrationError, upgrade_database

    try:
        skipped = upgrade_database()
    except MigrationError as exc:
        _fail(str(exc))
    for branch in skipped:
        typer.secho(f"Plugin bloqueado (AUZAP_DISABLED_PLUGINS): o ramo de migrações {branch!r} ficou como está.", fg=typer.colors.YELLOW)
    typer.echo("Banco de dados atualizado.")


@db_app.command("downgrade")
def db_downgrade(target: str = typer.Argument(..., help='Where to go back to, e.g. "vaccines@base" or a revision id.')) -> None:
    """Undo migrations (e.g. a plugin's branch, `BRANCH@base`, before uninstalling it)."""
    from auzap_console.migrate import MigrationError, downgrade_database

    try:
        downgrade_database(target)
    except MigrationError as exc:
        _fail(str(exc))
    typer.echo(f"Migrações desfeitas até {target}.")


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt every stored secret with SECRET_KEY (old keys listed in SECRET_KEYS_PREVIOUS)."""
    from auzap_console.services.secrets import rotate_all

    try:
        tenants, count = rotate_all()
    except ValueError as exc:
        _fail(f"Não foi possível decifrar um segredo ({exc}): inclua a chave antiga em SECRET_KEYS_PREVIOUS.")
    typer.echo(f"{count} segredos re-cifrados com a SECRET_KEY atual ({tenants} pet shops).")


@demo_app.command("seed")
def demo_seed(
    seed: int = typer.Option(42, help="Random seed: same seed, same shop."), customers: int = typer.Option(200, help="How many customers.")
) -> None:
    """Create the demo pet shop (no-op when it exists)."""
    from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_summary, seed_demo

    tenant_id = seed_demo(seed=seed, customers=customers)
    counts = demo_summary()
    typer.echo(
        f"Demo tenant #{tenant_id}: {counts.get('customers', 0)} clientes, {counts.get('pets', 0)} pets, "
        f"{counts.get('appointments', 0)} agendamentos. Login: {DEMO_EMAIL} / {DEMO_PASSWORD}"
    )


@tenant_app.command("create")
def tenant_create(
    name: str = typer.Option(..., help="Shop name."),
    owner_name: str = typer.Option(..., help="Owner's name."),
    email: str = typer.Option(..., help="Owner's e-mail."),
    password: str = typer.Option(..., prompt=True, hide_input=True, help="Owner's password."),
    slug: str = typer.Option("", help="URL-safe id (default: from the name)."),
) -> None:
    """Create a tenant and its owner."""
    from auzap_console.services import auth
    from auzap_console.services.context import ServiceError

    try:
        with tenant_session(None) as session:
            tenant, user = auth.signup(session, shop_name=name, owner_name=owner_name, email=email, password=password, slug=slug)
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"Tenant #{tenant.id} ({tenant.slug}) criado; dono: {user.email}")


@user_app.command("add")
def user_add(
    tenant: str = typer.Option(..., help="Tenant slug."),
    name: str = typer.Option(...),
    email: str = typer.Option(...),
    role: str = typer.Option("staff", help="owner, manager or staff."),
    password: str = typer.Option(..., prompt=True, hide_input=True),
) -> None:
    """Add a user to a tenant."""
    from auzap_console.services import team
    from auzap_console.services.context import Actor, ServiceError
    from auzap_console.services.tenants import tenant_id_for_slug

    try:
        tenant_id = tenant_id_for_slug(tenant)
        with tenant_session(tenant_id) as session:
            user = team.add_user(
                session, actor=Actor(tenant_id=tenant_id, role="owner"), name=name, email=email, role=role, password=password
            )
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"Usuário {user.email} ({user.role}) adicionado.")


@user_app.command("reset-password")
def user_reset_password(
    tenant: str = typer.Option(..., help="Tenant slug."),
    email: str = typer.Option(..., help="The user's e-mail (an owner who forgot their password, too)."),
    password: str = typer.Option(..., prompt="Nova senha", hide_input=True, confirmation_prompt=True),
) -> None:
    """Set a new password for a user of a tenant (their open sessions end)."""
    from sqlmodel import select

    from auzap_console.models import User
    from auzap_console.services import team
    from auzap_console.services.auth import normalize_email
    from auzap_console.services.context import Actor, ServiceError
    from auzap_console.services.tenants import tenant_id_for_slug

    try:
        tenant_id = tenant_id_for_slug(tenant)
        with tenant_session(tenant_id) as session:
            found = session.exec(select(User).where(User.tenant_id == tenant_id, User.email == normalize_email(email))).first()
            if found is None:
                _fail(f"Nenhum usuário {email} em {tenant}.")
            team.reset_password(session, actor=Actor(tenant_id=tenant_id, role="owner"), user_id=found.id, new_password=password)
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"Senha de {normalize_email(email)} redefinida; as sessões abertas foram encerradas.")


channel_app = typer.Typer(help="WhatsApp channels.", no_args_is_help=True)
app.add_typer(channel_app, name="channel")


@channel_app.command("add")
def channel_add(
    tenant: str = typer.Option(..., help="Tenant slug."),
    name: str = typer.Option(..., help="Channel name."),
    provider: str = typer.Option("waha", help="waha, simulator…"),
    base_url: str = typer.Option("", help="Provider server URL."),
    api_key: str = typer.Option("", help="Provider API key."),
    session: str = typer.Option("", help="Session/instance."),
) -> None:
    """Add a channel and print the webhook URL and secret to configure at the provider."""
    from auzap_console.services.channels import create_channel, webhook_url
    from auzap_console.services.context import Actor, ServiceError
    from auzap_console.services.tenants import tenant_id_for_slug

    try:
        tenant_id = tenant_id_for_slug(tenant)
        with tenant_session(tenant_id) as db:
            new = create_channel(
                db,
                actor=Actor(tenant_id=tenant_id, role="owner"),
                name=name,
                provider=provider,
                base_url=base_url,
                external_id=session,
                credentials={"api_key": api_key} if api_key else {},
            )
            url, secret = webhook_url(new.channel), new.channel.webhook_secret
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"Canal criado.\nWebhook: {url}\nSegredo (HMAC): {secret}")


@app.command("worker")
def worker_command(
    processes: int = typer.Option(1, help="How many worker processes."),
    threads: int = typer.Option(1, help="RQ workers per process, in threads (turns waiting on the model); 1 forks a work horse per job."),
    burst: bool = typer.Option(False, help="Quit when the queues are empty."),
    cron: bool = typer.Option(True, help="Also run the periodic jobs (--no-cron when `auzap cron` runs once elsewhere)."),
) -> None:
    """Run RQ workers (send, high, default, low queues). Needs REDIS_URL."""
    _need_redis()
    from auzap_console.jobs.worker import run_workers

    run_workers(processes, threads=threads, burst=burst, cron=cron)


@app.command("cron")
def cron_command() -> None:
    """Enqueue the periodic jobs (outbox sweep, plugin schedules) with RQ's cron: run exactly one. Needs REDIS_URL."""
    _need_redis()
    from auzap_console.jobs.worker import run_cron

    run_cron()


def _need_redis() -> None:
    from auzap_console.settings import get_settings

    if not get_settings().redis_url:
        _fail("REDIS_URL não configurado: no modo local os jobs rodam dentro do console.")


@app.command("chat")
def chat_command(
    message: str = typer.Argument(..., help="What the customer writes."),
    tenant: str = typer.Option(..., help="Tenant slug."),
    phone: str = typer.Option(..., help="Customer phone."),
    name: str = typer.Option("", help="Contact name when the phone is new."),
    show_tools: bool = typer.Option(False, "--tools", help="Also print the tool calls."),
) -> None:
    """Run one agent turn as if `phone` sent `message` on WhatsApp, and print the reply."""
    from auzap_console.agents.chat import chat
    from auzap_console.phones import InvalidPhone
    from auzap_console.services.context import ServiceError
    from auzap_console.services.tenants import tenant_id_for_slug

    try:
        result = chat(tenant_id=tenant_id_for_slug(tenant), phone=phone, text=message, name=name)
    except ServiceError as exc:
        _fail(str(exc))
    except InvalidPhone:
        _fail("Telefone inválido.")
    from auzap_console.plugin import manager

    persona = manager.personas().get(result.persona)
    typer.secho(f"[{persona.title if persona else result.persona}]", fg=typer.colors.GREEN, err=True)  # who answered
    if show_tools:
        for call in result.tool_calls:
            typer.secho(f"[{call['tool']}] {call['arguments']}", fg=typer.colors.BLUE)
    typer.echo(result.reply or f"(sem resposta: {result.skipped})")


@app.command("eval")
def eval_command(
    persona: str = typer.Option("", help="Only the cases of this persona's audience."),
    category: str = typer.Option("", help="Only categories starting with this (e.g. gap3, injection)."),
    model: str = typer.Option("", help="Model name on an OpenAI-compatible endpoint (default: the offline engine)."),
    base_url: str = typer.Option("", help="OpenAI-compatible base URL (e.g. http://localhost:11434/v1)."),
    api_key: str = typer.Option("", envvar="OPENAI_API_KEY", help="API key for that endpoint."),
    cases: Path = typer.Option(Path("tests/eval"), help="Folder of *.txt dialogue files."),
) -> None:
    """Run the agent evaluation set and print the pass rate per category and the failures."""
    from auzap_console import evaluation

    if not cases.is_dir():
        _fail(f"Pasta de casos não encontrada: {cases}")
    try:
        outcomes = evaluation.evaluate(cases, persona=persona, category=category, model=model, base_url=base_url, api_key=api_key)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(evaluation.report(outcomes))
    if not outcomes:
        _fail("Nenhum caso selecionado.")


@plugins_app.command("list")
def plugins_list() -> None:
    """List installed plugins and what they contribute."""
    from auzap_console.plugin import manager

    infos = manager.plugin_infos()
    if not infos:
        typer.echo("Nenhum plugin instalado.")
    for info in infos:
        kinds: dict[str, int] = {}
        for c in info.contributions:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nada"
        typer.echo(f"{info.name}\t{info.distribution} {info.version}{' (embutido)' if info.builtin else ''}\t{summary}")


@plugins_app.command("new")
def plugins_new(
    name: str = typer.Argument(..., help="The plugin's name: lowercase letters, digits and _ (e.g. dicas_de_cuidado)."),
    kind: str = typer.Option(
        "persona", help="persona (a persona and its tool) or vertical (also a table, a writing tool and a dashboard card)."
    ),
    directory: Path = typer.Option(Path("."), "--dir", help="Where to create the package folder."),
    title: str = typer.Option("", help="The persona's name shown in the console."),
) -> None:
    """Write a working plugin package (with a passing test) to start from."""
    from auzap_console.plugin import skeleton

    try:
        root = skeleton.create(name, kind=kind, directory=directory, title=title)
    except (ValueError, FileExistsError) as exc:
        _fail(str(exc))
    typer.echo(f"Plugin criado em {root}")
    typer.echo(f"  cd {root} && pip install -e . && pytest")


@plugins_app.command("remove")
def plugins_remove(name: str = typer.Argument(..., help="The plugin's name, as `auzap plugins list` shows it.")) -> None:
    """Drop a plugin's tables (its migration branches back to base); then `pip uninstall` its package."""
    from auzap_console.migrate import MigrationError, downgrade_database
    from auzap_console.plugin import manager

    info = {i.name: i for i in manager.plugin_infos()}.get(name)
    if info is None:
        _fail(f"Plugin {name!r} não está instalado (veja `auzap plugins list`).")
    if info.builtin:
        _fail(f"{name!r} faz parte do console e não pode ser removido.")
    branches = sorted(manager.contributed_by(name, "migration"))
    try:
        for branch in branches:
            downgrade_database(f"{branch}@base")
            typer.echo(f"Tabelas do ramo {branch!r} removidas.")
    except MigrationError as exc:
        _fail(str(exc))
    typer.echo(f"Agora desinstale o pacote: pip uninstall {info.distribution}")


if __name__ == "__main__":
    app()
