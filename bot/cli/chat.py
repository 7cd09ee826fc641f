"""`frontdesk chat`: talk to the front desk as a student in the terminal."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.context import CliContext
from bot.conversation.messages import Reply

if TYPE_CHECKING:  # the app (SQLAlchemy, models) is imported only when a chat starts
    from bot.app import FrontDesk

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = sub.add_parser("chat", help="chat with the front desk as a student, in this terminal")
    add_chat_arguments(chat)
    chat.set_defaults(handler=run)


def add_chat_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", type=Path, help="knowledge-base folder (default: config kb.dir)")
    parser.add_argument(
        "--user", help="the student's id in this terminal (default: $USER or 'student')"
    )
    parser.add_argument("--lang", choices=["zh", "en"], help="language before the first message")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Chat until end of input; staff replies (`frontdesk tickets reply`) appear as they come."""
    from bot.channels.terminal import TerminalChat

    frontdesk = ctx.frontdesk()
    user = args.user or ctx.environ.get("USER") or "student"
    interactive = ctx.stdin.isatty()
    if interactive:
        ctx.say(
            f"Front Desk — terminal chat as student '{user}'. Type a question; a number picks an "
            "option; /status, /help; /quit to leave."
        )
    chat = TerminalChat(
        frontdesk.conversation.handle,
        TerminalNotifications(frontdesk, user),
        user_id=user,
        stdin=ctx.stdin,
        stdout=ctx.stdout,
        language=args.lang,
        interactive=interactive,
    )
    return chat.run()


class TerminalNotifications:
    """The outbox for one terminal student, polled by the chat; it also keeps the bot's
    housekeeping going (KB reload, SLA sweep) once a minute, as the Telegram job queue does."""

    def __init__(self, frontdesk: FrontDesk, user: str, housekeeping_seconds: float = 60) -> None:
        self._frontdesk = frontdesk
        self._user = user
        self._every = housekeeping_seconds
        self._last: float | None = None

    def __call__(self) -> list[Reply]:
        now = time.monotonic()
        if self._last is None or now - self._last >= self._every:
            self._last = now
            try:
                self._frontdesk.housekeeping()
            except Exception:  # a failed sweep must not end the student's chat
                log.exception("housekeeping failed; retrying in %s s", self._every)
        from bot.channels.terminal import CHANNEL
        from bot.conversation.notifications import student_reply

        delivered = self._frontdesk.outbox.claim_for_address(CHANNEL, self._user)
        for notification in delivered:
            self._frontdesk.outbox.mark_sent(notification.id)
        return [student_reply(notification) for notification in delivered]
