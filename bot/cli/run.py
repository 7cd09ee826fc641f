"""`frontdesk run`: start every configured channel; the terminal chat when none is."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli import chat
from bot.cli.context import CliContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run_parser = sub.add_parser(
        "run",
        help="start the bot: Telegram when FRONTDESK_TELEGRAM_TOKEN is set, else the terminal chat",
    )
    chat.add_chat_arguments(run_parser)
    run_parser.add_argument("--webhook", metavar="URL", help="Telegram webhook URL (else polling)")
    run_parser.add_argument("--listen", default="127.0.0.1", help="webhook listen address")
    run_parser.add_argument("--port", type=int, default=8443, help="webhook listen port")
    run_parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    settings = ctx.settings
    if not settings.telegram.token:
        if args.webhook:
            return ctx.fail("--webhook needs FRONTDESK_TELEGRAM_TOKEN to be set")
        ctx.say("No FRONTDESK_TELEGRAM_TOKEN set: starting the terminal chat.")
        return chat.run(args, ctx)
    from bot.channels.telegram import run_telegram

    frontdesk = ctx.frontdesk()
    asyncio.run(
        run_telegram(
            frontdesk, settings, webhook_url=args.webhook, listen=args.listen, port=args.port
        )
    )
    return 0
