"""Browser tests: the real console (`reflex run`) on its own ports and SQLite file, driven
by headless Chromium through Playwright. The run fails if the app logs an error."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import _activate
from tests.utils.processes import stop_group, wait_http

ROOT = Path(__file__).resolve().parents[2]
FRONTEND_PORT = BACKEND_PORT = int(os.environ.get("E2E_PORT", "3111"))  # prod mode serves both on one port
BASE = f"http://localhost:{FRONTEND_PORT}"
SCREENSHOTS = ROOT / "screenshots"
pytestmark = pytest.mark.e2e
expect.set_options(timeout=30_000)


def _wait_http(url: str, seconds: float, proc: subprocess.Popen | None = None, log_path: Path | None = None) -> None:
    wait_http(url, seconds, proc, log_path)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """Serve the console with the README's own run command (`scripts/run.sh`: setup, migrations,
    demo seed, production build on one port) on a fresh database; yields its URL."""
    db_file = tmp_path_factory.mktemp("e2e") / "e2e.db"
    url = f"sqlite:///{db_file}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_ADMIN_URL": "",
        "PORT": str(FRONTEND_PORT),
        "REDIS_URL": "",
        "LOGIN_MAX_FAILURES": "50",
    }
    for name in ("FRONTEND_PORT", "BACKEND_PORT", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    _activate(url)
    log_path = tmp_path_factory.mktemp("e2e-log") / "reflex.log"
    log = open(log_path, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts/run.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_http(f"http://localhost:{BACKEND_PORT}/ping", 280, proc, log_path)
        _wait_http(f"{BASE}/login", 60, proc, log_path)
        yield {"url": BASE, "db_url": url, "log": log_path}
    finally:
        stop_group(proc)
        log.close()
    text = log_path.read_text(errors="replace")
    bad = [line for line in text.splitlines() if "Traceback" in line or " ERROR " in line or line.startswith("ERROR")]
    assert not bad, "the app logged errors:\n" + text[-4000:]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(app_server, browser):
    _activate(app_server["db_url"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def shot(pg, name: str) -> None:
    """Save a screenshot under screenshots/ to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def goto(pg, path: str) -> None:
    """Open a page and wait until it is connected to the backend."""
    pg.goto(f"{BASE}{path}")
    pg.wait_for_selector("#hydrated", state="attached")


def login(pg, email: str, password: str) -> None:
    goto(pg, "/login")
    pg.fill("#email", email)
    pg.fill("#password", password)
    pg.click("#login-submit")
    pg.wait_for_selector("#kpi-today")
