"""Benchmark: the Telegram channel's round trip and its own update throughput.

    python bench/telegram_bench.py [--messages 100] [--updates 2000]

1. Round trip through the telegram-test-api emulator: a student's message posted to the
   emulator -> the bot (real python-telegram-bot Application, long polling) -> the bot's
   answer visible in the emulator. Median and p95 over `--messages` questions, sequential.
2. Update handling throughput: offline `Update`s fed to `Application.process_update` with the
   HTTP layer replaced by an in-process fake Bot API (httpx MockTransport), so it measures the
   bot's own work (translation, matching, dialogue state in SQLite, replies) — updates/s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.app import build_frontdesk  # noqa: E402
from bot.channels.telegram import build_application  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    Chats,
    Person,
    RunningBot,
    emulator_process,
    new_token,
)
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402
from tests.support.tickets import service_settings  # noqa: E402

QUESTIONS = ["缓考怎么申请", "校园网连不上", "成绩单怎么打印", "饭卡丢了", "图书怎么续借"]


async def round_trips(emulator: str, count: int, database: str) -> list[float]:
    bot = RunningBot(emulator, new_token(), database, kb_dir=ROOT / "kb")
    await bot.start()
    samples: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            chats = Chats(emulator, bot.token, http)
            for number in range(count):
                student = Person(10_000 + number, "学生")
                started = time.perf_counter()
                await chats.say(student, QUESTIONS[number % len(QUESTIONS)])
                await chats.wait_for(student.id, lambda _m: True, within=10)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        await bot.stop()
    return samples


async def throughput(total: int, folder: Path, *, flood_limits: bool) -> float:
    settings = service_settings(f"sqlite:///{folder / f'throughput-{flood_limits}.db'}")
    settings = replace(
        settings,
        kb_dir=ROOT / "kb",
        matching=replace(settings.matching, embeddings=False),
        telegram=replace(settings.telegram, token="1:BENCH"),
    )
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=folder)
    api = FakeBotApi()
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    application = build_application(desk, settings, request=request, flood_limits=flood_limits)
    updates = [
        {
            "update_id": number + 1,
            "message": {
                "message_id": number + 1,
                "date": 1795312800,
                "chat": {"id": 100 + number % 50, "type": "private", "first_name": "学生"},
                "from": {"id": 100 + number % 50, "is_bot": False, "first_name": "学生"},
                "text": QUESTIONS[number % len(QUESTIONS)],
            },
        }
        for number in range(total)
    ]
    async with application:
        started = time.perf_counter()
        for payload in updates:
            await application.process_update(Update.de_json(payload, application.bot))
        elapsed = time.perf_counter() - started
    desk.close()
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--updates", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, emulator_process() as emulator:
        samples = asyncio.run(round_trips(emulator, args.messages, f"sqlite:///{folder}/rt.db"))
        print(
            f"round trip via telegram-test-api ({len(samples)} messages, bot polling every "
            f"50 ms): median {statistics.median(samples):.1f} ms, "
            f"p95 {float(np.percentile(samples, 95)):.1f} ms"
        )
        own = asyncio.run(throughput(args.updates, Path(folder), flood_limits=False))
        print(
            f"update handling, offline ({args.updates} text updates, SQLite, no flood "
            f"limiter): {own:.0f} updates/s"
        )
        limited = asyncio.run(throughput(200, Path(folder), flood_limits=True))
        print(
            f"same with Telegram's flood limiter on (2 messages per answer, 30 messages/s): "
            f"{limited:.0f} updates/s"
        )


if __name__ == "__main__":
    main()
