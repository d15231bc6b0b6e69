"""ASGI apps served by granian in webhook_ingest.py (a bare baseline and the real endpoint)."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def _bare(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"ok": True})


bare = Starlette(routes=[Route("/webhooks/{key}", _bare, methods=["POST"])])


def _real():
    from auzap_console.channels.webhooks import webhook_app
    from auzap_console.plugin.manager import load_plugins

    load_plugins()
    return webhook_app()


real = _real()
