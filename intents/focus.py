"""Cut a long message to the clauses that say what it is about, for the sentence encoder.

The encoder reads only about three dozen Chinese characters of a message (more costs more than
the latency budget allows), and the end of a long message is not always where its topic is:
"我校园卡里还剩两百多块钱，包括之前发的餐补。请问这钱能退给我吗，要怎么申请？如果我忘了申请会
不会就没了？" ends with a worry, not with the campus card. Keeping the last clause that asks and
the clauses densest in words the KB uses keeps both the question and its subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A clause and the punctuation that ends it.
_CLAUSE = re.compile(r"[^，,。.!！?？;；\n]+[，,。.!！?？;；\n]*")


def focus(
    text: str, budget: int, weigh: Callable[[str], float], asks: Callable[[str], bool]
) -> str:
    """`text` if it fits `budget` characters, else its last clause that `asks` (or its last
    clause) and, within the budget, the clauses with the most `weigh` per character, in their
    order."""
    if len(text) <= budget:
        return text
    clauses = _CLAUSE.findall(text)
    if len(clauses) < 2:
        return text
    anchor = _asking_clause(clauses, asks)
    density = [weigh(clause) / len(clause) for clause in clauses]
    chosen, used = [anchor], len(clauses[anchor])
    for number in sorted(range(len(clauses)), key=lambda i: -density[i]):
        if number != anchor and used + len(clauses[number]) <= budget:
            chosen.append(number)
            used += len(clauses[number])
    return "".join(clauses[number] for number in sorted(chosen))


def asking_clause(text: str, asks: Callable[[str], bool]) -> str:
    """The clause of `text` that asks: its last clause that `asks`, else its last clause ("校园卡
    丢了已经挂失了，新卡去哪领" asks about the new card, not the loss)."""
    clauses = _CLAUSE.findall(text)
    return clauses[_asking_clause(clauses, asks)] if len(clauses) > 1 else text


def _asking_clause(clauses: list[str], asks: Callable[[str], bool]) -> int:
    asking = [number for number, clause in enumerate(clauses) if asks(clause)]
    return asking[-1] if asking else len(clauses) - 1
