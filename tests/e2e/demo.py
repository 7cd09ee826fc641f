"""A one-command Telegram demo without a token: the emulator, the real bot, a scripted visit.

    scripts/telegram-demo.sh

Starts telegram-test-api, runs Front Desk's Telegram bot against it, then plays a student
and two staff members and prints every message each side sees: an answer, a ticket, the
card in the staff group, a staff reply, a transfer, the resolution and the rating.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.harness import (
    ROOT,
    Chats,
    Person,
    RunningBot,
    buttons,
    emulator_process,
    new_token,
)

STUDENT = Person(4242, "小明")
JWC_STAFF = Person(777, "李老师")
NIC_STAFF = Person(778, "王老师")
JWC, NIC = -200, -100


def show(who: str, message: dict[str, Any]) -> None:
    labels = "  ".join(f"[{label}]" for label in buttons(message))
    print(f"  bot → {who}: {message.get('text', '')}" + (f"\n        {labels}" if labels else ""))


async def play(emulator: str, database: str) -> None:
    bot = RunningBot(emulator, new_token(), database, kb_dir=ROOT / "kb")
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            chats = Chats(emulator, bot.token, http)
            print("student: 缓考怎么申请")
            await chats.say(STUDENT, "缓考怎么申请")
            show("student", await chats.wait_text(STUDENT.id, "缓考"))
            ask = await chats.wait_for(STUDENT.id, lambda m: "已解决" in buttons(m))
            show("student", ask)
            print("student presses [没解决，转人工]")
            await chats.press(STUDENT, ask, "没解决，转人工")
            show("student", await chats.wait_text(STUDENT.id, "#1"))
            card = await chats.wait_text(JWC, "#1")
            show("教务处 group", card)
            print("李老师 replies to the card: 请上传医院诊断证明")
            await chats.say(JWC_STAFF, "请上传医院诊断证明", chat_id=JWC, reply_to=card)
            show("student", await chats.wait_text(STUDENT.id, "诊断证明"))
            print("student: 好的，已经上传了")
            await chats.say(STUDENT, "好的，已经上传了")
            show("student", await chats.wait_text(STUDENT.id, "已补充"))
            show("教务处 group", await chats.wait_text(JWC, "已经上传"))
            print("李老师 presses [办结 resolve]")
            await chats.press(JWC_STAFF, card, "办结 resolve")
            show("student", await chats.wait_text(STUDENT.id, "已办结"))
            rating = await chats.wait_for(STUDENT.id, lambda m: "5 ★★★★★" in buttons(m))
            show("student", rating)
            print("student presses [5 ★★★★★]")
            await chats.press(STUDENT, rating, "5 ★★★★★")
            show("student", await chats.wait_text(STUDENT.id, "感谢评价"))
            print("student: /status")
            await chats.say(STUDENT, "/status")
            show("student", await chats.wait_text(STUDENT.id, "您的问题"))
    finally:
        await bot.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, emulator_process() as emulator:
        print(f"telegram-test-api at {emulator}; Front Desk polling it\n")
        asyncio.run(play(emulator, f"sqlite:///{Path(folder) / 'demo.db'}"))


if __name__ == "__main__":
    main()
