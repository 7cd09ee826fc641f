"""Rates per unit: what counts as due, on time and overdue; the league order; text, CSV, chart."""

from __future__ import annotations

import csv
import io
import struct
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sla import chart
from bot.sla.chart import write_chart
from bot.sla.report import (
    OVERALL,
    Period,
    UnitRates,
    build_report,
    display_width,
    format_report,
    rates,
    write_csv,
)
from bot.tickets.model import StudentRef, Ticket, TicketStatus

NOW = datetime(2025, 11, 24, 4, tzinfo=UTC)  # Monday 12:00 in Beijing
HOUR = timedelta(hours=1)
DAY = 24 * HOUR
NAMES = {"nic": "网络信息中心", "jwc": "教务处", "hqc": "后勤管理处"}
NOVEMBER = Period(date(2025, 11, 1), date(2025, 11, 30), "Asia/Shanghai")


def ticket(
    number: int = 1, unit: str = "nic", opened_hours_ago: float = 72, **changes: Any
) -> Ticket:
    """A general ticket opened `opened_hours_ago`, due 24 h later, changed by `changes`."""
    opened = NOW - opened_hours_ago * HOUR
    base = Ticket(
        id=number,
        status=TicketStatus.OPEN,
        question="问题",
        unit=unit,
        first_unit=unit,
        accountable_unit=unit,
        student=StudentRef("terminal", f"s{number}", f"s{number}"),
        opened_at=opened,
        respond_by=opened + DAY,
        resolve_by=opened + DAY,
    )
    return replace(base, **changes)


def resolved(
    number: int, unit: str, after_hours: float, rating: int | None, responded_after: float = 1
) -> Ticket:
    opened = NOW - 72 * HOUR
    return ticket(
        number,
        unit,
        72,
        status=TicketStatus.RESOLVED,
        responded_at=opened + responded_after * HOUR,
        resolved_at=opened + after_hours * HOUR,
        rating=rating,
    )


OPENED = NOW - 72 * HOUR

# (case, ticket, (tickets, response_due, responded_on_time, resolution_due, resolved,
#                 resolved_on_time, overdue_now))
RULES = [
    ("new: nothing due yet", ticket(opened_hours_ago=2), (1, 0, 0, 0, 0, 0, 0)),
    ("never responded, past both deadlines", ticket(), (1, 1, 0, 1, 0, 0, 1)),
    (
        "responded late, still open",
        ticket(status=TicketStatus.IN_PROGRESS, responded_at=OPENED + 30 * HOUR),
        (1, 1, 0, 1, 0, 0, 1),
    ),
    (
        "responded on time, not yet due for resolution",
        ticket(opened_hours_ago=10, status=TicketStatus.IN_PROGRESS, responded_at=NOW - HOUR),
        (1, 1, 1, 0, 0, 0, 0),
    ),
    (
        "responded exactly at the deadline counts as on time",
        ticket(status=TicketStatus.IN_PROGRESS, responded_at=OPENED + DAY),
        (1, 1, 1, 1, 0, 0, 1),
    ),
    (
        "waiting on the student: resolution clock paused, not overdue",
        ticket(
            status=TicketStatus.WAITING_STUDENT,
            responded_at=OPENED + HOUR,
            waiting_since=OPENED + 2 * HOUR,
        ),
        (1, 1, 1, 0, 0, 0, 0),
    ),
    (
        "waiting on the student but never responded: the response clock never pauses",
        ticket(status=TicketStatus.WAITING_STUDENT, waiting_since=OPENED + 2 * HOUR),
        (1, 1, 0, 0, 0, 0, 1),
    ),
    (
        "complex: responded on time, committed resolution a week out",
        ticket(
            status=TicketStatus.IN_PROGRESS,
            complexity="complex",
            responded_at=OPENED + 5 * HOUR,
            resolve_by=OPENED + 7 * DAY,
        ),
        (1, 1, 1, 0, 0, 0, 0),
    ),
    ("resolved on time", resolved(1, "nic", 20, None), (1, 1, 1, 1, 1, 1, 0)),
    ("resolved exactly at resolve_by", resolved(1, "nic", 24, None), (1, 1, 1, 1, 1, 1, 0)),
    ("resolved late", resolved(1, "nic", 30, None, 25), (1, 1, 0, 1, 1, 0, 0)),
    (
        "resolved early, before its resolution deadline came",
        replace(resolved(1, "nic", 2, None), resolve_by=NOW + DAY),
        (1, 1, 1, 1, 1, 1, 0),
    ),
    (
        "reopened: in progress again, no longer resolved",
        ticket(
            status=TicketStatus.IN_PROGRESS,
            responded_at=OPENED + HOUR,
            resolve_by=NOW + 10 * HOUR,
            reopen_count=1,
        ),
        (1, 1, 1, 0, 0, 0, 0),
    ),
    (
        "withdrawn by the student: not counted at all",
        ticket(status=TicketStatus.CANCELLED),
        (0, 0, 0, 0, 0, 0, 0),
    ),
    (
        "returned to the front desk, past its deadline: still overdue",
        ticket(status=TicketStatus.RETURNED, unit="frontdesk"),
        (1, 1, 0, 1, 0, 0, 1),
    ),
]


