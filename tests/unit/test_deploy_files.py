"""The Procfile and docker-compose.yml name commands that exist, with options that exist, and
honcho really runs the Procfile's back-end processes against PostgreSQL and Redis."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from auzap_console.cli import app
from tests.utils.processes import stop_group

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def _auzap_args(command: list[str]) -> list[str] | None:
    """The arguments after `auzap` in a command line, or None when it runs something else."""
    for i, word in enumerate(command):
        if word.endswith("auzap"):
            return command[i + 1 :]
    return None


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_auzap_command_and_option_in_procfile_and_compose_exists():
    commands = [shlex.split(c) for c in _procfile().values()]
    commands += [s["command"] for s in _compose()["services"].values() if isinstance(s.get("command"), list)]
    auzap = [args for args in map(_auzap_args, commands) if args is not None]
    assert {args[0] for args in auzap} >= {"worker", "cron", "db"}
    for args in auzap:
        result = CliRunner().invoke(app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)


def test_compose_runs_every_kind_of_process_on_one_database_and_redis():
    services = _compose()["services"]
    assert {"db", "redis", "migrate", "web", "webhooks", "worker", "cron", "nginx"} <= set(services)
    for name in ("migrate", "web", "webhooks", "worker", "cron"):
        env = services[name]["environment"]
        assert env["REDIS_URL"] == "redis://redis:6379/0" and env["DATABASE_URL"].startswith("postgresql+psycopg://auzap_app")
    assert services["web"]["environment"]["BACKEND_PORT"] == services["web"]["environment"]["FRONTEND_PORT"]
    assert "auzap_console.channels.asgi:app" in services["webhooks"]["command"]
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    assert "http://web:3000" in nginx and "http://webhooks:8000" in nginx and "Upgrade" in nginx


@pytest.mark.redis
def test_honcho_starts_the_procfile_webhooks_worker_and_cron(tmp_path, pg_urls):
    app_url, admin_url = pg_urls
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "DATABASE_ADMIN_URL": admin_url,
        "REDIS_URL": "redis://127.0.0.1:6379/8",
        "SECRET_KEY": "procfile-test-" + "k" * 40,
    }
    log = (tmp_path / "honcho.log").open("w")
    honcho = subprocess.Popen(
        [str(ROOT / ".venv/bin/honcho"), "-f", "Procfile", "start", "-p", "5710", "webhooks", "worker", "cron"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, healthy = time.monotonic() + 60, False
        while time.monotonic() < deadline and not healthy:
            for port in (5710, 5810, 5910):
                with contextlib.suppress(httpx.HTTPError):
                    healthy = healthy or httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            time.sleep(0.5)
        assert healthy, (tmp_path / "honcho.log").read_text()[-3000:]
        swept = "Successfully completed auzap_console.jobs.outbox.sweep()"  # the cron enqueued it, a worker ran it
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and swept not in (tmp_path / "honcho.log").read_text():
            time.sleep(0.5)
        assert swept in (tmp_path / "honcho.log").read_text(), (tmp_path / "honcho.log").read_text()[-3000:]
    finally:
        stop_group(honcho, 30)
        log.close()
    text = (tmp_path / "honcho.log").read_text()
    assert "Traceback" not in text, text[max(0, text.find("Traceback") - 500) :][:4000]
