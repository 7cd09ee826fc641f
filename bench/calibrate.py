"""Fit the matcher's answer confidence (intents/calibration.py) on the dev split.

    python bench/calibrate.py [--devset tests/data/devset/dev.jsonl] [--write]

Computes each dev question's evidence, fits a logistic model of "the best candidate is the
right entry" (out-of-scope questions are never right), prints cross-validated rates for a
range of answer thresholds, and with --write rewrites the constants in intents/calibration.py.
Never run it on the held-out split.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import settings_from_mapping  # noqa: E402
from bot.kb.evaluate import read_labelled  # noqa: E402
from bot.kb.loader import load_kb  # noqa: E402
from bot.matching.factory import build_matcher  # noqa: E402


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000) -> np.ndarray:
    z = np.c_[x, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0])
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset/dev.jsonl")
    parser.add_argument("--kb", type=Path, default=ROOT / "kb")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if "heldout" in args.devset.name:
        sys.exit("refusing to fit on the held-out split")
    kb = load_kb(args.kb)
    settings = settings_from_mapping({}, {}, kb_dir=args.kb)
    full = build_matcher(kb, settings, ROOT / ".cache" / "frontdesk")
    lexical_settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    lexical = build_matcher(kb, lexical_settings, None)
    cases = read_labelled(args.devset)
    out = []
    for name, matcher in (("FULL", full), ("LEXICAL", lexical)):
        rows = [matcher.evidence(c.question) for c in cases]
        x = np.array([r.features for r in rows])
        y = np.array(
            [
                1.0 if c.entry and r.best == c.entry else 0.0
                for c, r in zip(cases, rows, strict=True)
            ]
        )
        inside = np.array([c.entry is not None for c in cases])
        mean, scale = x.mean(0), x.std(0) + 1e-6
        z = (x - mean) / scale
        folds = np.array_split(np.random.default_rng(0).permutation(len(y)), 5)
        p = np.zeros(len(y))
        for fold in folds:
            train = np.setdiff1d(np.arange(len(y)), fold)
            w = fit(z[train], y[train])
            p[fold] = 1 / (1 + np.exp(-(np.c_[z[fold], np.ones(len(fold))] @ w)))
        print(f"{name}: top-1 {y[inside].mean():.1%} (cross-validated answer rates)")
        for tau in (0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95):
            answered = p >= tau
            direct = (answered & (y == 1) & inside).sum() / inside.sum()
            wrong = (answered & (y == 0)).mean()
            outside = (answered & ~inside).sum() / max(1, (~inside).sum())
            print(
                f"  answer >= {tau:.2f}: direct right {direct:6.1%}  wrong {wrong:6.1%}"
                f"  out-of-scope answered {outside:6.1%}"
            )
        w = fit(z, y)
        out.append((name, mean, scale, w))
    if args.write:
        path = ROOT / "intents" / "calibration.py"
        text = path.read_text(encoding="utf-8")
        for name, mean, scale, w in out:

            def values(numbers: np.ndarray) -> str:
                # One value per line, as `ruff format` lays out a tuple this long.
                return "(\n" + "".join(f"        {v:.4f},\n" for v in numbers) + "    )"

            block = (
                f"{name} = Calibration(\n"
                f"    means={values(mean)},\n"
                f"    scales={values(scale)},\n"
                f"    weights={values(w[:-1])},\n"
                f"    bias={w[-1]:.4f},\n)"
            )
            text = re.sub(rf"{name} = Calibration\(.*?\n\)", block, text, flags=re.S)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
