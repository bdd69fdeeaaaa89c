"""Answer or abstain: one learned scorer over the signals the extractive answerer computes.

The signals (`FEATURES`) describe how well the retrieved passages support the chosen answer:
coverage of the question's words, the most informative question word the answering passage
lacks, dense similarity and how peaked the ranking is, whether the sentence holds what was asked
(a year, an amount), agreement on provinces, names and numbers, and how the question was typed.
Disagreements no answer survives (`vetoed`) abstain outright; a logistic regression over the
signals decides the rest. It is fitted by scripts/fit_answerability.py with cross-validation
(docs/quality.md) and shipped as data/answerability.json: weights, the standardisation, the
decision threshold and the figures it was chosen on. Nothing here reads a file at import.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

FEATURES = (
    "coverage",  # IDF-weighted share of the question's terms in the best-covered passage read
    "sentence_coverage",  # ... in the chosen sentence, partly with the sentence before it
    "uncovered_idf",  # the rarest question term the answering passage lacks (idf / corpus max)
    "sentence_uncovered_idf",  # ... that the answer's sentences lack
    "focus_near",  # a count question: a number next to the noun counted (1/0; 0.5 for other questions)
    "unseen_share",  # share of the question's weight in terms the corpus never uses
    "dense",  # cosine similarity of the top passage
    "dense_margin",  # top passage's similarity minus the last retrieved one's
    "type_asked",  # the question asks for a kind of thing (a year, an amount, a person, ...)
    "type_ok",  # the answer holds every kind asked for
    "province_asked",  # the question names a province
    "province_ok",  # the answer comes from a passage about the provinces named
    "missing",  # names and numbers of the question the answering article lacks (at most 3)
    "phrase_coverage",  # accent-free questions: share of word pairs found (1 otherwise)
    "kind_noaccent",  # typed without diacritics
    "kind_en",  # English
    "terms",  # log(1 + content terms of the question)
)


def vetoed(features: dict[str, float]) -> bool:
    """Disagreement the answer cannot survive, whatever the other signals: a name, number or year
    of the question that the answering article lacks, a sentence without the kind of thing asked,
    a passage not about the province named, an accent-free question none of whose word pairs
    occurs, a question with no word the index can match (a few made-up letters, an English question none of
    whose words the glossary knows: only the dense model, always ~0.8 similar, found its passage).
    Each alone abstained on 0-2.5% of the answerable questions of the fitting sets and on 0.6-31%
    of the unanswerable ones (docs/quality.md); the scorer is fitted on the rest."""
    return bool(
        features["terms"] == 0
        or features["missing"] > 0
        or (features["type_asked"] and not features["type_ok"])
        or not features["province_ok"]
        or features["phrase_coverage"] < 0.15
    )


@dataclass(frozen=True)
class Scorer:
    """A fitted logistic regression: P(answerable) from standardised features."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float  # answer when P(answerable) >= threshold

    def probability(self, features: dict[str, float]) -> float:
        """P(the question is answerable from these passages)."""
        z = self.bias + sum(
            w * (features[name] - m) / s
            for name, w, m, s in zip(FEATURES, self.weights, self.means, self.scales)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def scorer_from_dict(data: dict) -> Scorer:
    """A Scorer from the JSON shape scripts/fit_answerability.py writes (features in FEATURES order)."""
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"answerability weights are for features {data['features']}, expected {list(FEATURES)}")
    return Scorer(tuple(data["weights"]), float(data["bias"]), tuple(data["means"]),
                  tuple(data["scales"]), float(data["threshold"]))


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The scorer shipped in assistant/data/answerability.json."""
    text = resources.files("assistant").joinpath("data/answerability.json").read_text(encoding="utf-8")
    return scorer_from_dict(json.loads(text))
