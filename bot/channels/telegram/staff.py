"""Staff work in their unit's Telegram group: the ticket card, its buttons, replies to it.

Who may act: members of the group of the ticket's unit (being in the group is the
membership) and configured admins. The ticket a reply belongs to is found from the stored
message links, never from the message text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import FrontDesk
from bot.conversation.views import excerpt, format_time_left
from bot.tickets.errors import TicketError
from bot.tickets.model import Actor, Ticket

STAFF_PREFIX = "st:"
STATE_CHANNEL = "telegram-staff"


def card_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    """The buttons under every ticket card in a staff group."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("受理 claim", callback_data=f"st:claim:{ticket_id}"),
                InlineKeyboardButton("转办 transfer", callback_data=f"st:xfer:{ticket_id}"),
            ],
            [
                InlineKeyboardButton("退回 return", callback_data=f"st:ret:{ticket_id}"),
                InlineKeyboardButton("复杂 complex", callback_data=f"st:cx:{ticket_id}"),
                InlineKeyboardButton("办结 resolve", callback_data=f"st:done:{ticket_id}"),
            ],
        ]
    )


def units_keyboard(ticket_id: int, units: Mapping[str, str], current: str) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(name, callback_data=f"st:to:{ticket_id}:{unit}")]
        for unit, name in units.items()
        if unit != current
    ]
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class StaffOutcome:
    """What the group is told, and whether the bot needs a reason next (a prompt to reply to)."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    prompt_for: dict[str, object] | None = None  # pending action awaiting a reason
    ticket_id: int | None = None


class StaffDesk:
    """Carries out staff actions from one unit group; all rules are the ticket service's."""

    def __init__(self, frontdesk: FrontDesk, unit_groups: Mapping[str, int]) -> None:
        self._desk = frontdesk
        self._unit_of_chat = {str(chat): unit for unit, chat in unit_groups.items()}

    def unit_of(self, chat_id: str) -> str | None:
        return self._unit_of_chat.get(chat_id)

    def actor(self, user_id: str, name: str, chat_id: str) -> Actor | None:
        """The acting person: an admin, staff of this group's unit, or nobody (None)."""
        actor_id = f"telegram:{user_id}"
        if actor_id in self._desk.settings.admins:
            return Actor("admin", actor_id, name)
        unit = self.unit_of(chat_id)
        if unit is None:
            return None
        return Actor("staff", actor_id, name, frozenset({unit}))

    def button(self, actor: Actor, data: str) -> StaffOutcome:
        """A card button pressed by `actor`."""
        parts = data.split(":")
        if len(parts) < 3 or not parts[2].isdigit():
            return StaffOutcome("这个按钮已失效。")
        action, ticket_id = parts[1], int(parts[2])
        service = self._desk.tickets
        try:
            ticket = service.get(ticket_id)
            if not service.may_act(actor, ticket):
                return StaffOutcome(
                    f"问题 {ticket.number} 属于{service.unit_name(ticket.unit)}，您不能处理。"
                )
            if action == "claim":
                done = service.claim(ticket_id, actor)
                return StaffOutcome(f"{done.number} 已由{_who(actor)}受理。", ticket_id=ticket_id)
            if action == "xfer":
                names = {u.id: u.name for u in self._desk.kb.kb.units.values()}
                return StaffOutcome(
                    f"把 {ticket.number} 转给哪个部门？",
                    units_keyboard(ticket_id, names, ticket.unit),
                    ticket_id=ticket_id,
                )
            if action == "to" and len(parts) == 4:
                name = service.unit_name(parts[3])
                return StaffOutcome(
                    f"请回复本消息，说明把 {ticket.number} 转给{name}的原因。",
                    prompt_for={"action": "transfer", "ticket": ticket_id, "unit": parts[3]},
                    ticket_id=ticket_id,
                )
            if action == "ret":
                return StaffOutcome(
                    f"请回复本消息，说明退回 {ticket.number} 的原因（将由前台重新分派）。",
                    prompt_for={"action": "return", "ticket": ticket_id},
                    ticket_id=ticket_id,
                )
            if action == "cx":
                done = service.mark_complex(ticket_id, actor, note="")
                local = format_time_left(done.resolve_by, self._desk.clock.now(), "zh")
                return StaffOutcome(
                    f"{done.number} 已标为复杂问题，办结期限{local}。", ticket_id=ticket_id
                )
            if action == "done":
                done = service.resolve(ticket_id, actor)
                return StaffOutcome(f"{done.number} 已办结，已请学生评价。", ticket_id=ticket_id)
        except TicketError as error:
            return StaffOutcome(str(error))
        return StaffOutcome("这个按钮已失效。")

    def reason(self, actor: Actor, pending: Mapping[str, object], text: str) -> StaffOutcome:
        """The reason a prompt asked for: complete the transfer or the return."""
        ticket_id = int(str(pending.get("ticket", "0")))
        service = self._desk.tickets
        try:
            if pending.get("action") == "transfer":
                unit = str(pending.get("unit", ""))
                done = service.transfer(ticket_id, actor, unit, text)
                return StaffOutcome(f"{done.number} 已转给{service.unit_name(unit)}（{text}）。")
            done = service.return_misrouted(ticket_id, actor, text)
            return StaffOutcome(f"{done.number} 已退回前台（{text}）。")
        except TicketError as error:
            return StaffOutcome(str(error))

    def reply(self, actor: Actor, ticket_id: int, text: str) -> StaffOutcome:
        """A staff reply to a ticket's message: relayed to the student."""
        try:
            done = self._desk.tickets.reply(ticket_id, actor, text)
        except TicketError as error:
            return StaffOutcome(str(error))
        return StaffOutcome(f"已转达给学生（{done.number}）。")

    def queue(self, chat_id: str) -> str:
        unit = self.unit_of(chat_id)
        if unit is None:
            return "这个群没有对应的部门。"
        tickets = self._desk.tickets.queue(unit)
        if not tickets:
            return "没有待办问题。"
        now = self._desk.clock.now()
        return "\n".join(_queue_line(ticket, now) for ticket in tickets)


def _queue_line(ticket: Ticket, now: datetime) -> str:
    clause, deadline = (
        ("答复", ticket.respond_by) if ticket.responded_at is None else ("办结", ticket.resolve_by)
    )
    left = format_time_left(deadline, now, "zh")
    return f"{ticket.number} {clause}{left} · {excerpt(ticket.question)}"


def _who(actor: Actor) -> str:
    return actor.name or "工作人员"
