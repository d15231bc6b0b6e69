"""Reflex configuration; ports and URLs come from AuZap settings."""

import reflex as rx

from auzap_console.settings import get_settings

_settings = get_settings()
_frontend = f"http://localhost:{_settings.frontend_port}"
# Behind a load balancer the browser's origin is the public address (API_URL / PUBLIC_URL).
_public = [url.rstrip("/") for url in (_settings.api_url, _settings.public_url) if url]

config = rx.Config(
    app_name="auzap_console",
    frontend_port=_settings.frontend_port,
    backend_port=_settings.backend_port,
    api_url=_settings.api_url or f"http://localhost:{_settings.backend_port}",
    deploy_url=_frontend,
    redis_url=_settings.redis_url or None,
    cors_allowed_origins=[_frontend, f"http://127.0.0.1:{_settings.frontend_port}", *_public],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="light", accent_color="teal", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
