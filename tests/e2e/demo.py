"""A one-command Telegram demo without a token: the emulator, the real bot, a scripted visit.

    .venv/bin/python -m tests.e2e.demo        (after scripts/setup.sh --tests)

Starts telegram-test-api on 127.0.0.1, runs Front Desk's Telegram bot against it (long polling,
the knowledge base in kb/), then plays a student and a staff member and prints what each side
sees: an answer, a ticket, the card in the staff group, a staff reply, a follow-up, the
resolution and the rating.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bot.app import FrontDesk
from bot.kb.loader import load_kb
from tests.e2e.harness import (
    ROOT,
    Chats,
    Person,
    RunningBot,
    buttons,
    e2e_settings,
    emulator_process,
    new_token,
)

STUDENT = Person(4242, "小明")
STAFF = Person(777, "李老师")
ASK_A_PERSON = ("没解决，转人工", "都不是，转人工")


def show(who: str, message: dict[str, Any]) -> None:
    labels = "  ".join(f"[{label}]" for label in buttons(message))
    text = str(message.get("text", "")).replace("\n", "\n" + " " * 12)
    print(f"  bot → {who}: {text}" + (f"\n            {labels}" if labels else ""))


def group_of(desk: FrontDesk, ticket_id: int) -> tuple[int, str]:
    unit = desk.tickets.get(ticket_id).unit
    return desk.settings.telegram.unit_groups[unit], desk.tickets.unit_name(unit)


async def play(emulator: str, database: str, question: str) -> None:
    token = new_token()
    kb = ROOT / "kb"
    groups = {unit: -1000 - number for number, unit in enumerate(sorted(load_kb(kb).units))}
    bot = RunningBot(e2e_settings(emulator, token, database, kb, groups))
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            chats = Chats(emulator, token, http)
            print(f"student: {question}")
            await chats.say(STUDENT, question)
            offer = await chats.wait_for(STUDENT.id, lambda m: bool(buttons(m)))
            show("student", offer)
            label = next((b for b in buttons(offer) if b in ASK_A_PERSON), None)
            if label is not None:  # an answer or suggestions: the student wants a person
                print(f"student presses [{label}]")
                await chats.press(STUDENT, offer, label)
                show("student", await chats.wait_text(STUDENT.id, "#1"))
            group, unit = group_of(bot.desk, 1)
            card = await chats.wait_text(group, "#1")
            show(f"{unit} group", card)
            print(
                f"{STAFF.first_name} (in the {unit} group) replies to the card: 请带学生证到办公室"
            )
            await chats.say(STAFF, "请带学生证到办公室", chat_id=group, reply_to=card)
            show("student", await chats.wait_text(STUDENT.id, "学生证"))
            print("student: 好的，几点下班？")
            await chats.say(STUDENT, "好的，几点下班？")
            show("student", await chats.wait_text(STUDENT.id, "已补充"))
            show(f"{unit} group", await chats.wait_text(group, "几点下班"))
            print(f"{STAFF.first_name} presses [办结 resolve]")
            await chats.press(STAFF, card, "办结 resolve")
            show(f"{unit} group", await chats.wait_text(group, "办结"))
            show("student", await chats.wait_text(STUDENT.id, "已办结"))
            rating = await chats.wait_button(STUDENT.id, "5 ★★★★★")
            show("student", rating)
            print("student presses [5 ★★★★★]")
            await chats.press(STUDENT, rating, "5 ★★★★★")
            show("student", await chats.wait_text(STUDENT.id, "感谢评价"))
    finally:
        await bot.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Front Desk on a local Telegram emulator")
    parser.add_argument("--question", default="我的校园卡丢了，怎么补办？")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="  (bot log) %(message)s")
    with tempfile.TemporaryDirectory() as folder, emulator_process() as emulator:
        print(f"telegram-test-api at {emulator}; Front Desk long-polling it\n")
        asyncio.run(play(emulator, f"sqlite:///{Path(folder) / 'demo.db'}", args.question))


if __name__ == "__main__":
    main()
