"""ASGI apps served by granian in webhook_ingest.py (a bare baseline and the real endpoint)."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def _bare(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"ok": True})


bare = Starlette(routes=[Route("/webhooks/{key}", _bare, methods=["POST"])])


def __getattr__(name: str):
    """`real`: the console's webhook app, imported only when granian asks for it."""
    if name == "real":
        from auzap_console.channels.asgi import app

        return app
    raise AttributeError(name)
