"""Staff and admin work on tickets from the command line, for any channel."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli.conftest import CliRunner

MINIMAL_KB = str(Path(__file__).parents[2] / "data" / "kb" / "minimal")


def _open_ticket(cli: CliRunner) -> None:
    # A student in the terminal chat asks something the KB cannot answer.
    result = cli("chat", "--kb", MINIMAL_KB, "--user", "xiaoming", stdin="食堂的红烧肉太咸了\n")
    assert "#1" in result.out, result.out


def test_list_show_reply_transfer_resolve(cli: CliRunner) -> None:
    _open_ticket(cli)
    listing = cli("tickets", "list", env={"FRONTDESK_KB": MINIMAL_KB})
    assert "#1" in listing.out
    assert "答复还剩 1 天" in listing.out
    moved = cli(
        "tickets", "transfer", "1", "nic", "--reason", "网络相关", env={"FRONTDESK_KB": MINIMAL_KB}
    )
    assert moved.code == 0, moved.err
    refused = cli("tickets", "--unit", "jwc", "reply", "1", "hi", env={"FRONTDESK_KB": MINIMAL_KB})
    assert refused.code == 1
    assert "网络信息中心" in refused.err
    replied = cli(
        "tickets", "--unit", "nic", "reply", "1", "已转后勤", env={"FRONTDESK_KB": MINIMAL_KB}
    )
    assert replied.code == 0, replied.err
    done = cli(
        "tickets",
        "--unit",
        "nic",
        "resolve",
        "1",
        "--note",
        "已处理",
        env={"FRONTDESK_KB": MINIMAL_KB},
    )
    assert done.code == 0
    shown = cli("tickets", "show", "#1", env={"FRONTDESK_KB": MINIMAL_KB})
    for word in ("opened", "transferred", "replied", "resolved", "网络相关", "已转后勤"):
        assert word in shown.out
    # The student sees the reply, the resolution and the rating request on their next visit.
    back = cli("chat", "--kb", MINIMAL_KB, "--user", "xiaoming", stdin="")
    assert "已转后勤" in back.out
    assert "5 ★★★★★" in back.out


def test_wrong_input_gets_clear_messages(cli: CliRunner) -> None:
    env = {"FRONTDESK_KB": MINIMAL_KB}
    assert "no ticket #42" in cli("tickets", "show", "42", env=env).err
    unknown_unit = cli("tickets", "--unit", "mars", "claim", "1", env=env)
    assert unknown_unit.code == 1
    assert "unknown unit" in unknown_unit.err
    # A typo in the unit is said as such, not shown as an empty queue or inbox.
    for op in ("list", "inbox"):
        typo = cli("tickets", "--unit", "ncc", op, env=env)
        assert (typo.code, typo.out) == (1, ""), typo.out
        assert "unknown unit 'ncc'" in typo.err
    _open_ticket(cli)
    bad_unit = cli("tickets", "transfer", "1", "mars", "--reason", "x", env=env)
    assert bad_unit.code == 1
    assert "没有这个部门" in bad_unit.err
    bad_date = cli("tickets", "complex", "1", "--by", "next week", env=env)
    assert bad_date.code == 1
    assert "not a date" in bad_date.err


def test_sla_sweep_from_cron(cli: CliRunner) -> None:
    _open_ticket(cli)
    env = {"FRONTDESK_KB": MINIMAL_KB}
    later = cli("sla", "sweep", "--now", "2026-11-24T01:00:00+00:00", env=env)
    assert later.code == 0
    assert "1 sent" in later.out
    inbox = cli("tickets", "--unit", "frontdesk", "inbox", env=env)
    assert "提醒" in inbox.out


def test_staff_read_the_states_in_staff_words(cli: CliRunner) -> None:
    _open_ticket(cli)
    env = {"FRONTDESK_KB": MINIMAL_KB}
    asked = cli("tickets", "ask", "1", "请问是哪个食堂？", env=env)
    assert "等待学生补充信息" in asked.out, asked.out
    for output in (asked.out, cli("tickets", "list", env=env).out):
        assert "等待您" not in output  # the student's wording, not the staff's
