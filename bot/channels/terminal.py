"""The terminal channel: a student conversation on stdin/stdout, for trying the front desk.

Translation only: lines become `Incoming` messages (a number picks one of the offered buttons,
`/word`, with or without words after it, is a command), replies and outbox notifications are
printed. All decisions are the core's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TextIO

from bot.channels.commands import command_of
from bot.conversation.messages import Button, Incoming, IncomingKind, Reply

CHANNEL = "terminal"
QUIT_WORDS = {"/quit", "/exit", "quit", "exit", "退出"}

Handle = Callable[[Incoming], list[Reply]]
Pending = Callable[[], list[Reply]]


class TerminalChat:
    """Reads a student's lines, prints the front desk's replies and notifications."""

    def __init__(
        self,
        handle: Handle,
        pending_notifications: Pending,
        *,
        user_id: str,
        stdin: TextIO,
        stdout: TextIO,
        language: str | None = None,
        interactive: bool = False,
        poll_seconds: float = 2.0,
    ) -> None:
        self._handle = handle
        self._pending = pending_notifications
        self._user_id = user_id
        self._stdin = stdin
        self._stdout = stdout
        self._language = language
        self._interactive = interactive
        self._poll_seconds = poll_seconds
        self._buttons: tuple[Button, ...] = ()
        self._print_lock = threading.Lock()
        self._stopped = threading.Event()

    def run(self) -> int:
        """Chat until end of input or a quit word."""
        self._show(self._handle(self._incoming("command", "start")))
        poller = None
        if self._interactive:
            poller = threading.Thread(target=self._poll, name="terminal-outbox", daemon=True)
            poller.start()
        try:
            while True:
                self._deliver_notifications()
                if self._interactive:
                    self._write("你 › ", newline=False)
                line = self._stdin.readline()
                if not line:
                    break
                text = line.rstrip("\r\n")
                if text.strip().lower() in QUIT_WORDS:
                    break
                self._show(self._handle(self._translate(text)))
            self._deliver_notifications()
        finally:
            self._stopped.set()
            if poller is not None:
                poller.join(timeout=self._poll_seconds + 1)
        return 0

    def _translate(self, text: str) -> Incoming:
        stripped = text.strip()
        if stripped.isdigit() and self._buttons:
            index = int(stripped) - 1
            if 0 <= index < len(self._buttons):
                return self._incoming("choice", self._buttons[index].payload)
        command = command_of(stripped)
        if command:
            return self._incoming("command", command)
        return self._incoming("text", text)

    def _incoming(self, kind: IncomingKind, text: str) -> Incoming:
        return Incoming(
            channel=CHANNEL,
            user_id=self._user_id,
            chat_id=self._user_id,
            kind=kind,
            text=text,
            language=self._language,
            display_name=self._user_id,
        )

    def _show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self._write(_indent("前台 › ", reply.text))
            self._offer(reply.buttons)

    def _offer(self, buttons: tuple[Button, ...]) -> None:
        if buttons:
            self._buttons = buttons
            for number, button in enumerate(buttons, start=1):
                self._write(f"        [{number}] {button.label}")

    def _deliver_notifications(self) -> None:
        for reply in self._pending():
            self._write(_indent("通知 › ", reply.text))
            self._offer(reply.buttons)

    def _poll(self) -> None:
        while not self._stopped.wait(self._poll_seconds):
            self._deliver_notifications()

    def _write(self, text: str, *, newline: bool = True) -> None:
        with self._print_lock:
            self._stdout.write(text + ("\n" if newline else ""))
            self._stdout.flush()


def _indent(prefix: str, text: str) -> str:
    pad = " " * 8
    lines = text.splitlines() or [""]
    return "\n".join([prefix + lines[0], *(pad + line for line in lines[1:])])
