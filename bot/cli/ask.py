"""`frontdesk ask`: one question in, the matcher's decision out; `--jsonl` for batches.

The `--jsonl` form is the matching contract of DESIGN.md, relied on by tools outside the
project: one JSON object per input line, in order, whatever the line holds.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.cli.context import CliContext
from bot.kb.live import LiveKB
from bot.matching.factory import build_matcher
from intents.decision import Decision
from intents.kb import KnowledgeBase

# Longer lines are matched on their beginning (as in chat); the echo keeps the whole line.
MATCH_PREFIX_CHARS = 600


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = sub.add_parser("ask", help="match one question (or a JSONL batch) against the KB")
    ask.add_argument("question", nargs="*", help="the question (omit with --jsonl)")
    ask.add_argument("--kb", type=Path, help="knowledge-base folder (default: config kb.dir)")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, one per line")
    ask.add_argument("--lexical", action="store_true", help="match without the embedding model")
    ask.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    settings = ctx.settings
    if args.lexical:
        settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    live = LiveKB(settings.kb_dir, lambda kb: build_matcher(kb, settings, ctx.cache_dir), ctx.clock)
    if args.jsonl:
        for line in ctx.stdin:
            question = line.rstrip("\r\n")
            decision = live.match(question[:MATCH_PREFIX_CHARS])
            ctx.stdout.write(json.dumps(contract_record(question, decision), ensure_ascii=False))
            ctx.stdout.write("\n")
            # Each answer leaves as soon as it is made: a caller that writes a question and
            # waits for its line (or times each one) must not wait for a pipe's buffer to fill.
            ctx.stdout.flush()
        return 0
    question = " ".join(args.question).strip()
    if not question:
        return ctx.fail("frontdesk ask: give a question, or --jsonl to read them from stdin")
    ctx.say(describe(question, live.match(question[:MATCH_PREFIX_CHARS]), live.kb))
    return 0


def contract_record(question: str, decision: Decision) -> dict[str, Any]:
    """The JSON object DESIGN.md's matching contract specifies for one question.

    `entry` is the entry answered with, or for `suggest` the first choice offered; a `route`
    has no usable entry, so null.
    """
    best = decision.candidates[0].entry if decision.candidates else None
    entry = decision.entry if decision.kind == "answer" else best
    return {
        "question": question,
        "decision": decision.kind,
        "entry": None if decision.kind == "route" else entry,
        "unit": decision.unit,
        "score": round(float(decision.score), 4),
        "candidates": [
            {"entry": candidate.entry, "score": round(float(candidate.score), 4)}
            for candidate in decision.candidates
        ],
    }


def describe(question: str, decision: Decision, kb: KnowledgeBase) -> str:
    """A human-readable account of the decision, for admins trying questions."""
    lines = [f"question: {question}"]
    if decision.kind == "answer" and decision.entry:
        entry = kb.entry(decision.entry)
        lines.append(f"decision: answer with {entry.id} ({decision.score:.2f}) — {entry.question}")
        lines.append(f"unit:     {kb.unit_name(entry.unit)}")
    elif decision.kind == "suggest":
        lines.append(f"decision: suggest (did you mean…?), best {decision.score:.2f}")
    else:
        unit = kb.unit_name(decision.unit) if decision.unit else "?"
        lines.append(
            f"decision: route a ticket to {unit} ({decision.unit}), best {decision.score:.2f}"
        )
    lines.append("candidates:")
    for rank, candidate in enumerate(decision.candidates, start=1):
        known = kb.by_id.get(candidate.entry)
        text = known.question if known else ""
        offered = "  (offered)" if candidate.entry in decision.choices else ""
        lines.append(f"  {rank}. {candidate.score:.3f}  {candidate.entry}  {text}{offered}")
    return "\n".join(lines)
