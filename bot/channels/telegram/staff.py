"""Staff work in their unit's group: the card's buttons, reasons, replies, /queue — as outcomes.

No Telegram types here: the handlers translate updates into these calls and outcomes into
messages. Who may act: members of the group of the ticket's unit (being in the group is the
membership) and configured admins; every rule beyond that is the ticket service's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.app import FrontDesk
from bot.conversation.messages import Button
from bot.conversation.views import excerpt, format_time_left
from bot.tickets.errors import TicketError
from bot.tickets.model import Actor, Ticket

STAFF_PREFIX = "st:"  # every staff button's payload starts with this
Keyboard = tuple[tuple[Button, ...], ...]  # rows of buttons


def card_buttons(ticket_id: int) -> Keyboard:
    """The buttons under every ticket card in a staff group."""
    return (
        (
            Button("受理 claim", f"st:claim:{ticket_id}"),
            Button("转办 transfer", f"st:xfer:{ticket_id}"),
        ),
        (
            Button("退回 return", f"st:ret:{ticket_id}"),
            Button("复杂 complex", f"st:cx:{ticket_id}"),
            Button("办结 resolve", f"st:done:{ticket_id}"),
        ),
    )


@dataclass(frozen=True)
class PendingReason:
    """A transfer or return waiting for the reason the bot asked for."""

    action: Literal["transfer", "return"]
    ticket_id: int
    unit: str = ""

    def to_state(self) -> dict[str, object]:
        return {"action": self.action, "ticket": self.ticket_id, "unit": self.unit}

    @classmethod
    def from_state(cls, state: Mapping[str, object] | None) -> PendingReason | None:
        if not state:
            return None
        action, ticket = state.get("action"), state.get("ticket")
        if action not in ("transfer", "return") or not isinstance(ticket, int):
            return None
        return cls(action, ticket, str(state.get("unit", "")))


@dataclass(frozen=True)
class StaffOutcome:
    """What the group is told, and what the handler does besides saying it."""

    text: str
    buttons: Keyboard = ()
    asks_reason: PendingReason | None = None  # the message is a prompt to reply to
    clear_pressed: bool = False  # remove the buttons of the message whose button was pressed


class StaffDesk:
    """Carries out staff actions from the unit groups in `unit_groups` (unit id -> chat id)."""

    def __init__(self, frontdesk: FrontDesk, unit_groups: Mapping[str, int]) -> None:
        self._desk = frontdesk
        self._unit_of_chat = {str(chat): unit for unit, chat in unit_groups.items()}

    def unit_of(self, chat_id: str) -> str | None:
        return self._unit_of_chat.get(chat_id)

    def actor(self, user_id: str, name: str, chat_id: str) -> Actor | None:
        """The person acting in `chat_id`: an admin, staff of the group's unit, or None."""
        actor_id = f"telegram:{user_id}"
        unit = self.unit_of(chat_id)
        units = frozenset({unit}) if unit else frozenset[str]()
        if actor_id in self._desk.settings.admins:
            return Actor("admin", actor_id, name, units)
        return Actor("staff", actor_id, name, units) if unit else None

    def button(self, actor: Actor, data: str) -> StaffOutcome:
        """A staff button (`st:<action>:<ticket>[:<unit>]`) pressed by `actor`."""
        action, _, rest = data.removeprefix(STAFF_PREFIX).partition(":")
        number, _, unit = rest.partition(":")
        if not number.isdigit():
            return StaffOutcome("这个按钮已失效。")
        service, ticket_id = self._desk.tickets, int(number)
        try:
            ticket = service.get(ticket_id)
            if not service.may_act(actor, ticket):
                owner = service.unit_name(ticket.unit)
                return StaffOutcome(f"问题 {ticket.number} 属于{owner}，您不能处理。")
            if not ticket.is_open:
                return StaffOutcome(f"问题 {ticket.number} 已结束。", clear_pressed=True)
            if action == "claim":
                service.claim(ticket_id, actor)
                return StaffOutcome(f"问题 {ticket.number} 已由{_who(actor)}受理。")
            if action == "xfer":
                return StaffOutcome(
                    f"把问题 {ticket.number} 转给哪个部门？", self._unit_choices(ticket)
                )
            if action == "to" and unit:
                return StaffOutcome(
                    f"请回复本消息，说明把问题 {ticket.number} 转给"
                    f"{service.unit_name(unit)}的原因。",
                    asks_reason=PendingReason("transfer", ticket_id, unit),
                    clear_pressed=True,
                )
            if action == "ret":
                return StaffOutcome(
                    f"请回复本消息，说明退回问题 {ticket.number} 的原因（将由前台重新分派）。",
                    asks_reason=PendingReason("return", ticket_id),
                )
            if action == "cx":
                return self.mark_complex(actor, ticket_id, None, "")
            if action == "done":
                service.resolve(ticket_id, actor)
                return StaffOutcome(
                    f"问题 {ticket.number} 已由{_who(actor)}办结，已请学生评价。",
                    clear_pressed=True,
                )
        except TicketError as error:
            return StaffOutcome(str(error))
        return StaffOutcome("这个按钮已失效。")

    def reason(self, actor: Actor, pending: PendingReason, text: str) -> StaffOutcome:
        """The reason a prompt asked for: carry out the transfer or the return."""
        service = self._desk.tickets
        try:
            if pending.action == "transfer":
                done = service.transfer(pending.ticket_id, actor, pending.unit, text)
                return StaffOutcome(
                    f"问题 {done.number} 已转给{service.unit_name(pending.unit)}（{text}）。"
                )
            done = service.return_misrouted(pending.ticket_id, actor, text)
            return StaffOutcome(f"问题 {done.number} 已退回前台（{text}）。")
        except TicketError as error:
            return StaffOutcome(str(error))

    def reply(self, actor: Actor, ticket_id: int, text: str, *, ask: bool = False) -> StaffOutcome:
        """A staff reply to a ticket's message, relayed to the student (`ask`: asks them for
        information, which pauses the resolution clock until they answer)."""
        service = self._desk.tickets
        try:
            if ask:
                done = service.ask_student(ticket_id, actor, text)
                return StaffOutcome(f"已向学生询问（问题 {done.number}，办结时限暂停计时）。")
            done = service.reply(ticket_id, actor, text)
        except TicketError as error:
            return StaffOutcome(str(error))
        return StaffOutcome(f"已转达给学生（问题 {done.number}）。")

    def mark_complex(
        self, actor: Actor, ticket_id: int, resolve_on: str | None, note: str
    ) -> StaffOutcome:
        """Mark complex; `resolve_on` ("2026-12-05", end of that day locally) commits a date,
        None takes the configured default."""
        resolve_by: datetime | None = None
        if resolve_on is not None:
            try:
                day = datetime.strptime(resolve_on, "%Y-%m-%d").date()
            except ValueError:
                return StaffOutcome("日期格式：/complex 2026-12-05 说明（回复问题卡片）")
            zone = ZoneInfo(self._desk.settings.sla.timezone)
            resolve_by = datetime.combine(day, time(23, 59), zone)
        try:
            done = self._desk.tickets.mark_complex(
                ticket_id, actor, resolve_by=resolve_by, note=note
            )
        except TicketError as error:
            return StaffOutcome(str(error))
        left = format_time_left(done.resolve_by, self._desk.clock.now(), "zh")
        return StaffOutcome(
            f"问题 {done.number} 已标为复杂问题，办结期限{left}。"
            "回复卡片 /complex 日期 说明 可另定日期。"
        )

    def queue(self, chat_id: str) -> str:
        """`/queue`: the group's unit's open tickets, the most urgent first, with time left."""
        unit = self.unit_of(chat_id)
        if unit is None:
            return "这个群没有对应的部门。"
        tickets = self._desk.tickets.queue(unit)
        name = self._desk.tickets.unit_name(unit)
        if not tickets:
            return f"{name}没有待办问题。"
        now = self._desk.clock.now()
        lines = [f"{name}待办 {len(tickets)} 件："]
        lines += [self._queue_line(ticket, unit, now) for ticket in tickets]
        return "\n".join(lines)

    def _queue_line(self, ticket: Ticket, unit: str, now: datetime) -> str:
        clause, deadline = (
            ("答复", ticket.respond_by)
            if ticket.responded_at is None
            else ("办结", ticket.resolve_by)
        )
        left = format_time_left(deadline, now, "zh")
        # A ticket this unit handed on stays here until the receiver accepts it.
        held = (
            f"（已转{self._desk.tickets.unit_name(ticket.unit)}，待受理）"
            if ticket.unit != unit
            else ""
        )
        return f"{ticket.number} {clause}{left}{held} · {excerpt(ticket.question)}"

    def _unit_choices(self, ticket: Ticket) -> Keyboard:
        units = self._desk.kb.kb.units.values()
        return tuple(
            (Button(unit.name, f"st:to:{ticket.id}:{unit.id}"),)
            for unit in units
            if unit.id != ticket.unit
        )


def _who(actor: Actor) -> str:
    return actor.name or "工作人员"
