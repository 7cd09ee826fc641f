"""The bot's update handlers: thin, typed, translating in and out; the core decides.

Students talk in private chats; each unit's staff in its group. Every update is handled once
(its id is recorded first). Optional calls (answering a button press, removing spent buttons,
the command menu) may fail without stopping anything.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.app import FrontDesk
from bot.channels.commands import command_of
from bot.channels.telegram.payloads import CallbackPayloads
from bot.channels.telegram.staff import STAFF_PREFIX, PendingReason, StaffDesk, StaffOutcome
from bot.channels.telegram.translate import CHANNEL, chunks, grid, incoming, render
from bot.tickets.model import Actor

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
PROMPTS = "telegram-prompt"  # ConversationStates "channel": prompts waiting for a reason
STAFF_COMMANDS = frozenset({"queue", "ask", "complex"})
STAFF_ONLY = (
    "抱歉，该操作仅限部门工作人员在本部门群中使用。\n"
    "Sorry, that is only for staff, in their unit's group."
)
UNKNOWN_GROUP = (
    "本群不是任何部门的工作群。群 ID：{chat_id}（在 channels.telegram.unit_groups 中配置）"
)
TEXT_ONLY = "只能转达文字消息，请用文字回复。"
OOPS = "抱歉，系统暂时出错，请稍后再试。\nSorry, something went wrong; please try again."
STAFF_HELP = (
    "回复问题卡片或学生的消息即可答复学生（以部门名义）。\n"
    "/queue 本部门待办及剩余时间\n"
    "回复卡片发送 /ask 内容：向学生询问补充信息（办结计时暂停）\n"
    "回复卡片发送 /complex 2026-12-05 说明：标为复杂问题并承诺办结日期"
)


class TelegramFrontDesk:
    """The handlers, bound to one FrontDesk and the configured unit groups."""

    def __init__(self, frontdesk: FrontDesk, unit_groups: Mapping[str, int]) -> None:
        self.desk = frontdesk
        self.staff = StaffDesk(frontdesk, unit_groups)
        self.payloads = CallbackPayloads(frontdesk.states)

    async def once(self, update: Update, _context: Context) -> None:
        """Stop a redelivered update before any other handler sees it."""
        if not self.desk.processed_updates.first_time(CHANNEL, str(update.update_id)):
            log.info("update %s seen before; ignored", update.update_id)
            raise ApplicationHandlerStop

    async def private(self, update: Update, context: Context) -> None:
        """A student's message, command or button press in a private chat."""
        message, chat = incoming(update), update.effective_chat
        if message is None or chat is None:
            return
        query = update.callback_query
        if query is not None:
            await _answer(query)
            message = dataclasses.replace(message, text=self.payloads.restore(query.data or ""))
            if message.text.startswith(STAFF_PREFIX):
                await context.bot.send_message(chat.id, STAFF_ONLY)
                return
            await _clear_buttons(query)  # a choice is made once; the core says so if replayed
        elif message.kind == "command" and message.text in STAFF_COMMANDS:
            await context.bot.send_message(chat.id, STAFF_ONLY)
            return
        for reply in self.desk.conversation.handle(message):
            for text, markup in render(reply, self.payloads.shorten):
                await context.bot.send_message(chat.id, text, reply_markup=markup)

    async def button(self, update: Update, context: Context) -> None:
        """Any button press: a student's in a private chat, staff's in a group."""
        chat = update.effective_chat
        if chat is not None and chat.type == chat.PRIVATE:
            await self.private(update, context)
        else:
            await self.group_button(update, context)

    async def group_button(self, update: Update, context: Context) -> None:
        """A staff button (card, unit choice) pressed in a group."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None or user is None:
            return
        await _answer(query)
        data = self.payloads.restore(query.data or "")
        actor = self.staff.actor(str(user.id), user.full_name, str(chat.id))
        if actor is None or not data.startswith(STAFF_PREFIX):
            await context.bot.send_message(chat.id, STAFF_ONLY)
            return
        outcome = self.staff.button(actor, data)
        if outcome.clear_pressed:
            await _clear_buttons(query)
        await self._tell_group(context, chat.id, outcome, user)

    async def group_message(self, update: Update, context: Context) -> None:
        """In a staff group: /queue, a reason the bot asked for, a reply to a ticket's message."""
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        text, replied = message.text, message.reply_to_message
        command = command_of(text or "")
        actor = self.staff.actor(str(user.id), user.full_name, str(chat.id))
        if actor is None:  # a group the bot does not serve: say which, to help set it up
            if command in ("queue", "help"):
                log.info("asked in group %s (%s), which is no unit's", chat.id, chat.title)
                await context.bot.send_message(chat.id, UNKNOWN_GROUP.format(chat_id=chat.id))
            return
        if command == "queue":
            for piece in chunks(self.staff.queue(str(chat.id))):
                await context.bot.send_message(chat.id, piece)
            return
        if command == "help":
            await context.bot.send_message(chat.id, STAFF_HELP)
            return
        if replied is None:
            return  # staff talking among themselves
        outcome = self._answer_to(actor, str(chat.id), replied.message_id, text, command)
        if outcome is not None:
            await context.bot.send_message(
                chat.id,
                outcome.text,
                reply_parameters=ReplyParameters(
                    message.message_id, allow_sending_without_reply=True
                ),
            )

    def _answer_to(
        self, actor: Actor, chat_id: str, replied_id: int, text: str | None, command: str | None
    ) -> StaffOutcome | None:
        """A staff reply to the bot's message `replied_id`: the reason a prompt asked for, or
        (to a ticket's card or relayed message) an answer, /ask or /complex. None: not ours."""
        prompt_key = f"{chat_id}:{replied_id}"
        pending = PendingReason.from_state(self.desk.states.get(PROMPTS, prompt_key))
        ticket_id = self.desk.message_links.ticket_for(CHANNEL, chat_id, str(replied_id))
        if pending is None and ticket_id is None:
            return None  # a reply to something that is not about a ticket
        if not text:
            return StaffOutcome(TEXT_ONLY)
        if pending is not None and command is None:
            self.desk.states.put(PROMPTS, prompt_key, {})  # a reason is given once
            return self.staff.reason(actor, pending, text)
        if ticket_id is None:
            return None
        if command is None:
            return self.staff.reply(actor, ticket_id, text)
        if command == "ask":
            return self.staff.reply(actor, ticket_id, _argument(text), ask=True)
        if command == "complex":
            date, _, note = _argument(text).partition(" ")
            return self.staff.mark_complex(actor, ticket_id, date or None, note.strip())
        return None

    async def error(self, update: object, context: Context) -> None:
        """Log any handler's failure; a student is told to try again, not left in silence."""
        log.error("while handling %r", update, exc_info=context.error)
        if not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is not None and chat.type == chat.PRIVATE:
            try:
                await context.bot.send_message(chat.id, OOPS)
            except TelegramError as error:
                log.warning("could not tell chat %s about the failure: %s", chat.id, error)

    async def _tell_group(
        self, context: Context, chat_id: int, outcome: StaffOutcome, user: User
    ) -> None:
        markup: InlineKeyboardMarkup | ForceReply | None = grid(
            outcome.buttons, self.payloads.shorten
        )
        text, entities = outcome.text, None
        if outcome.asks_reason is not None:
            # Mention the presser so the reply box opens for them only (selective ForceReply).
            text = f"{user.full_name}，{text}"
            length = len(user.full_name.encode("utf-16-le")) // 2
            entities = [MessageEntity(MessageEntity.TEXT_MENTION, 0, length, user=user)]
            markup = ForceReply(selective=True, input_field_placeholder="原因 / reason")
        sent = await context.bot.send_message(chat_id, text, reply_markup=markup, entities=entities)
        if outcome.asks_reason is not None:
            key = f"{chat_id}:{sent.message_id}"
            self.desk.states.put(PROMPTS, key, outcome.asks_reason.to_state())


def _argument(text: str) -> str:
    """What follows the command word: "/ask 请上传证明" -> "请上传证明"."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramError as error:  # an expired query must not stop the action itself
        log.info("could not answer a button press: %s", error)


async def _clear_buttons(query: CallbackQuery) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as error:  # e.g. the message is too old to edit; buttons stay, harmless
        log.info("could not remove spent buttons: %s", error)


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menus (students' and staff groups'): nice to have, so a failure is logged
    and the bot runs anyway."""
    private = [
        BotCommand("start", "开始 / start"),
        BotCommand("help", "帮助 / help"),
        BotCommand("status", "我的问题进度 / my questions"),
        BotCommand("new", "新问题 / new question"),
        BotCommand("cancel", "取消 / cancel"),
    ]
    groups = [BotCommand("queue", "本部门待办 / open tickets"), BotCommand("help", "用法 / how to")]
    try:
        await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
        await application.bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())
    except TelegramError as error:
        log.warning("could not set the command menus: %s", error)
