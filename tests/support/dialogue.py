"""Drive the conversation core as one student would: type, press buttons by label, read."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app import FrontDesk
from bot.conversation.messages import Incoming, IncomingKind, Reply
from bot.conversation.notifications import student_reply


@dataclass
class Student:
    """One student in the terminal channel; remembers the buttons last offered."""

    desk: FrontDesk
    user_id: str = "xiaoming"
    language: str | None = None
    seen: list[Reply] = field(default_factory=list)

    def say(self, text: str) -> list[Reply]:
        return self._send("text", text)

    def command(self, name: str) -> list[Reply]:
        return self._send("command", name)

    def press(self, label_or_payload: str) -> list[Reply]:
        """Press a button offered last, by its label (or send a raw payload, as a stale tap)."""
        payloads = {b.label: b.payload for reply in self.seen for b in reply.buttons}
        return self._send("choice", payloads.get(label_or_payload, label_or_payload))

    def send_unsupported(self, what: str) -> list[Reply]:
        return self._send("unsupported", "", detail=what)

    def notifications(self) -> list[Reply]:
        """What the outbox holds for this student (staff replies, resolution, rating)."""
        delivered = self.desk.outbox.claim_for_address("terminal", self.user_id)
        for notification in delivered:
            self.desk.outbox.mark_sent(notification.id)
        self.seen = [student_reply(n) for n in delivered]
        return self.seen

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.seen)

    @property
    def buttons(self) -> list[str]:
        return [button.label for reply in self.seen for button in reply.buttons]

    def _send(self, kind: IncomingKind, text: str, detail: str | None = None) -> list[Reply]:
        incoming = Incoming(
            channel="terminal",
            user_id=self.user_id,
            chat_id=self.user_id,
            kind=kind,
            text=text,
            language=self.language,
            detail=detail,
        )
        self.seen = self.desk.conversation.handle(incoming)
        return self.seen
