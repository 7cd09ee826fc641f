"""How times and tickets are shown to students: local deadlines and time left."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.texts import Language


def format_time_left(deadline: datetime, now: datetime, language: Language) -> str:
    """'还剩 5 小时 10 分' / '5 h 10 min left', or how long it is overdue."""
    left = deadline - now
    overdue = left < timedelta(0)
    span = _span(abs(left), language)
    if language == "zh":
        return f"已超时 {span}" if overdue else f"还剩 {span}"
    return f"overdue by {span}" if overdue else f"{span} left"


def _span(delta: timedelta, language: Language) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if language == "zh":
        parts = [f"{days} 天"] * bool(days) + [f"{hours} 小时"] * bool(hours)
        parts += [f"{mins} 分"] * bool(mins and not days)
        return " ".join(parts) or "不到 1 分钟"
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours)
    parts += [f"{mins} min"] * bool(mins and not days)
    return " ".join(parts) or "under a minute"


def excerpt(text: str, limit: int = 40) -> str:
    """The first `limit` characters of `text` on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