@pytest.mark.parametrize(("case", "item", "expected"), RULES, ids=[r[0] for r in RULES])
def test_what_counts_as_due_on_time_and_overdue(
    case: str, item: Ticket, expected: tuple[int, ...]
) -> None:
    row = rates("x", "x", [item], NOW)
    got = (
        row.tickets,
        row.response_due,
        row.responded_on_time,
        row.resolution_due,
        row.resolved,
        row.resolved_on_time,
        row.overdue_now,
    )
    assert got == expected, case


def test_rates_are_none_when_there_is_nothing_to_measure() -> None:
    empty = rates("x", "x", [], NOW)
    assert (empty.response_rate, empty.on_time_resolution_rate) == (None, None)
    assert (empty.resolution_rate, empty.satisfaction_rate) == (None, None)
    assert empty.median_first_response is None
    fresh = rates("x", "x", [ticket(opened_hours_ago=1)], NOW)
    assert (fresh.response_rate, fresh.on_time_resolution_rate) == (None, None)
    assert fresh.resolution_rate == 0.0  # one ticket, none resolved: that is a real 0 %


@pytest.mark.parametrize(
    ("ratings", "satisfied", "rate"),
    [
        ((5, 4, 3, 2, 1), 2, 0.4),
        ((4, None, None), 1, 1.0),  # unrated tickets are not in the denominator
        ((None,), 0, None),
        ((3,), 0, 0.0),
    ],
)
def test_satisfaction_is_four_or_five_among_rated(
    ratings: tuple[int | None, ...], satisfied: int, rate: float | None
) -> None:
    items = [resolved(n, "nic", 5, r) for n, r in enumerate(ratings, start=1)]
    row = rates("nic", "网络信息中心", items, NOW)
    assert (row.rated, row.satisfied, row.satisfaction_rate) == (
        sum(r is not None for r in ratings),
        satisfied,
        rate,
    )


def test_median_time_to_first_response() -> None:
    items = [resolved(n, "nic", 30, None, responded_after=h) for n, h in enumerate((1, 2, 9), 1)]
    assert rates("nic", "", items, NOW).median_first_response == 2 * HOUR
    items.append(resolved(4, "nic", 30, None, responded_after=4))
    assert rates("nic", "", items, NOW).median_first_response == 3 * HOUR


TICKETS = [
    resolved(1, "nic", 5, 5),
    resolved(2, "nic", 10, 4),
    resolved(3, "jwc", 30, 2),  # late
    resolved(4, "jwc", 20, None),
    ticket(5, "jwc", 30),  # never responded, overdue now
    ticket(6, "hqc", 2),  # new, nothing due yet
    ticket(7, "hqc", 40, status=TicketStatus.CANCELLED),  # withdrawn: not counted
]


def test_rates_per_unit_and_overall() -> None:
    report = build_report(TICKETS, NOW, NAMES)
    rows = {row.unit: row for row in report.units}
    nic, jwc, hqc = rows["nic"], rows["jwc"], rows["hqc"]
    assert (nic.tickets, nic.response_rate, nic.on_time_resolution_rate) == (2, 1.0, 1.0)
    assert (nic.satisfaction_rate, nic.resolution_rate, nic.name) == (1.0, 1.0, "网络信息中心")
    assert jwc.tickets == 3
    assert jwc.response_rate == 2 / 3
    assert jwc.on_time_resolution_rate == 1 / 3
    assert jwc.resolution_rate == 2 / 3
    assert jwc.satisfaction_rate == 0.0
    assert jwc.overdue_now == 1
    assert jwc.median_first_response == HOUR
    assert (hqc.tickets, hqc.response_rate, hqc.satisfaction_rate) == (1, None, None)
    overall = report.overall
    assert (overall.unit, overall.tickets, overall.overdue_now) == (OVERALL, 6, 1)
    assert overall.response_rate == 4 / 5
    assert overall.satisfaction_rate == 2 / 3


