"""Builds the Reflex `app`: public pages, the templated console pages, and the backend routes."""

import asyncio
import logging
from datetime import UTC, datetime

import reflex as rx

from auzap_console.auth_routes import auth_app
from auzap_console.channels.webhooks import webhook_app
from auzap_console.i18n import t
from auzap_console.jobs import outbox
from auzap_console.jobs.schedules import LocalCron
from auzap_console.pages import (  # noqa: F401  (importing a page module registers it)
    agents,
    automations,
    calendar,
    campaigns,
    channels,
    customers,
    dashboard,
    inbox,
    inbox_setup,
    knowledge,
    playground,
    plugins,
    segments,
    services,
    settings,
    staff,
    team,
    usage,
)
from auzap_console.pages.login import LoginState, login_page
from auzap_console.pages.not_found import not_found_page
from auzap_console.pages.signup import signup_page
from auzap_console.plugin.manager import load_plugins
from auzap_console.settings import check_secret_key, get_settings
from auzap_console.template import register_pages


async def local_periodic_jobs() -> None:
    """Local mode has no RQ cron: the console runs the outbox sweep (lost work after a restart) and the plugin schedules."""
    if not get_settings().local_mode:
        return
    cron = LocalCron(datetime.now(UTC))
    while True:
        try:
            await asyncio.to_thread(outbox.sweep)
        except Exception:
            logging.getLogger("auzap.jobs").exception("outbox sweep failed")
        await asyncio.to_thread(cron.run_due, datetime.now(UTC))
        await asyncio.sleep(outbox.INTERVAL_SECONDS)


check_secret_key()
load_plugins()
app = rx.App(
    html_lang="pt-BR",
    stylesheets=["/console.css"],
    api_transformer=[webhook_app(), auth_app()],
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        rx.el.link(rel="icon", type="image/svg+xml", href="/favicon.svg"),
    ],
)
app.add_page(login_page, route="/login", title=f"{t('auth.login')} · {t('app.name')}", on_load=LoginState.on_load)
app.add_page(signup_page, route="/signup", title=f"{t('auth.signup')} · {t('app.name')}")
app.add_page(not_found_page, route="404", title=f"{t('notfound.title')} · {t('app.name')}")
register_pages(app)
app.register_lifespan_task(local_periodic_jobs)
