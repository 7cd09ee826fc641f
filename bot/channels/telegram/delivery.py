"""The outbox, delivered: notifications for Telegram students and for the unit groups.

A repeating job claims what is pending (row locks make several bot processes safe) and hands
each notification to the sender of its chat: one task per chat, so a chat's messages keep
their order while a group held back by Telegram's flood limits (20 messages a minute) never
delays a student's reply. Every message sent to a group is linked with its ticket, so a staff
reply to it reaches the student; each notification is marked sent, or failed to be retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Mapping

from telegram import Bot
from telegram.error import ChatMigrated, Forbidden, TelegramError

from bot.app import FrontDesk
from bot.channels.telegram.payloads import CallbackPayloads
from bot.channels.telegram.staff import card_buttons
from bot.channels.telegram.translate import CHANNEL, chunks, grid, render
from bot.conversation.notifications import student_reply
from bot.tickets.outbox import Notification

log = logging.getLogger(__name__)

# Unit notifications that put a ticket (back) on a group's desk get the card's buttons.
CARD_KINDS = frozenset({"new_ticket", "reopened"})


class Delivery:
    """Sends the outbox's notifications for this channel, chat by chat."""

    def __init__(
        self, frontdesk: FrontDesk, unit_groups: Mapping[str, int], payloads: CallbackPayloads
    ) -> None:
        self._desk = frontdesk
        self._groups = dict(unit_groups)
        self._payloads = payloads
        self._queues: dict[int, deque[Notification]] = {}
        self._senders: dict[int, asyncio.Task[None]] = {}
        self.sent = 0  # notifications delivered since start

    def claim(self, bot: Bot) -> int:
        """Claim what is pending and queue it on its chat's sender; returns how many."""
        claimed = self._desk.outbox.claim(CHANNEL, units=list(self._groups))
        for notification in claimed:
            chat_id = self._chat_of(notification)
            if chat_id is None:
                log.error("notification %s has no Telegram chat", notification.id)
                self._desk.outbox.mark_failed(notification.id, "no chat", retry=False)
                continue
            self._queues.setdefault(chat_id, deque()).append(notification)
            sender = self._senders.get(chat_id)
            if sender is None or sender.done():
                self._senders[chat_id] = asyncio.create_task(
                    self._send_queue(bot, chat_id), name=f"telegram-deliver-{chat_id}"
                )
        return len(claimed)

    async def deliver(self, bot: Bot) -> int:
        """Claim and send everything pending now, waiting for it; returns how many were sent."""
        before = self.sent
        self.claim(bot)
        await asyncio.gather(*self._senders.values())
        return self.sent - before

    async def close(self, grace: float = 5.0) -> None:
        """Let the senders finish for up to `grace` seconds, then stop them; whatever is left
        goes back to the outbox for the next start (or another process)."""
        senders = [task for task in self._senders.values() if not task.done()]
        if senders:
            await asyncio.wait(senders, timeout=grace)
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        for queue in self._queues.values():
            for notification in queue:
                self._desk.outbox.mark_failed(notification.id, "the bot stopped before sending")
        self._queues.clear()
        self._senders.clear()

    async def _send_queue(self, bot: Bot, chat_id: int) -> None:
        queue = self._queues[chat_id]
        while queue:
            await self._deliver_one(bot, chat_id, queue[0])
            queue.popleft()  # only once handled: a cancelled send stays queued for close()

    async def _deliver_one(self, bot: Bot, chat_id: int, notification: Notification) -> None:
        outbox = self._desk.outbox
        try:
            await self._send(bot, chat_id, notification)
        except Forbidden as error:  # the student blocked the bot or left: no use retrying
            log.warning("notification %s refused: %s", notification.id, error)
            outbox.mark_failed(notification.id, str(error), retry=False)
        except ChatMigrated as error:
            unit = notification.address
            log.error(
                "the group of unit %s became a supergroup: set unit_groups.%s = %s",
                *(unit, unit, error.new_chat_id),
            )
            outbox.mark_failed(notification.id, str(error))
        except TelegramError as error:
            log.warning("notification %s not delivered: %s", notification.id, error)
            outbox.mark_failed(notification.id, str(error))
        except Exception as error:  # a sender must survive anything for the next message
            log.exception("notification %s failed", notification.id)
            outbox.mark_failed(notification.id, repr(error))
        else:
            outbox.mark_sent(notification.id)
            self.sent += 1

    async def _send(self, bot: Bot, chat_id: int, notification: Notification) -> None:
        if notification.recipient == "student":
            for text, markup in render(student_reply(notification), self._payloads.shorten):
                await bot.send_message(chat_id, text, reply_markup=markup)
            return
        ticket_id = notification.ticket_id
        card = card_buttons(ticket_id) if ticket_id and notification.kind in CARD_KINDS else ()
        parts = chunks(notification.text)
        for number, text in enumerate(parts):
            markup = grid(card, self._payloads.shorten) if number == len(parts) - 1 else None
            message = await bot.send_message(chat_id, text, reply_markup=markup)
            if ticket_id is not None:
                self._desk.message_links.link(
                    CHANNEL, str(chat_id), str(message.message_id), ticket_id
                )

    def _chat_of(self, notification: Notification) -> int | None:
        if notification.recipient == "unit":
            return self._groups.get(notification.address)
        try:
            return int(notification.address)
        except ValueError:
            return None