def row(unit: str, on_time: float | None, response: float | None, happy: float | None) -> UnitRates:
    """A row with the given rates (as shares of 1000) for league-order tests."""

    def parts(rate: float | None) -> tuple[int, int]:
        return (0, 0) if rate is None else (round(rate * 1000), 1000)

    responded, response_due = parts(response)
    in_time, resolution_due = parts(on_time)
    satisfied, rated = parts(happy)
    return UnitRates(
        unit, unit, 1000, response_due, responded, resolution_due, in_time, in_time, rated,
        satisfied, None, 0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        ([row("a", 0.5, 1, 1), row("b", 0.9, 0.1, 0.1)], "ba"),  # on-time resolution first
        ([row("a", 0.9, 0.5, 1), row("b", 0.9, 0.8, 0.1)], "ba"),  # then response
        ([row("a", 0.9, 0.8, 0.5), row("b", 0.9, 0.8, 0.7)], "ba"),  # then satisfaction
        ([row("a", None, 1, 1), row("b", 0.0, 0.0, 0.0)], "ba"),  # unmeasured below 0 %
        ([row("b", 0.9, None, None), row("a", 0.9, None, 0.2)], "ab"),
        ([row("b", 0.9, 0.9, 0.9), row("a", 0.9, 0.9, 0.9)], "ab"),  # ties: by id, stable
    ],
)
def test_league_order(rows: list[UnitRates], order: str) -> None:
    from bot.sla.report import _league_key

    assert "".join(r.unit for r in sorted(rows, key=_league_key)) == order


def test_league_order_of_a_report() -> None:
    report = build_report(TICKETS, NOW, NAMES)
    assert [row.unit for row in report.units] == ["nic", "jwc", "hqc"]


def test_the_period_is_local_days_and_filters_by_opening_time() -> None:
    assert NOVEMBER.since == datetime(2025, 10, 31, 16, tzinfo=UTC)  # 11-01 00:00 in Beijing
    assert NOVEMBER.until == datetime(2025, 11, 30, 16, tzinfo=UTC)  # exclusive
    before = ticket(1, opened_at=NOVEMBER.since - timedelta(seconds=1))
    first = ticket(2, opened_at=NOVEMBER.since)
    last = ticket(3, opened_at=NOVEMBER.until - timedelta(seconds=1))
    after = ticket(4, opened_at=NOVEMBER.until)
    report = build_report([before, first, last, after], NOW, NAMES, NOVEMBER)
    assert report.overall.tickets == 2
    assert Period.last_days(date(2025, 11, 30), 30, "UTC").first == date(2025, 11, 1)
    with pytest.raises(ValueError, match="after it ends"):
        Period(date(2025, 12, 1), date(2025, 11, 30))


def table_lines(text: str) -> list[str]:
    """The table's lines without the title and the blank line under it."""
    return text.splitlines()[2:]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_text_table_lines_up_chinese_names(language: str) -> None:
    text = format_report(build_report(TICKETS, NOW, NAMES, NOVEMBER), language)
    lines = table_lines(text)
    widths = {display_width(line) for line in lines}
    assert len(widths) == 1, text  # every row, rule and the header end in the same column
    assert "网络信息中心" in lines[2]
    assert lines[-1].split()[0] == ("全校" if language == "zh" else "Overall")
    assert "2025-11-01 – 2025-11-30" in text.splitlines()[0]
    assert " - " in text  # unmeasured rates are a dash, not 0 %


def test_an_empty_period_still_prints_a_table() -> None:
    text = format_report(build_report([], NOW, NAMES, NOVEMBER), "en")
    assert "(no tickets in this period)" in text
    assert text.splitlines()[-1].split()[:2] == ["Overall", "0"]


def test_display_width_counts_chinese_as_two() -> None:
    assert [display_width(t) for t in ("abc", "教务处", "（生成", "-")] == [3, 6, 6, 1]


def test_csv_has_every_count_behind_the_rates(tmp_path: Path) -> None:
    report = build_report(TICKETS, NOW, NAMES, NOVEMBER)
    write_csv(report, tmp_path / "rates.csv")
    raw = (tmp_path / "rates.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["rank"], r["unit"], r["name"]) for r in rows] == [
        ("1", "nic", "网络信息中心"),
        ("2", "jwc", "教务处"),
        ("3", "hqc", "后勤管理处"),
        ("", "ALL", "全校"),
    ]
    jwc = rows[1]
    assert {key: jwc[key] for key in list(jwc)[3:]} == {
        "period_first": "2025-11-01",
        "period_last": "2025-11-30",
        "tickets": "3",
        "response_due": "3",
        "responded_on_time": "2",
        "response_rate": "0.6667",
        "resolution_due": "3",
        "resolved": "2",
        "resolved_on_time": "1",
        "on_time_resolution_rate": "0.3333",
        "resolution_rate": "0.6667",
        "rated": "1",
        "satisfied": "0",
        "satisfaction_rate": "0.0000",
        "median_first_response_hours": "1.00",
        "overdue_now": "1",
    }
    hqc = rows[2]
    assert (hqc["response_rate"], hqc["satisfaction_rate"]) == ("", "")
    assert hqc["median_first_response_hours"] == ""


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chart_is_a_png_for_a_slide(tmp_path: Path) -> None:
    write_chart(build_report(TICKETS, NOW, NAMES, NOVEMBER), tmp_path / "rates.png")
    data = (tmp_path / "rates.png").read_bytes()
    width, height = png_size(data)
    assert width >= 1600
    assert height >= 600
    assert len(data) > 10_000


