"""The league table as a PNG an admin can put straight on a slide.

Grouped horizontal bars (response, on-time resolution, satisfaction) per unit, the league
leader on top and the overall row at the bottom. Chinese labels need a font with Chinese
glyphs; on a server without one the chart falls back to unit ids and English labels, because
a chart full of empty boxes is worse than one in English (and matplotlib would warn).
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.sla.report import Report, UnitRates, format_rate, period_title

# (rate attribute, Chinese legend, English legend, colour): colour-blind-safe Okabe–Ito hues.
_SERIES = (
    ("response_rate", "响应率", "Responded on time", "#0072B2"),
    ("on_time_resolution_rate", "按时办结率", "Resolved on time", "#009E73"),
    ("satisfaction_rate", "满意率", "Satisfied (4–5)", "#E69F00"),
)
_BAR = 0.26  # bar thickness; three bars and a gap fill one row


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """A font file with Chinese glyphs, if fontconfig knows one (`fc-list :lang=zh`)."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    # Prefer a sans face for a slide (Noto Sans CJK, Source Han Sans, WenQuanYi Zen Hei, …).
    sans = [f for f in files if "sans" in f.lower() or "hei" in f.lower()]
    return next(iter(sans or files), None)


def write_chart(report: Report, path: Path) -> None:
    """Draw the report's league table to `path` as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # here, not at import: only a chart request should pick a backend
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font_file = cjk_font()
    font: Any = None
    if font_file is not None:
        font_manager.fontManager.addfont(font_file)
        font = font_manager.FontProperties(fname=font_file)
    chinese = font is not None

    rows = [*report.units, report.overall]
    labels = [_label(row, chinese, overall=row is report.overall) for row in rows]
    figure = Figure(figsize=(12, max(4.5, 1.6 + 0.75 * len(rows))), dpi=150)
    axes = figure.subplots()
    for offset, (attribute, zh, en, colour) in enumerate(_SERIES):
        positions = [index + (offset - 1) * _BAR for index in range(len(rows))]
        rates: list[float | None] = [getattr(row, attribute) for row in rows]
        axes.barh(
            positions,
            [0.0 if rate is None else rate * 100 for rate in rates],
            height=_BAR,
            color=colour,
            label=zh if chinese else en,
        )
        for position, rate in zip(positions, rates, strict=True):
            value = 0.0 if rate is None else rate * 100
            axes.text(value + 1, position, format_rate(rate), va="center", fontsize=9)

    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(labels, fontproperties=font, fontsize=12)
    axes.invert_yaxis()  # the league leader on top, the overall row at the bottom
    if report.units:
        axes.axhline(len(rows) - 1.5, color="grey", linewidth=0.8, linestyle="--")
    axes.set_xlim(0, 115)  # room for the "100.0%" labels right of a full bar
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)], fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(
        period_title(report, "zh" if chinese else "en"), fontproperties=font, fontsize=15, pad=30
    )
    legend_font = font.copy() if chinese else None
    if legend_font is not None:
        legend_font.set_size(10)
    axes.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),  # a row between the title and the bars
        ncol=len(_SERIES),
        frameon=False,
        prop=legend_font if legend_font is not None else {"size": 10},
    )
    figure.tight_layout()
    figure.savefig(path, format="png")


def _label(row: UnitRates, chinese: bool, *, overall: bool) -> str:
    """The unit's name, unless it needs Chinese glyphs the machine cannot draw."""
    if overall:
        return "全校" if chinese else "Overall"
    if chinese or row.name.isascii():
        return row.name
    return row.unit
