"""`frontdesk tickets …`: staff and admin work on tickets from the shell, for any channel.

With `--unit U` the operator acts as staff of unit U (refused on other units' tickets, as in a
staff chat); without it as an admin, who may act on every ticket.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.cli.context import CliContext
from bot.conversation.texts import STAFF_STATE_NAMES
from bot.conversation.views import excerpt, format_time_left
from bot.tickets.errors import TicketError
from bot.tickets.model import Actor, Ticket

if TYPE_CHECKING:
    from bot.app import FrontDesk


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tickets = sub.add_parser("tickets", help="list, show and work on tickets (staff and admins)")
    tickets.add_argument("--unit", help="act as staff of this unit (default: as an admin)")
    tickets.add_argument("--as", dest="actor", help="your name or id (default: $USER)")
    ops = tickets.add_subparsers(dest="op", metavar="OP", required=True)

    listing = ops.add_parser("list", help="open tickets, most urgent first, with time left")
    listing.set_defaults(handler=list_tickets)
    show = ops.add_parser("show", help="one ticket: deadlines, history and messages")
    show.add_argument("ticket", type=_number)
    show.set_defaults(handler=show_ticket)
    inbox = ops.add_parser("inbox", help="notifications for the unit's staff (marks them read)")
    inbox.set_defaults(handler=unit_inbox)

    for name, help_text in (
        ("reply", "reply to the student (counts as the response)"),
        ("ask", "ask the student for information (pauses the resolution clock)"),
    ):
        op = ops.add_parser(name, help=help_text)
        op.add_argument("ticket", type=_number)
        op.add_argument("text", nargs="+")
        op.set_defaults(handler=_act, action=name)
    claim = ops.add_parser("claim", help="accept the ticket for your unit")
    claim.add_argument("ticket", type=_number)
    claim.set_defaults(handler=_act, action="claim")
    transfer = ops.add_parser("transfer", help="hand over to another unit (deadlines stay)")
    transfer.add_argument("ticket", type=_number)
    transfer.add_argument("to_unit")
    transfer.add_argument("--reason", required=True)
    transfer.set_defaults(handler=_act, action="transfer")
    back = ops.add_parser("return", help="return a misrouted ticket to the front desk")
    back.add_argument("ticket", type=_number)
    back.add_argument("--reason", required=True)
    back.set_defaults(handler=_act, action="return")
    complex_ = ops.add_parser("complex", help="mark complex and commit a resolution date")
    complex_.add_argument("ticket", type=_number)
    complex_.add_argument("--by", help="resolution date YYYY-MM-DD[THH:MM] (local time)")
    complex_.add_argument("--note", default="")
    complex_.set_defaults(handler=_act, action="complex")
    resolve = ops.add_parser("resolve", help="resolve; the student is told and asked to rate")
    resolve.add_argument("ticket", type=_number)
    resolve.add_argument("--note", default="")
    resolve.set_defaults(handler=_act, action="resolve")


def _unknown_unit(args: argparse.Namespace, frontdesk: FrontDesk) -> str | None:
    """Why `--unit` cannot be served, if it names no unit of the KB (a typo would otherwise
    show an empty queue, as if the unit had nothing to do)."""
    units = frontdesk.kb.kb.units
    if args.unit and args.unit not in units:
        return f"unknown unit {args.unit!r} (known: {', '.join(units)})"
    return None


def list_tickets(args: argparse.Namespace, ctx: CliContext) -> int:
    frontdesk = ctx.frontdesk()
    if problem := _unknown_unit(args, frontdesk):
        return ctx.fail(problem)
    now = ctx.clock.now()
    tickets = frontdesk.tickets.queue(args.unit)
    if not tickets:
        ctx.say("没有待办问题。" if args.unit else "No open tickets.")
        return 0
    for ticket in tickets:
        deadline = ticket.respond_by if ticket.responded_at is None else ticket.resolve_by
        clause = "答复" if ticket.responded_at is None else "办结"
        unit = frontdesk.kb.kb.unit_name(ticket.unit)
        state = STAFF_STATE_NAMES[ticket.status.value]
        left = format_time_left(deadline, now, "zh")
        ctx.say(f"{ticket.number:>6}  {unit}  {state}  {clause}{left}  {excerpt(ticket.question)}")
    return 0


def show_ticket(args: argparse.Namespace, ctx: CliContext) -> int:
    frontdesk = ctx.frontdesk()
    try:
        ticket = frontdesk.tickets.get(args.ticket)
    except TicketError:
        return ctx.fail(f"no ticket #{args.ticket}")
    zone = ZoneInfo(ctx.settings.sla.timezone)
    name = frontdesk.kb.kb.unit_name

    def local(when: datetime | None) -> str:
        return "—" if when is None else f"{when.astimezone(zone):%Y-%m-%d %H:%M}"

    ctx.say(f"{ticket.number}  {STAFF_STATE_NAMES[ticket.status.value]}  ({ticket.complexity})")
    ctx.say(f"question:    {ticket.question}")
    ctx.say(f"unit:        {name(ticket.unit)} ({ticket.unit})")
    ctx.say(
        f"first unit:  {name(ticket.first_unit)}   accountable: {name(ticket.accountable_unit)}"
    )
    ctx.say(f"opened:      {local(ticket.opened_at)}")
    ctx.say(f"respond by:  {local(ticket.respond_by)}   responded: {local(ticket.responded_at)}")
    ctx.say(f"resolve by:  {local(ticket.resolve_by)}   resolved:  {local(ticket.resolved_at)}")
    if ticket.rating is not None:
        ctx.say(f"rating:      {ticket.rating}/5 {ticket.rating_comment or ''}".rstrip())
    ctx.say("history:")
    for event in frontdesk.tickets.history(ticket.id):
        who = event.actor.name or event.actor.id
        detail = f" — {event.detail}" if event.detail else ""
        ctx.say(f"  {local(event.at)}  {event.kind:<16} {who}{detail}")
    ctx.say("messages:")
    for message in frontdesk.tickets.messages(ticket.id):
        arrow = "→ student" if message.to_student else "← student"
        ctx.say(f"  {local(message.at)}  {arrow}: {message.text}")
    return 0


def unit_inbox(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.unit:
        return ctx.fail("inbox needs --unit UNIT")
    frontdesk = ctx.frontdesk()
    if problem := _unknown_unit(args, frontdesk):
        return ctx.fail(problem)
    notifications = frontdesk.outbox.claim_for_units([args.unit])
    for notification in notifications:
        ctx.say(f"[{notification.kind}] {notification.text}")
        frontdesk.outbox.mark_sent(notification.id)
    if not notifications:
        ctx.say("（没有新通知）")
    return 0


def _act(args: argparse.Namespace, ctx: CliContext) -> int:
    frontdesk = ctx.frontdesk()
    user = args.actor or ctx.environ.get("USER") or "operator"
    if problem := _unknown_unit(args, frontdesk):
        return ctx.fail(problem)
    actor = (
        Actor("staff", f"cli:{user}", user, frozenset({args.unit}))
        if args.unit
        else Actor("admin", f"cli:{user}", user)
    )
    service = frontdesk.tickets
    try:
        ticket = _run_action(args, ctx, actor)
    except TicketError as error:
        return ctx.fail(str(error))
    except ValueError as error:
        return ctx.fail(str(error))
    state = STAFF_STATE_NAMES[ticket.status.value]
    ctx.say(f"{ticket.number}: {args.action} done — {service.unit_name(ticket.unit)}, {state}")
    return 0


def _run_action(args: argparse.Namespace, ctx: CliContext, actor: Actor) -> Ticket:
    service = ctx.frontdesk().tickets
    action = args.action
    if action == "reply":
        return service.reply(args.ticket, actor, " ".join(args.text))
    if action == "ask":
        return service.ask_student(args.ticket, actor, " ".join(args.text))
    if action == "claim":
        return service.claim(args.ticket, actor)
    if action == "transfer":
        return service.transfer(args.ticket, actor, args.to_unit, args.reason)
    if action == "return":
        return service.return_misrouted(args.ticket, actor, args.reason)
    if action == "complex":
        by = _local_datetime(args.by, ctx.settings.sla.timezone) if args.by else None
        return service.mark_complex(args.ticket, actor, resolve_by=by, note=args.note)
    return service.resolve(args.ticket, actor, args.note)


def _local_datetime(text: str, timezone: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from error
    if value.tzinfo is None:
        if len(text) <= 10:
            value = value.replace(hour=17, minute=30)  # a date alone means end of that office day
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value


def _number(text: str) -> int:
    try:
        return int(text.lstrip("#"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a ticket number: {text!r}") from error
