"""The one ASGI app for every channel's webhooks (Telegram now, WeChat later) and a health check.

Channel-neutral: a channel hands over a coroutine that takes the decoded JSON body (and
raises ValueError for one it cannot use); platform types stay in the channel's package.
Served by uvicorn.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

log = logging.getLogger(__name__)

Receive = Callable[[object], Awaitable[None]]

TELEGRAM_PATH = "/telegram/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # bytes; Telegram's updates are far smaller


def telegram_route(secret: str, receive: Receive, path: str = TELEGRAM_PATH) -> Route:
    """POST `path`: the secret header must match (else 403), then the update is received."""
    if not secret:
        raise ValueError("a Telegram webhook needs a secret token")
    expected = secret.encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook call without the right secret from %s", request.client)
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        try:
            await receive(json.loads(body))
        except ValueError as error:  # not JSON, or JSON that is not an update
            log.warning("webhook body rejected: %s", error)
            return PlainTextResponse("bad request", status_code=400)
        return Response(status_code=200)

    return Route(path, webhook, methods=["POST"])


def create_web_app(routes: Iterable[BaseRoute]) -> Starlette:
    """The ASGI app: the channels' webhook `routes` plus GET /healthz."""

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(routes=[*routes, Route("/healthz", health, methods=["GET"])])
