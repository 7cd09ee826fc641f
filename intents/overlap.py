"""Overlap of a question with indexed texts: IDF-weighted, per kind of feature.

Each text is indexed by its words, its character bigrams and their sounds (`intents.features`);
IDF counts entries, not texts, so an entry with many phrasings does not dilute its own words.
A question's features the index never saw count at full weight against every text: that is what
keeps out-of-scope questions from scoring well.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from intents.features import Features

FloatArray = NDArray[np.float32]


class OverlapIndex:
    """Inverted index of texts' features (words, bigrams, sounds), IDF-weighted over entries."""

    def __init__(self, phrases: list[Features], owners: NDArray[np.int32], n_entries: int) -> None:
        self._n_phrases = len(phrases)
        # Per kind: each feature's IDF and postings in one table (a long message looks up
        # hundreds of features, several times a question), and each text's IDF mass.
        self._kinds: list[tuple[dict[str, tuple[float, NDArray[np.int32]]], FloatArray]] = []
        self._picks: tuple[Callable[[Features], frozenset[str]], ...] = (
            _words,
            _bigrams,
            _sounds,
        )
        for pick in self._picks:
            postings: dict[str, list[int]] = {}
            for number, phrase in enumerate(phrases):
                for feature in pick(phrase):
                    postings.setdefault(feature, []).append(number)
            idf = {
                feature: math.log(1 + n_entries / len({int(owners[p]) for p in items}))
                for feature, items in postings.items()
            }
            norms = np.array(
                [sum(idf[f] for f in pick(phrase)) for phrase in phrases], dtype=np.float32
            )
            lookup = {f: (idf[f], np.array(items, dtype=np.int32)) for f, items in postings.items()}
            self._kinds.append((lookup, norms))
        self._unknown_idf = math.log(1 + n_entries)

    def words(self) -> list[str]:
        """Every word (feature of the first kind) the indexed texts use."""
        return list(self._kinds[0][0])

    def known_mass(self, query: Features) -> float:
        """The IDF mass of the question's words the KB uses: how much a text says about
        something the KB covers."""
        lookup = self._kinds[0][0]
        return float(sum(lookup[word][0] for word in query.words if word in lookup))

    def known_share(self, query: Features) -> float:
        """How much of the question's words (by IDF) the KB uses at all; low = out of scope."""
        lookup = self._kinds[0][0]
        if not query.words:
            return 0.0
        total = sum(
            lookup[word][0] if word in lookup else self._unknown_idf for word in query.words
        )
        return self.known_mass(query) / total if total else 0.0

    def f1(self, query: Features) -> list[FloatArray]:
        return self.measure(query).f1()

    def recall(self, query: Features) -> list[FloatArray]:
        return self.measure(query).recall()

    def coverage(self, query: Features) -> list[FloatArray]:
        return self.measure(query).coverage()

    def measure(self, query: Features) -> Overlap:
        """The question's overlap with every text, per kind; one pass serves every measure."""
        kinds = []
        unknown = self._unknown_idf
        for (lookup, norms), pick in zip(self._kinds, self._picks, strict=True):
            query_norm = 0.0
            hit_lists: list[NDArray[np.int32]] = []
            hit_values: list[float] = []
            for feature in pick(query):
                found = lookup.get(feature)
                if found is None:
                    query_norm += unknown
                    continue
                value, hits = found
                query_norm += value
                hit_lists.append(hits)
                hit_values.append(value)
            # One bincount over every posting hit: a long message has hundreds of features, and
            # an indexed add per feature was most of lexical matching's time.
            if hit_lists:
                lengths = [len(hits) for hits in hit_lists]
                overlap = np.bincount(
                    np.concatenate(hit_lists),
                    weights=np.repeat(hit_values, lengths),
                    minlength=self._n_phrases,
                ).astype(np.float32)
            else:
                overlap = np.zeros(self._n_phrases, dtype=np.float32)
            kinds.append((overlap, query_norm, norms))
        return Overlap(kinds)


@dataclass(frozen=True)
class Overlap:
    """Per kind (words, bigrams, sounds): the IDF mass shared with each text, the question's
    own mass, and each text's."""

    kinds: list[tuple[FloatArray, float, FloatArray]]

    def f1(self) -> list[FloatArray]:
        """IDF-weighted F1 of the question and each text."""
        return [
            2 * overlap / (query_norm + norms) if query_norm else overlap
            for overlap, query_norm, norms in self.kinds
        ]

    def recall(self) -> list[FloatArray]:
        """The share of the question (by IDF) each text contains."""
        return [
            overlap / query_norm if query_norm else overlap for overlap, query_norm, _ in self.kinds
        ]

    def coverage(self) -> list[FloatArray]:
        """The share of each text (by IDF) the question contains."""
        return [
            np.divide(overlap, norms, out=np.zeros_like(overlap), where=norms > 0)
            for overlap, _, norms in self.kinds
        ]


def _words(features: Features) -> frozenset[str]:
    return features.words


def _bigrams(features: Features) -> frozenset[str]:
    return features.bigrams


def _sounds(features: Features) -> frozenset[str]:
    return features.sounds
