"""What ticket notifications say: to students in their language, to staff in Chinese.

Kept apart from the service so wording changes never touch the ticket rules.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets.model import Language

_STUDENT: dict[str, dict[Language, str]] = {
    "staff_reply": {
        "zh": "【{unit}】关于问题 {number}：\n{text}",
        "en": "[{unit}] on {number}:\n{text}",
    },
    "info_request": {
        "zh": "【{unit}】关于问题 {number}，需要您补充信息：\n{text}\n（直接回复即可）",
        "en": "[{unit}] on {number} needs more information from you:\n{text}\n(just reply here)",
    },
    "transferred": {
        "zh": "您的问题 {number} 已转交{unit}办理，答复时限不变：{deadline}前。",
        "en": "Your question {number} was passed to {unit}; the deadline stays {deadline}.",
    },
    "complex": {
        "zh": "您的问题 {number} 需要多部门协调，{unit}已受理，预计 {deadline} 前办结。{note}",
        "en": "Your question {number} needs coordination; {unit} has taken it and plans to "
        "resolve it by {deadline}. {note}",
    },
    "resolved": {
        "zh": "您的问题 {number} 已办结（{unit}）。{note}",
        "en": "Your question {number} has been resolved by {unit}. {note}",
    },
    "rate_request": {
        "zh": "请为问题 {number} 的办理打分（1–5 星）：",
        "en": "Please rate how {number} was handled (1–5 stars):",
    },
    "rating_followup": {
        "zh": "回访：您的问题 {number} 已办结，问题真的解决了吗？请打分（1–5 星），"
        "如未解决可发送「进度」后重新打开。",
        "en": "Follow-up: {number} was resolved. Is it really solved? Please rate it (1–5); "
        "if not, send 'status' and reopen it.",
    },
}

_STAFF: dict[str, str] = {
    "new_ticket": "新问题 {number}（首接：{first_unit}）\n{question}\n{who}答复时限：{respond_by}",
    "student_message": "问题 {number} 学生补充：\n{text}",
    "transferred_in": "问题 {number} 由{from_unit}转来（原因：{reason}），请受理。"
    "\n{question}\n答复时限不变：{respond_by}",
    "transferred_out": "问题 {number} 已转交{to_unit}；在对方受理前本单位仍负首接责任。",
    "accepted": "问题 {number} 已由{unit}受理。",
    "returned": "问题 {number} 被{unit}退回（原因：{reason}），请重新分派。\n{question}",
    "reopened": "问题 {number} 被学生重新打开（{reason}），请继续办理。",
    "cancelled": "问题 {number} 已被学生撤回。",
    "rated": "问题 {number} 学生评分：{score} 星。{comment}",
    "warn": "提醒：问题 {number} 距{what}时限还有 {hours} 小时（{deadline}）。",
    "breach": "督办：问题 {number} 已超过{what}时限（{deadline}），责任单位：{unit}。"
    "请{supervisor}督促办理。",
    "digest": "{kind}：以下 {count} 个问题（{what}时限）：",
    "digest_more": "……另有 {count} 个，请在待办列表（/queue）中查看。",
    "remind": "催办：问题 {number} 已超{what}时限 {overdue}，仍未办理。责任单位：{unit}。",
}


def student_text(key: str, language: Language, **values: object) -> str:
    return _STUDENT[key][language].format(**values).strip()


def staff_text(key: str, **values: object) -> str:
    return _STAFF[key].format(**values).strip()


def format_deadline(when: datetime, timezone: str, language: Language) -> str:
    """A deadline in the university's local time, e.g. '11月24日 14:05（北京时间）'."""
    local = when.astimezone(ZoneInfo(timezone))
    if language == "zh":
        suffix = "（北京时间）" if timezone == "Asia/Shanghai" else f"（{timezone}）"
        return f"{local.month}月{local.day}日 {local:%H:%M}{suffix}"
    suffix = " Beijing time" if timezone == "Asia/Shanghai" else f" {timezone}"
    return f"{local:%Y-%m-%d %H:%M}{suffix}"
