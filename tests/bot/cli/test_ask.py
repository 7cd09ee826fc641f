"""`frontdesk ask`: the human form and the `--jsonl` matching contract of DESIGN.md."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

from bot.cli import main
from bot.clock import ManualClock
from tests.bot.cli.conftest import CliRunner
from tests.support.tickets import START

DEMO_KB = Path(__file__).parents[3] / "kb"
MINIMAL_KB = Path(__file__).parents[2] / "data" / "kb" / "minimal"

ODD_LINES = [
    "",
    "   ",
    "🙂🙂🙂",
    "<b>缓考</b> *申请* _怎么_ [办](http://x)",
    "宿舍" * 2000,
    '{"question": "not json input"}',
    "\t缓考\t",
    "Ｗｉｆｉ　连不上",
    "校園網連不上怎麼辦",
    "how do I apply for a deferred exam?",
    "vpn连不上",
    "老师您好，我是大二的学生，想问一下补考什么时候开始呀，谢谢老师",
    "\\x00 \\u0000 null",
    "DROP TABLE tickets;",
]


def _questions(count: int) -> list[str]:
    rng = random.Random(7)
    kb_words = [
        "缓考",
        "补考",
        "校园网",
        "wifi",
        "密码",
        "成绩单",
        "奖学金",
        "宿舍",
        "食堂",
        "投诉",
    ]
    lines = list(ODD_LINES)
    while len(lines) < count:
        lines.append("".join(rng.choice(kb_words) for _ in range(rng.randint(1, 4))))
    return lines[:count]


def test_jsonl_follows_the_contract_for_500_mixed_lines(cli: CliRunner) -> None:
    questions = _questions(500)
    result = cli("ask", "--kb", str(DEMO_KB), "--jsonl", stdin="\n".join(questions) + "\n")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert len(records) == 500
    for question, record in zip(questions, records, strict=True):
        assert set(record) == {"question", "decision", "entry", "unit", "score", "candidates"}
        assert record["question"] == question
        assert record["decision"] in {"answer", "suggest", "route"}
        assert isinstance(record["score"], float)
        assert len(record["candidates"]) >= 3
        scores = [c["score"] for c in record["candidates"]]
        assert scores == sorted(scores, reverse=True)
        assert all(set(c) == {"entry", "score"} for c in record["candidates"])
        if record["decision"] == "answer":
            assert record["entry"] == record["candidates"][0]["entry"]
        if record["decision"] == "route":
            assert record["entry"] is None
            assert isinstance(record["unit"], str)


def test_human_form_names_the_decision_and_candidates(cli: CliRunner) -> None:
    result = cli("ask", "--kb", str(MINIMAL_KB), "缓考怎么申请")
    assert result.code == 0
    assert "jwc-deferred-exam" in result.out
    assert "candidates:" in result.out


def test_human_form_marks_the_choices_a_student_is_offered(cli: CliRunner) -> None:
    result = cli("ask", "--kb", str(MINIMAL_KB), "没参加考试")
    assert result.code == 0
    lines = {line.split()[2]: line for line in result.out.splitlines() if line.startswith("  ")}
    assert lines["jwc-makeup-exam"].endswith("(offered)")
    assert not lines["nic-wifi-connect"].endswith("(offered)")


def test_no_question_is_a_clear_error(cli: CliRunner) -> None:
    result = cli("ask", "--kb", str(MINIMAL_KB))
    assert result.code == 1
    assert "--jsonl" in result.err


def test_a_broken_kb_is_reported_not_a_traceback(cli: CliRunner) -> None:
    broken = Path(__file__).parents[2] / "data" / "kb" / "broken"
    result = cli("ask", "--kb", str(broken), "缓考")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert ".toml:" in result.err


class FlushedOutput(io.StringIO):
    """Standard output that remembers what had been flushed."""

    flushed = ""

    def flush(self) -> None:
        self.flushed = self.getvalue()


def test_jsonl_answers_each_line_before_it_reads_the_next(tmp_path: Path) -> None:
    # A caller that writes a question and waits for its answer line (as one timing each
    # question does) gets it at once, not when the output buffer fills or stdin closes.
    out = FlushedOutput()
    answered_before_next: list[int] = []

    def typed() -> Iterator[str]:
        for question in ("校园卡丢了怎么办", "图书馆几点开门", "Where is the service hall?"):
            yield question + "\n"
            answered_before_next.append(len(out.flushed.splitlines()))

    code = main(
        ["ask", "--kb", str(DEMO_KB), "--jsonl"],
        environ={
            "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "FRONTDESK_EMBEDDINGS": "0",
            "FRONTDESK_CACHE_DIR": str(tmp_path / "cache"),
        },
        clock=ManualClock(START),
        stdin=typed(),  # type: ignore[arg-type]
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == 0
    assert answered_before_next == [1, 2, 3]
    assert json.loads(out.flushed.splitlines()[0])["question"] == "校园卡丢了怎么办"
