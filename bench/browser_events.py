"""Reflex event round trips in Chromium on the big dataset: p50/p95 from an event leaving the
browser to its state update arriving, for the largest shop (100,000 messages, 20,000 customers).

Needs the database of bench/dataset.py (`auzap_dataset`; run that first). Starts the production
console on it (`reflex run --env prod`, Redis state manager, a web build directory of its own),
adds an owner to the largest shop, logs in with headless Chromium and times, through the page's
own websocket: switching the inbox filter (the list query and its count), searching customers,
and opening a conversation from the list. Baseline in the same page: `fetch('/ping')`, an HTTP round trip to
the same backend.

    .venv/bin/python bench/dataset.py && .venv/bin/python bench/browser_events.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PORT = 3390
EMAIL, PASSWORD = "dono@grande.com.br", "ração-do-rex-42"

# Wrap the page's WebSocket: time from an event frame sent to the next event frame received.
PROBE = """
(() => {
  window.__rt = [];
  const Native = window.WebSocket;
  class Probe extends Native {
    send(data) {
      if (typeof data === 'string' && data.startsWith('42')) window.__sent = performance.now();
      return super.send(data);
    }
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (window.__sent && typeof e.data === 'string' && e.data.startsWith('42')) {
          window.__rt.push(performance.now() - window.__sent);
          window.__sent = null;
        }
      });
    }
  }
  window.WebSocket = Probe;
})();
"""


def _quantiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="auzap_dataset")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    import psycopg

    admin_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    app_url = f"postgresql+psycopg://auzap_app:auzap_app@127.0.0.1:5432/{args.database}"
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT id, slug FROM tenants WHERE slug LIKE 'ds-%' ORDER BY id LIMIT 1").fetchone()
        if row is None:
            sys.exit("run bench/dataset.py first (it fills the database this one reads)")
        tenant_id, slug = row
    os.environ.update({"DATABASE_URL": app_url, "DATABASE_ADMIN_URL": admin_url, "REDIS_URL": "redis://127.0.0.1:6379/12"})
    from auzap_console.db import tenant_session
    from auzap_console.services import team
    from auzap_console.services.context import Actor, ServiceError
    from tests.utils.processes import stop_group, wait_http

    try:
        with tenant_session(tenant_id) as s:
            owner = Actor(tenant_id=tenant_id, role="owner")
            team.add_user(s, actor=owner, name="Dono Grande", email=EMAIL, role="owner", password=PASSWORD)
    except ServiceError:
        pass  # added by an earlier run
    web = Path(tempfile.mkdtemp(prefix="auzap-bench-web-"))
    if (ROOT / ".web/node_modules").is_dir():
        shutil.copytree(ROOT / ".web/node_modules", web / "node_modules", symlinks=True)
    env = {
        **os.environ,
        "FRONTEND_PORT": str(PORT),
        "BACKEND_PORT": str(PORT),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_WEB_WORKDIR": str(web),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "k" * 40),
        "LOGIN_MAX_FAILURES": "50",
    }
    env.pop("API_URL", None)
    log = open(Path(tempfile.gettempdir()) / "auzap-bench-browser.log", "w")  # noqa: SIM115
    command = [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    results: dict[str, list[float]] = {}
    try:
        wait_http(f"http://localhost:{PORT}/ping", 400)
        wait_http(f"http://localhost:{PORT}/login", 60)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR").new_page()
            page.add_init_script(PROBE)
            base = f"http://localhost:{PORT}"
            page.goto(f"{base}/login")
            page.wait_for_selector("#hydrated", state="attached")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#kpi-today", timeout=60_000)

            def timed(name: str, action, settle: str = "") -> None:
                samples = []
                for i in range(args.runs + 3):
                    page.evaluate("window.__rt = []")
                    action(i)
                    page.wait_for_function("window.__rt.length > 0", timeout=30_000)
                    if settle:
                        page.wait_for_selector(settle, state="attached")
                    if i >= 3:  # warm-up
                        samples.append(page.evaluate("window.__rt[0]"))
                results[name] = samples

            page.goto(f"{base}/inbox")
            page.wait_for_selector("#conversation-list")
            results["baseline: fetch('/ping')"] = [
                page.evaluate("(async () => { const t = performance.now(); await fetch('/ping'); return performance.now() - t; })()")
                for _ in range(args.runs)
            ]
            buttons = page.locator("#inbox-filter button")
            timed("inbox filter (list + count)", lambda i: buttons.nth((i + 1) % 2).click())
            timed("open a conversation", lambda i: page.locator(".conversation-row").nth(i % 5).click())
            page.goto(f"{base}/customers")
            page.wait_for_selector("#customer-search")
            names = ["silva", "ana", "souza", "bruno", "lima"]
            timed("customer search", lambda i: page.fill("#customer-search", names[i % len(names)] + " " * (i // len(names) % 2)))
            browser.close()
    finally:
        stop_group(server)
        shutil.rmtree(web, ignore_errors=True)
    print(f"largest shop of {args.database} ({slug}); Chromium headless; {args.runs} runs each after 3 warm-ups; ms")
    base_p95 = _quantiles(results["baseline: fetch('/ping')"])[1]
    for name, samples in results.items():
        p50, p95 = _quantiles(samples)
        print(f"{name:<30} p50 {p50:7.1f}  p95 {p95:7.1f}  p95 / baseline {p95 / base_p95:6.1f}")


if __name__ == "__main__":
    main()
