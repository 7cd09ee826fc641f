"""Benchmark of the Telegram channel: round trip through the emulator, own update throughput.

    .venv/bin/python bench/telegram_bench.py [--messages 200] [--updates 2000] [--kb kb]

1. Round trip: a student's message posted to the telegram-test-api emulator -> the bot (the
   shipped `run_telegram`, long polling every 50 ms) -> the bot's first reply visible in the
   emulator. Median and p95 over `--messages` questions, one after another.
2. Throughput of the bot's own update handling: offline `Update`s (private text messages from
   50 students) fed to `Application.process_update`, with the HTTP layer replaced by an
   in-process fake Bot API (httpx MockTransport) and no flood limiter — translation,
   idempotency record, matching, dialogue state in SQLite, replies through PTB — updates/s.
Needs Node.js and `npm ci` for part 1.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.app import build_frontdesk  # noqa: E402
from bot.channels.telegram import build_application  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from tests.bot.channels.telegram.fake_api import FakeBotApi  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    Chats,
    Person,
    RunningBot,
    e2e_settings,
    emulator_process,
    new_token,
)

QUESTIONS = ["缓考怎么申请", "校园网连不上", "成绩单怎么打印", "校园卡丢了怎么办", "图书怎么续借"]


async def round_trips(emulator: str, count: int, database: str, kb: Path) -> list[float]:
    """Milliseconds from a student's message to the bot's first reply, per message."""
    token = new_token()
    bot = RunningBot(e2e_settings(emulator, token, database, kb))
    await bot.start()
    samples: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            chats = Chats(emulator, token, http)
            await chats.say(Person(9999, "warm-up"), "你好")
            await chats.wait_for(9999, lambda _m: True)
            for number in range(count):
                student = Person(10_000 + number, "学生")
                started = time.perf_counter()
                await chats.say(student, QUESTIONS[number % len(QUESTIONS)])
                await chats.wait_for(student.id, lambda _m: True, within=10)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        await bot.stop()
    return samples


async def throughput(total: int, folder: Path, kb: Path) -> float:
    """Updates per second handled by the Application, the Bot API answering in-process."""
    settings = e2e_settings("http://unused", "1:BENCH", f"sqlite:///{folder / 'own.db'}", kb)
    settings = replace(settings, telegram=replace(settings.telegram, base_url="http://x/bot"))
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=folder)
    api = FakeBotApi()
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    application = build_application(desk, settings, request=request, flood_limits=False)
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
    assert len(api.sent) >= total, "every update should have been answered"
    return total / elapsed


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--kb", type=Path, default=ROOT / "kb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        with emulator_process() as emulator:
            database = f"sqlite:///{Path(folder) / 'rt.db'}"
            samples = asyncio.run(round_trips(emulator, args.messages, database, args.kb))
        print(
            f"round trip student -> bot reply via telegram-test-api ({len(samples)} messages, "
            f"bot polling every 50 ms): median {statistics.median(samples):.1f} ms, "
            f"p95 {percentile(samples, 0.95):.1f} ms"
        )
        rate = asyncio.run(throughput(args.updates, Path(folder), args.kb))
        print(
            f"own update handling, offline Updates ({args.updates} student text messages, "
            f"SQLite, no flood limiter): {rate:.0f} updates/s"
        )


if __name__ == "__main__":
    main()
