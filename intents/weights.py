"""Which fitted weights a matcher ranks and calibrates with: by mode, and by the KB's shape."""

from __future__ import annotations

from intents import fitted
from intents.kb import KnowledgeBase
from intents.ranking import Calibration, LinearRanker

# A KB whose entries list fewer similar questions than this, on average, is ranked with the
# THIN weights: fitted on the dev questions asked of the demo KB and of a copy of it thinned to
# two similar questions per entry (bench/fit_matcher.py). In 5-fold CV, asked of that copy,
# they find the right entry first for 90.1 % of the in-scope dev questions and answer 59 %
# directly at 0.85 (1.55 % wrong). When this cut-off was chosen (with "none of these" counted
# three times in the fit), the demo KB's own weights found 88.2 % there and answered 54.5 %
# against the THIN weights' 89.6 / 56.9 %; with three similar questions per entry 90.7 / 59.5 %
# against 90.3 / 58.0 %; with four, a tie (91.9 / 63.5 %). On the demo KB itself (5.4 per
# entry) they answer 67.7 % directly against its own weights' 69.7 %, so a KB that lists four
# or more keeps those.
THIN_KB_SIMILAR = 4.0


def similar_per_entry(kb: KnowledgeBase) -> float | None:
    """How many similar questions the KB's entries list on average (None without entries)."""
    if not kb.entries:
        return None
    return sum(len(entry.similar) for entry in kb.entries) / len(kb.entries)


def is_thin(kb: KnowledgeBase) -> bool:
    """Whether the KB's entries list few similar questions (DESIGN.md's example lists two)."""
    similar = similar_per_entry(kb)
    return similar is not None and similar < THIN_KB_SIMILAR


def fitted_models(kb: KnowledgeBase, full: bool) -> tuple[LinearRanker, Calibration]:
    """The ranker and answer confidence for `kb`: with the embeddings (`full`) or without."""
    if not full:
        return fitted.LEXICAL_RANKER, fitted.LEXICAL_CONFIDENCE
    if is_thin(kb):
        return fitted.THIN_RANKER, fitted.THIN_CONFIDENCE
    return fitted.FULL_RANKER, fitted.FULL_CONFIDENCE
