"""What the front desk says to students, in Chinese and English.

Kept apart from the dialogue logic so wording can change without touching decisions, and so
tests can assert on the same strings the student sees.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]

_TEXTS: dict[str, dict[Language, str]] = {
    "welcome": {
        "zh": (
            "您好！这里是学校「首问首接」服务台。\n"
            "直接输入您的问题（例如：校园网连不上、怎么开在读证明），我会从办事指南里找答案；"
            "找不到的，我会转给负责的部门，并保证 24 小时内答复。\n"
            "发送「进度」查看您提交的问题，发送「帮助」查看用法。"
        ),
        "en": (
            "Hello! This is the university's first-ask front desk.\n"
            "Type your question (e.g. 'campus wifi not working', 'how do I get a transcript'). "
            "I answer from the service guide; if the guide doesn't cover it, I pass it to the "
            "office in charge, and you get a response within 24 hours.\n"
            "Send 'status' to see your questions, 'help' for more."
        ),
    },
    "help": {
        "zh": (
            "用法：\n"
            "• 直接输入问题，我会回答或给出相近问题供您选择；\n"
            "• 「转人工」：把问题交给负责部门（24 小时内答复）；\n"
            "• 「进度」或 /status：查看已提交问题的处理情况；\n"
            "• 「取消」或 /cancel：放弃当前的选择。"
        ),
        "en": (
            "How to use me:\n"
            "• Type a question: I answer it or offer close matches to choose from;\n"
            "• 'talk to a person': pass your question to the office in charge (reply in 24 h);\n"
            "• 'status' or /status: see how your questions are going;\n"
            "• 'cancel' or /cancel: drop the current choice."
        ),
    },
    "greeting": {
        "zh": "您好！请直接告诉我您想办理或咨询的事情。",
        "en": "Hi! Tell me what you need help with.",
    },
    "thanks": {
        "zh": "不客气！还有其他问题随时问我。",
        "en": "You're welcome! Ask me anytime.",
    },
    "empty": {
        "zh": "没有收到文字内容。请用文字描述您的问题。",
        "en": "I didn't get any text. Please type your question.",
    },
    "unsupported": {
        "zh": "抱歉，我目前只能读文字消息（{what}暂不支持）。请用文字描述您的问题。",
        "en": "Sorry, I can only read text messages ({what} isn't supported). Please type it.",
    },
    "unknown_command": {
        "zh": "没有 /{command} 这个命令。可用：/start /help /status /cancel",
        "en": "There is no /{command} command. Try /start, /help, /status or /cancel.",
    },
    "answer_intro": {"zh": "", "en": "From the service guide (in Chinese):\n\n"},
    "answer_ask": {"zh": "这个回答解决您的问题了吗？", "en": "Did this solve your problem?"},
    "btn_solved": {"zh": "已解决", "en": "Solved"},
    "btn_not_solved": {"zh": "没解决，转人工", "en": "Not solved, ask a person"},
    "solved": {
        "zh": "很高兴帮到您！还有其他问题可以继续问。",
        "en": "Glad it helped! Ask me anything else.",
    },
    "suggest": {
        "zh": "我不太确定您问的是哪一项，您是想问：",
        "en": "I'm not sure which of these you mean:",
    },
    "btn_none": {"zh": "都不是，转人工", "en": "None of these, ask a person"},
    "ticket_opened": {
        "zh": (
            "已为您登记问题 {number}，转交【{unit}】办理。\n"
            "学校承诺 {hours} 小时内答复：最迟 {deadline} 前会有老师回复您。"
            "老师的回复会直接发到这里；您也可以继续补充说明。"
        ),
        "en": (
            "Your question is registered as {number} and passed to {unit}.\n"
            "The university promises a response within {hours} hours: by {deadline} at the "
            "latest. Their reply will come here; you can add details by writing to me."
        ),
    },
    # The same for an office whose deadlines count office hours only (sla.clock = "working"):
    # "24 hours" next to a date five days away would read as a broken promise.
    "ticket_opened_working": {
        "zh": (
            "已为您登记问题 {number}，转交【{unit}】办理。\n"
            "学校承诺 {hours} 个工作小时内答复（按办公时间计，节假日顺延）："
            "最迟 {deadline} 前会有老师回复您。"
            "老师的回复会直接发到这里；您也可以继续补充说明。"
        ),
        "en": (
            "Your question is registered as {number} and passed to {unit}.\n"
            "The university promises a response within {hours} working hours (office hours; "
            "weekends and holidays do not count): by {deadline} at the latest. "
            "Their reply will come here; you can add details by writing to me."
        ),
    },
    "complex_note": {
        "zh": "此类事项需要多方协调，部门会在 24 小时内回复并告知办结时间。",
        "en": "This needs coordination: the office responds within 24 h with a completion date.",
    },
    "ask_human": {
        "zh": "好的，请用一两句话描述您的问题，我会直接转给负责的老师。",
        "en": "Sure. Describe your question in a sentence or two and I'll pass it to staff.",
    },
    "followup_sent": {
        "zh": "已补充到问题 {number}（{unit}）。如要问别的事，请点「新问题」。",
        "en": "Added to {number} ({unit}). To ask about something else, tap 'New question'.",
    },
    "btn_new_question": {"zh": "新问题", "en": "New question"},
    "btn_add_to_ticket": {"zh": "这是对问题 {number} 的补充", "en": "Add this to {number}"},
    "new_question": {
        "zh": "好的，请输入您的新问题。",
        "en": "OK, type your new question.",
    },
    "status_none": {
        "zh": "您目前没有待处理的问题。",
        "en": "You have no open questions.",
    },
    "status_header": {"zh": "您的问题：", "en": "Your questions:"},
    "status_line": {
        "zh": "{number} 【{unit}】{state}，{left}\n    {question}",
        "en": "{number} [{unit}] {state}, {left}\n    {question}",
    },
    "btn_withdraw": {"zh": "撤回 {number}", "en": "Withdraw {number}"},
    "btn_reopen": {"zh": "重新打开 {number}", "en": "Reopen {number}"},
    "withdrawn": {"zh": "问题 {number} 已撤回。", "en": "{number} has been withdrawn."},
    "reopened": {
        "zh": "问题 {number} 已重新打开，已通知【{unit}】。",
        "en": "{number} is reopened and {unit} has been told.",
    },
    "cancelled": {"zh": "已取消。请输入新的问题。", "en": "Cancelled. Type a new question."},
    "nothing_to_cancel": {
        "zh": "当前没有需要取消的操作。",
        "en": "There is nothing to cancel.",
    },
    "stale_choice": {
        "zh": "这个选项已经过期了，请重新输入您的问题。",
        "en": "That choice has expired; please type your question again.",
    },
    "rated": {
        "zh": "感谢评价（{score} 分）！如愿意，可以再写一句意见；不写也没关系。",
        "en": "Thanks for rating ({score}/5)! You may add a comment, or just carry on.",
    },
    "rating_comment_saved": {"zh": "您的意见已记录，谢谢！", "en": "Comment saved, thank you!"},
    "error": {
        "zh": "抱歉，处理时出了点问题，您的消息没有丢失，请稍后再试。",
        "en": "Sorry, something went wrong. Nothing was lost; please try again shortly.",
    },
}

STATE_NAMES: dict[str, dict[Language, str]] = {
    "open": {"zh": "待受理", "en": "waiting for the office"},
    "in_progress": {"zh": "办理中", "en": "being handled"},
    "waiting_student": {"zh": "等待您补充信息", "en": "waiting for your reply"},
    "returned": {"zh": "重新分派中", "en": "being re-assigned"},
    "resolved": {"zh": "已办结", "en": "resolved"},
    "cancelled": {"zh": "已撤回", "en": "withdrawn"},
}


# The same states as staff read them (the student's words say "your reply").
STAFF_STATE_NAMES: dict[str, str] = {
    **{state: names["zh"] for state, names in STATE_NAMES.items()},
    "waiting_student": "等待学生补充信息",
}


def say(key: str, language: Language, **values: object) -> str:
    """The text for `key` in `language`, with `values` filled in."""
    return _TEXTS[key][language].format(**values)
