"""Two console backends behind one address share sessions through Redis: a logged-in browser
keeps working while its event connections alternate between them.

Backend A is the production build on one port (`reflex run --env prod`, its own web build
directory so the suite's other console is untouched); backend B is a second process of the same
ASGI app, served by granian as `reflex run` does. Both use one PostgreSQL database and one Redis (Reflex's Redis state
manager, because `REDIS_URL` is set). In front, a small TCP balancer stands in for nginx: page and
asset requests go to A, and each new event connection (`/_event`, the websocket) goes to the next
backend in turn. The browser logs in, then reloads and navigates several times: each time a new
event connection, on the other backend, must find the same logged-in session.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.utils.processes import stop_group, wait_http

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/6"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Balancer:
    """Round-robin for websocket (`/_event`) connections, everything else to the first backend."""

    def __init__(self, port: int, pages: int, events: list[int]):
        self.port, self.pages, self.cycle = port, pages, itertools.cycle(events)
        self.event_connections: dict[int, int] = dict.fromkeys(events, 0)
        self.tasks: set[asyncio.Task] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer) -> None:
        self.tasks.add(asyncio.current_task())
        head = await reader.readuntil(b"\r\n")
        path = head.split(b" ")[1] if b" " in head else b"/"
        upstream = next(self.cycle) if path.startswith(b"/_event") else self.pages
        if path.startswith(b"/_event"):
            self.event_connections[upstream] += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        up_writer.write(head)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    def __enter__(self):
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._client, "127.0.0.1", self.port), self.loop).result()
        return self

    async def _shutdown(self) -> None:
        self.server.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT)


@pytest.mark.redis
def test_a_session_survives_event_connections_alternating_between_two_backends(pg_urls, browser, tmp_path):
    from redis import Redis

    app_url, admin_url = pg_urls
    Redis.from_url(REDIS_URL).flushdb()
    port_a, port_b, port_lb = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "DATABASE_ADMIN_URL": admin_url,
        "REDIS_URL": REDIS_URL,
        "API_URL": f"http://localhost:{port_lb}",  # the browser's event connection goes to the balancer
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_WEB_WORKDIR": str(tmp_path / "web"),  # a build of its own (the suite's console keeps .web)
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    subprocess.run([str(ROOT / ".venv/bin/auzap"), "demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    if (ROOT / ".web/node_modules").is_dir():  # spare the build a fresh package install
        (tmp_path / "web").mkdir()
        shutil.copytree(ROOT / ".web/node_modules", tmp_path / "web/node_modules", symlinks=True)
    reflex = [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod"]
    backend_a = _start(reflex, {**env, "FRONTEND_PORT": str(port_a), "BACKEND_PORT": str(port_a)}, tmp_path / "a.log")
    backend_b = None
    try:
        wait_http(f"http://localhost:{port_a}/ping", 400, backend_a, tmp_path / "a.log")
        wait_http(f"http://localhost:{port_a}/login", 60, backend_a, tmp_path / "a.log")
        granian = [str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--factory", "--port", str(port_b), "--log-level", "warning"]
        backend_b = _start([*granian, "auzap_console.auzap_console:app"], {**env, "REFLEX_ENV_MODE": "prod"}, tmp_path / "b.log")
        wait_http(f"http://localhost:{port_b}/ping", 120, backend_b, tmp_path / "b.log")
        with Balancer(port_lb, port_a, [port_a, port_b]) as balancer:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            base = f"http://localhost:{port_lb}"
            page.goto(f"{base}/login")
            page.wait_for_selector("#hydrated", state="attached")
            page.fill("#email", "demo@auzap.com.br")
            page.fill("#password", "demo12345")
            page.click("#login-submit")
            page.wait_for_selector("#kpi-today")
            for path, marker in [("/inbox", "#conversation-list"), ("/customers", "#customer-table"), ("/", "#kpi-today")] * 2:
                page.goto(f"{base}{path}")  # a full load: a new event connection, on the other backend
                page.wait_for_selector("#hydrated", state="attached")
                expect(page.locator(marker)).to_be_visible()
                expect(page).not_to_have_url(f"{base}/login")
            page.goto(f"{base}/customers")
            page.wait_for_selector("#hydrated", state="attached")
            page.fill("#customer-search", "Joana")  # an event handled by whichever backend holds this connection
            expect(page.locator("#customer-table")).to_contain_text("Joana")
            context.close()
            assert not errors, errors
            assert balancer.event_connections[port_a] >= 2 and balancer.event_connections[port_b] >= 2, balancer.event_connections
        assert Redis.from_url(REDIS_URL).dbsize() > 0  # the sessions' state lives in Redis
    finally:
        for proc in (backend_b, backend_a):
            if proc is not None:
                stop_group(proc)
    for name in ("a.log", "b.log"):
        text = (tmp_path / name).read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]
