"""The one ASGI app that serves webhooks (Telegram now, WeChat later) and a health check."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_web_app(telegram_application: Any, secret: str) -> Starlette:
    """Starlette app: POST /telegram/webhook (secret checked), GET /healthz."""

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("bad request", status_code=400)
        update = Update.de_json(payload, telegram_application.bot)
        await telegram_application.update_queue.put(update)
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
