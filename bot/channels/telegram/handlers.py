"""The Telegram bot: thin async handlers that translate and hand over to the core.

Students talk in private chats; each unit's staff in its group. Every update is handled once
(the update id is recorded first), outgoing notifications come from the outbox, and optional
calls (the command menu) may fail without stopping the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telegram import BotCommand, ForceReply, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.app import FrontDesk
from bot.channels.telegram.staff import STAFF_PREFIX, STATE_CHANNEL, StaffDesk, card_keyboard
from bot.channels.telegram.translate import CHANNEL, chunks, incoming, render
from bot.conversation.notifications import student_reply
from bot.tickets.outbox import Notification

log = logging.getLogger(__name__)

STAFF_COMMANDS = {"queue"}
_STAFF_ONLY = "该操作仅限部门工作人员在部门群中使用。/ Staff only, in a unit's staff group."


class TelegramFrontDesk:
    """The handlers, bound to one FrontDesk."""

    def __init__(self, frontdesk: FrontDesk, unit_groups: Mapping[str, int]) -> None:
        self.desk = frontdesk
        self.unit_groups = dict(unit_groups)
        self.staff = StaffDesk(frontdesk, unit_groups)

    async def once(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop a redelivered update before any handler sees it."""
        if not self.desk.processed_updates.first_time(CHANNEL, str(update.update_id)):
            log.info("update %s seen before; ignored", update.update_id)
            raise ApplicationHandlerStop

    async def private(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A student's message, command or button press in a private chat."""
        message = incoming(update)
        chat = update.effective_chat
        if message is None or chat is None:
            return
        if update.callback_query is not None:
            await _answer_callback(update)
            if message.text.startswith(STAFF_PREFIX):
                await context.bot.send_message(chat.id, _STAFF_ONLY)
                return
        if message.kind == "command" and message.text.split("@")[0].lower() in STAFF_COMMANDS:
            await context.bot.send_message(chat.id, _STAFF_ONLY)
            return
        for reply in self.desk.conversation.handle(message):
            for text, markup in render(reply):
                await context.bot.send_message(chat.id, text, reply_markup=markup)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: a student's in a private chat, staff's in a group."""
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await self.private(update, context)
        else:
            await self.group_button(update, context)

    async def group_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A card button pressed in a staff group."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None or user is None:
            return
        await _answer_callback(update)
        actor = self.staff.actor(str(user.id), user.full_name, str(chat.id))
        if actor is None or not (query.data or "").startswith(STAFF_PREFIX):
            await context.bot.send_message(chat.id, _STAFF_ONLY)
            return
        outcome = self.staff.button(actor, query.data or "")
        markup: InlineKeyboardMarkup | ForceReply | None = outcome.keyboard
        if outcome.prompt_for is not None:
            markup = ForceReply(selective=True)
        sent = await context.bot.send_message(chat.id, outcome.text, reply_markup=markup)
        if outcome.ticket_id is not None:
            self.desk.message_links.link(
                CHANNEL, str(chat.id), str(sent.message_id), outcome.ticket_id
            )
        if outcome.prompt_for is not None:
            pending = {**outcome.prompt_for, "prompt": sent.message_id}
            self.desk.states.put(STATE_CHANNEL, f"{chat.id}:{user.id}", pending)

    async def group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a staff group: /queue, a reason asked for, or a reply to a ticket's message."""
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None or message.text is None:
            return
        actor = self.staff.actor(str(user.id), user.full_name, str(chat.id))
        if actor is None:
            return  # a group the bot does not serve
        text = message.text
        if text.startswith("/"):
            command = text[1:].split(maxsplit=1)[0].split("@")[0].lower()
            if command == "queue":
                for piece in chunks(self.staff.queue(str(chat.id))):
                    await context.bot.send_message(chat.id, piece)
            return
        replied = message.reply_to_message
        if replied is None:
            return  # ordinary conversation among staff
        key = f"{chat.id}:{user.id}"
        pending = self.desk.states.get(STATE_CHANNEL, key)
        if pending and pending.get("prompt") == replied.message_id:
            self.desk.states.put(STATE_CHANNEL, key, {})
            outcome = self.staff.reason(actor, pending, text)
        else:
            ticket_id = self.desk.message_links.ticket_for(
                CHANNEL, str(chat.id), str(replied.message_id)
            )
            if ticket_id is None:
                return
            outcome = self.staff.reply(actor, ticket_id, text)
        await context.bot.send_message(
            chat.id, outcome.text, reply_to_message_id=message.message_id
        )

    async def deliver(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send what the outbox holds for Telegram students and the configured staff groups."""
        for notification in self.desk.outbox.claim(CHANNEL, units=list(self.unit_groups)):
            try:
                await self._send(context, notification)
            except TelegramError as error:
                log.warning("notification %s not delivered: %s", notification.id, error)
                self.desk.outbox.mark_failed(notification.id, str(error))
            else:
                self.desk.outbox.mark_sent(notification.id)

    async def housekeeping(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every minute: pick up KB edits, sweep the SLA clock (both logged, never fatal)."""
        try:
            self.desk.housekeeping()
        except Exception:  # the bot must keep serving students even if a sweep fails
            log.exception("housekeeping failed")

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, notification: Notification) -> None:
        if notification.recipient == "student":
            for text, markup in render(student_reply(notification)):
                await context.bot.send_message(int(notification.address), text, reply_markup=markup)
            return
        chat_id = self.unit_groups[notification.address]
        parts = chunks(notification.text)
        for number, text in enumerate(parts):
            last = number == len(parts) - 1
            card = notification.kind == "new_ticket" and notification.ticket_id is not None
            markup = (
                card_keyboard(notification.ticket_id)
                if card and last and notification.ticket_id
                else None
            )
            sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
            if notification.ticket_id is not None:
                self.desk.message_links.link(
                    CHANNEL, str(chat_id), str(sent.message_id), notification.ticket_id
                )


async def _answer_callback(update: Update) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
    except TelegramError as error:  # an expired query must not stop the action itself
        log.info("could not answer callback query: %s", error)


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu: nice to have, so a failure is logged and the bot starts anyway."""
    try:
        await application.bot.set_my_commands(
            [
                BotCommand("start", "开始 / start"),
                BotCommand("help", "帮助 / help"),
                BotCommand("status", "我的问题进度 / my questions"),
                BotCommand("new", "新问题 / new question"),
                BotCommand("cancel", "取消 / cancel"),
            ]
        )
    except TelegramError as error:
        log.warning("could not set the command menu: %s", error)
