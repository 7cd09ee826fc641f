"""The league table as a PNG chart an admin can put on a slide."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from bot.sla.report import Report

_SERIES = (
    ("response_rate", "响应率 response", "#4C72B0"),
    ("on_time_resolution_rate", "按时办结率 on-time", "#55A868"),
    ("satisfaction_rate", "满意率 satisfaction", "#C44E52"),
)


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """A font file with Chinese glyphs, if the machine has one (fontconfig knows)."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listed.splitlines():
        path = line.split(":")[0].strip()
        if path:
            return path
    return None


def write_chart(report: Report, path: Path) -> None:
    """Grouped horizontal bars per unit, league order top-down, rates in percent."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = _cjk_font()
    properties = None
    if font is not None:
        font_manager.fontManager.addfont(font)
        properties = font_manager.FontProperties(fname=font)

    # Without a CJK font, unit ids and English labels keep the chart free of missing glyphs.
    def label(text_zh: str, text_en: str) -> str:
        return text_zh if properties is not None else text_en

    rows = list(report.units)
    names = [label(r.name, r.unit) for r in rows]
    height = 0.26
    figure, axes = plt.subplots(figsize=(11, max(4.0, 0.55 * len(rows) + 1.8)), dpi=150)
    positions = list(range(len(rows)))
    for offset, (field, legend, colour) in enumerate(_SERIES):
        values = [(getattr(r, field) or 0.0) * 100 for r in rows]
        bars = axes.barh(
            [p + (offset - 1) * height for p in positions],
            values,
            height=height,
            color=colour,
            label=legend if properties is not None else legend.split(" ", 1)[1],
        )
        for bar, row in zip(bars, rows, strict=True):
            rate = getattr(row, field)
            text = "—" if rate is None else f"{rate:.0%}"
            axes.text(
                bar.get_width() + 0.8,
                bar.get_y() + bar.get_height() / 2,
                text,
                va="center",
                fontsize=7,
            )
    axes.set_yticks(positions)
    axes.set_yticklabels(names, fontproperties=properties)
    axes.invert_yaxis()  # the league leader on top
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    since = "…" if report.since is None else f"{report.since:%Y-%m-%d}"
    until = "…" if report.until is None else f"{report.until:%Y-%m-%d}"
    title = label(
        f"各单位接诉即办情况 {since} — {until}", f"Front Desk unit rates {since} to {until}"
    )
    axes.set_title(title, fontproperties=properties, fontsize=13)
    axes.legend(loc="lower right", prop=properties, fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
