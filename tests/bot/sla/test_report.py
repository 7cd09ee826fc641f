"""Rates per unit: the arithmetic, the league order, the CSV and the chart."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sla.chart import write_chart
from bot.sla.report import build_report, format_report, write_csv
from bot.tickets.model import StudentRef, Ticket, TicketStatus

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DAY = timedelta(hours=24)
NAMES = {"nic": "网络信息中心", "jwc": "教务处", "hqc": "后勤管理处"}


def ticket(number: int, unit: str, opened_hours_ago: float, **changes: object) -> Ticket:
    opened = NOW - timedelta(hours=opened_hours_ago)
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
    return replace(base, **changes)  # type: ignore[arg-type]


def resolved(number: int, unit: str, after_hours: float, rating: int | None) -> Ticket:
    opened = NOW - timedelta(hours=72)
    done = opened + timedelta(hours=after_hours)
    return ticket(
        number,
        unit,
        72,
        status=TicketStatus.RESOLVED,
        responded_at=opened + timedelta(hours=1),
        resolved_at=done,
        rating=rating,
    )


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
    assert (nic.satisfaction_rate, nic.resolution_rate) == (1.0, 1.0)
    assert jwc.tickets == 3
    assert jwc.response_rate == 2 / 3
    assert jwc.on_time_resolution_rate == 1 / 3
    assert jwc.satisfaction_rate == 0.0
    assert jwc.overdue_now == 1
    assert jwc.median_first_response == timedelta(hours=1)
    assert (hqc.tickets, hqc.response_rate, hqc.satisfaction_rate) == (1, None, None)
    assert report.overall.tickets == 6
    assert report.overall.satisfaction_rate == 2 / 3


def test_league_order_best_first_unmeasured_last() -> None:
    report = build_report(TICKETS, NOW, NAMES)
    assert [row.unit for row in report.units] == ["nic", "jwc", "hqc"]


def test_text_table_lines_up_chinese_names() -> None:
    text = format_report(build_report(TICKETS, NOW, NAMES))
    lines = text.splitlines()
    assert "网络信息中心" in lines[3]
    assert "—" in text  # unmeasured rates are shown as a dash, not 0 %
    assert "全校" in lines[-1]
    english = format_report(build_report(TICKETS, NOW, NAMES), "en")
    assert "on-time" in english


def test_csv_and_chart(tmp_path: Path) -> None:
    report = build_report(TICKETS, NOW, NAMES)
    write_csv(report, tmp_path / "rates.csv")
    with (tmp_path / "rates.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["unit"] for row in rows] == ["nic", "jwc", "hqc", "ALL"]
    assert rows[1]["on_time_resolution_rate"] == "0.3333"
    assert rows[2]["response_rate"] == ""
    write_chart(report, tmp_path / "rates.png")
    png = (tmp_path / "rates.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 10_000
