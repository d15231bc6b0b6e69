"""The webhook endpoints alone, as an ASGI app: `granian --interface asgi auzap_console.channels.asgi:app`.

The console's own backend serves them too; this lets the ingest hot path run in processes of its
own behind the load balancer (`/webhooks/*`, `/health`, `/metrics`), scaled apart from the UI.
"""

from __future__ import annotations

from auzap_console.channels.webhooks import webhook_app
from auzap_console.plugin.manager import load_plugins

load_plugins()  # providers and plugin hooks, as the console loads them
app = webhook_app()
