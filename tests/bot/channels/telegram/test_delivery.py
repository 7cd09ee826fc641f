"""The outbox delivery job: what is sent where, linked, marked, retried or given up."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.telegram.delivery import Delivery
from bot.tickets.model import Actor
from tests.bot.channels.telegram.conftest import UNIT_GROUPS, TelegramWorld

STUDENT = 4242
STAFF_ADMIN = Actor("admin", "telegram:999", "管理员")
JWC_GROUP = UNIT_GROUPS["jwc"]


async def _ticket(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])


async def test_cards_are_sent_once_and_linked_to_their_ticket(world: TelegramWorld) -> None:
    await _ticket(world)
    assert await world.deliver() == 1
    assert await world.deliver() == 0  # marked sent: never twice
    (card,) = world.api.to(JWC_GROUP)
    link = world.desk.message_links.ticket_for("telegram", str(JWC_GROUP), str(card.message_id))
    assert link == 1


async def test_a_blocked_student_is_not_retried(world: TelegramWorld) -> None:
    await _ticket(world)
    await world.deliver()
    card = world.api.last(JWC_GROUP)
    world.api.fail_chat(STUDENT, 403, "Forbidden: bot was blocked by the user")
    await world.send("group_reply", reply_to=card.message_id, text="给被屏蔽者的答复")
    assert await world.deliver() == 0
    world.api.fail_chats.clear()
    assert await world.deliver() == 0
    assert "给被屏蔽者的答复" not in world.api.texts(STUDENT)


async def test_a_passing_failure_is_retried_on_the_next_run(world: TelegramWorld) -> None:
    await _ticket(world)
    world.api.fail_chat(JWC_GROUP, 400, "Bad Request: something transient")
    assert await world.deliver() == 0
    world.api.fail_chats.clear()
    assert await world.deliver() == 1
    assert "#1" in world.api.last(JWC_GROUP).text


async def test_a_group_that_became_a_supergroup_is_reported_with_its_new_id(
    world: TelegramWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await _ticket(world)
    world.api.fail_chat(
        JWC_GROUP,
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )
    assert await world.deliver() == 0
    assert "unit_groups.jwc = -1001234" in caplog.text


async def test_a_group_held_back_by_flood_limits_does_not_delay_students(
    world: TelegramWorld,
) -> None:
    await _ticket(world)
    held = world.api.held_chats[JWC_GROUP] = asyncio.Event()
    delivery: Delivery = world.application.bot_data["delivery"]
    assert delivery.claim(world.application.bot) == 1  # the card, stuck on the group's limit
    world.desk.tickets.reply(1, STAFF_ADMIN, "先答复学生")
    assert delivery.claim(world.application.bot) == 1
    for _ in range(100):
        if "先答复学生" in world.api.texts(STUDENT):
            break
        await asyncio.sleep(0.01)
    assert "先答复学生" in world.api.texts(STUDENT)
    assert world.api.to(JWC_GROUP) == []
    held.set()
    await delivery.deliver(world.application.bot)
    assert "#1" in world.api.last(JWC_GROUP).text


async def test_stopping_returns_unsent_notifications_to_the_outbox(world: TelegramWorld) -> None:
    await _ticket(world)
    world.api.held_chats[JWC_GROUP] = asyncio.Event()  # never set: the send hangs
    delivery: Delivery = world.application.bot_data["delivery"]
    delivery.claim(world.application.bot)
    await delivery.close(grace=0.05)
    del world.api.held_chats[JWC_GROUP]
    assert await world.deliver() == 1  # the next start (or process) sends it
    assert "#1" in world.api.last(JWC_GROUP).text