def test_chart_without_a_chinese_font_labels_units_by_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Missing glyphs would be warnings (errors under pytest); ids and English avoid them.
    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    many = [*TICKETS, *(ticket(10 + n, f"unit{n}", 30) for n in range(8))]
    write_chart(build_report(many, NOW, NAMES, NOVEMBER), tmp_path / "many.png")
    write_chart(build_report([], NOW, NAMES, None), tmp_path / "empty.png")
    assert len((tmp_path / "many.png").read_bytes()) > 10_000
    png_size((tmp_path / "empty.png").read_bytes())


def test_frontdesk_report_command(tmp_path: Path) -> None:
    from bot.app import build_frontdesk
    from bot.cli import main
    from bot.clock import ManualClock
    from tests.support.tickets import JWC, NIC, STUDENT, service_settings

    database = f"sqlite:///{tmp_path / 'fd.db'}"
    settings = service_settings(database)
    settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    clock = ManualClock(datetime(2025, 11, 3, 2, tzinfo=UTC))  # Monday 10:00 in Beijing
    desk = build_frontdesk(settings, clock=clock, cache_dir=tmp_path)
    fast = desk.tickets.open(STUDENT, "校园网连不上", "nic")
    slow = desk.tickets.open(STUDENT, "成绩有误", "jwc")
    clock.advance(hours=2)
    desk.tickets.reply(fast.id, NIC, "请重启路由器")
    desk.tickets.resolve(fast.id, NIC, "已恢复")
    desk.tickets.rate(fast.id, STUDENT, 5)
    clock.advance(hours=30)
    desk.tickets.reply(slow.id, JWC, "正在核对")
    desk.close()

    clock.advance(days=3)
    out, err = io.StringIO(), io.StringIO()
    environ = {
        "FRONTDESK_DATABASE_URL": database,
        "FRONTDESK_KB": str(settings.kb_dir),
        "FRONTDESK_EMBEDDINGS": "0",
        "FRONTDESK_CACHE_DIR": str(tmp_path / "cache"),
    }

    def run(*argv: str) -> int:
        out.seek(0)
        out.truncate()
        err.seek(0)
        err.truncate()
        return main(list(argv), environ=environ, clock=clock, stdout=out, stderr=err)

    code = run(
        "report",
        "--since",
        "2025-11-01",
        "--until",
        "2025-11-30",
        "--csv",
        str(tmp_path / "r.csv"),
        "--chart",
        str(tmp_path / "r.png"),
    )
    assert code == 0, err.getvalue()
    lines = table_lines(out.getvalue())
    assert lines[2].split()[:3] == ["1", "网络信息中心", "1"]
    assert lines[3].split()[:4] == ["2", "教务处", "1", "0.0%"]
    assert (tmp_path / "r.csv").is_file()
    assert len((tmp_path / "r.png").read_bytes()) > 10_000

    assert "全校" in out.getvalue()
    assert run("report", "--unit", "jwc", "--lang", "en") == 0, err.getvalue()
    # One unit's report totals that unit; it does not call the total the university's.
    assert table_lines(out.getvalue())[-1].split()[:2] == ["Total", "1"]
    assert "Overall" not in out.getvalue()
    assert "网络信息中心" not in out.getvalue()
    assert run("report", "--unit", "jwc", "--csv", str(tmp_path / "jwc.csv")) == 0
    assert "合计" in (tmp_path / "jwc.csv").read_text(encoding="utf-8-sig")
    assert run("report", "--since", "2025-10-01", "--until", "2025-10-31") == 0
    assert "（本期没有问题）" in out.getvalue()

    assert run("report", "--unit", "nope") == 1
    assert "unknown unit 'nope'" in err.getvalue()
    assert run("report", "--since", "2025-12-01", "--until", "2025-11-01") == 1
    assert run("report", "--csv", str(tmp_path / "missing" / "r.csv")) == 1
    assert "cannot write" in err.getvalue()
