"""Loading the KB: a clean KB loads; every malformed file is reported with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.kb.loader import KBLoadError, inspect_kb, load_kb

DATA = Path(__file__).parents[2] / "data" / "kb"
MINIMAL = DATA / "minimal"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(MINIMAL, target)
    return target


def test_minimal_kb_loads_every_field() -> None:
    kb = load_kb(MINIMAL)
    assert sorted(kb.units) == ["frontdesk", "jwc", "nic"]
    assert kb.units["nic"].aliases == ("网信中心", "信息中心")
    wifi = kb.entry("nic-wifi-connect")
    assert wifi.similar == ("宿舍wifi连不上", "连不上校园网")
    assert wifi.keywords == ("校园网", "wifi")
    assert wifi.complexity == "general"
    assert wifi.answer.startswith("1. 忘记网络后")
    assert wifi.source == "minimal/nic.toml:1"
    assert [e.id for e in kb.entries][:2] == ["jwc-deferred-exam", "jwc-makeup-exam"]


@pytest.mark.parametrize(
    ("broken", "message", "line"),
    [
        ("syntax.toml", "TOML syntax error", 3),
        ("missing_answer.toml", "missing field 'answer'", 1),
        ("empty_answer.toml", "'answer' is empty", 5),
        ("unknown_unit.toml", "unknown unit 'network-center'", 10),
        ("duplicate_id.toml", "duplicate entry id 'jwc-makeup-exam'", 8),
        ("bad_types.toml", "'similar' must be a list of strings", 4),
        ("bad_types.toml", "complexity must be 'general' or 'complex'", 6),
        ("non_ascii_id.toml", "must be ASCII", 2),
        ("not_utf8.toml", "not UTF-8", 0),
        # Lines of a multi-line answer are text, whatever they start with.
        ("answer_with_brackets.toml", "unknown unit 'network-center'", 16),
        # Nor does a comment or an escaped quote inside an answer open or close one.
        ("comment_with_quotes.toml", "unknown unit 'network-center'", 15),
        # A byte-order mark (Windows Notepad writes one) is no syntax error.
        ("bom_unknown_unit.toml", "unknown unit 'network-center'", 10),
    ],
)
def test_broken_file_is_reported_with_file_and_line(
    kb_copy: Path, broken: str, message: str, line: int
) -> None:
    shutil.copy(DATA / "broken" / broken, kb_copy / "nic.toml")
    result = inspect_kb(kb_copy)
    assert result.kb is None
    matching = [p for p in result.errors if message in p.message]
    assert matching, [str(p) for p in result.problems]
    assert matching[0].file == "kb/nic.toml"
    assert matching[0].line == line
    assert str(matching[0]).startswith(f"kb/nic.toml:{line}: error:" if line else "kb/nic.toml:")
    with pytest.raises(KBLoadError) as raised:
        load_kb(kb_copy)
    assert message in str(raised.value)


def test_all_errors_are_collected_not_just_the_first(kb_copy: Path) -> None:
    shutil.copy(DATA / "broken" / "unknown_unit.toml", kb_copy / "nic.toml")
    shutil.copy(DATA / "broken" / "empty_answer.toml", kb_copy / "extra.toml")
    messages = [p.message for p in inspect_kb(kb_copy).errors]
    assert any("unknown unit" in m for m in messages)
    assert any("duplicate entry id 'nic-wifi-connect'" in m for m in messages)
    assert any("'answer' is empty" in m for m in messages)


def test_unknown_fields_are_warnings_and_optional_fields_load(kb_copy: Path) -> None:
    text = (kb_copy / "jwc.toml").read_text(encoding="utf-8")
    (kb_copy / "jwc.toml").write_text(text + 'reviewed_by = "张老师"\n', encoding="utf-8")
    result = inspect_kb(kb_copy)
    assert result.kb is not None
    assert [p.severity for p in result.problems] == ["warning"]
    assert "reviewed_by" in result.problems[0].message


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_units", "units.toml is missing"),
        ("no_folder", "knowledge-base folder not found"),
        ("bad_synonyms", "a synonym group needs at least two words"),
    ],
)
def test_kb_level_problems(kb_copy: Path, setup: str, message: str) -> None:
    target = kb_copy
    if setup == "no_units":
        (kb_copy / "units.toml").unlink()
    elif setup == "no_folder":
        target = kb_copy / "missing"
    else:
        (kb_copy / "synonyms").mkdir()
        (kb_copy / "synonyms" / "s.toml").write_text(
            '[[synonym]]\nwords = ["饭卡"]\n', encoding="utf-8"
        )
    result = inspect_kb(target)
    assert result.kb is None
    assert any(message in p.message for p in result.errors), result.problems


def test_synonym_groups_are_loaded(kb_copy: Path) -> None:
    (kb_copy / "synonyms").mkdir()
    (kb_copy / "synonyms" / "s.toml").write_text(
        '[[synonym]]\nwords = ["校园卡", "饭卡", "一卡通", "饭卡"]\n', encoding="utf-8"
    )
    kb = load_kb(kb_copy)
    assert kb.synonyms == (("校园卡", "饭卡", "一卡通"),)


def test_a_units_clock_is_checked(kb_copy: Path) -> None:
    units = kb_copy / "units.toml"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            'name = "教务处"', 'name = "教务处"\nclock = "lunar"'
        ),
        encoding="utf-8",
    )
    problems = [str(p) for p in inspect_kb(kb_copy).problems]
    assert any("units.toml:" in p and "clock" in p for p in problems), problems


def test_what_the_loader_would_silently_skip_or_send_whole_is_warned_about(kb_copy: Path) -> None:
    (kb_copy / "guides").mkdir()
    shutil.copy(kb_copy / "nic.toml", kb_copy / "guides" / "more.toml")
    nic = (kb_copy / "nic.toml").read_text(encoding="utf-8")
    long_answer = "请按以下步骤操作。" * 400  # 3,600 characters
    (kb_copy / "nic.toml").write_text(
        nic + f'\n[[entry]]\nid = "nic-long"\nquestion = "很长"\nunit = "nic"\n'
        f'answer = "{long_answer}"\n',
        encoding="utf-8",
    )
    result = inspect_kb(kb_copy)
    assert result.kb is not None  # warnings, not errors
    said = {(p.file, p.severity, p.message.split(":")[0]) for p in result.problems}
    assert ("kb/guides/more.toml", "warning", "not read") in said
    assert ("kb/nic.toml", "warning", "the answer has 3,600 characters (over 3,000)") in said
