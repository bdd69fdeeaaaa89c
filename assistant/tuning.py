"""Every weight, threshold and switch of retrieval and answering, in one frozen config.

`Tuning()` holds the values measured best (docs/quality.md has the ablation for each);
`Settings.tuning` carries one down to the code that reads it. An experiment builds another
(`DEFAULT_TUNING.with_(type_reorder=0)`), so one process can hold two configurations side by side
and nothing cached can go stale: the caches key on the config itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

KINDS = ("vi", "vi-noaccent", "en")  # how a question was typed


def _per_kind(vi: float, noaccent: float, en: float) -> tuple[tuple[str, float], ...]:
    return (("vi", vi), ("vi-noaccent", noaccent), ("en", en))


@dataclass(frozen=True)
class LexicalKeys:
    """How texts become BM25 terms. Changing any of these changes the index's key space."""

    bigrams: bool = True  # syllable bigrams stand in for word segmentation
    province_terms: bool = True  # every alias of a province becomes one term ("tphcm" = "TP.HCM")
    # "bigrams" or "underthesea" (its segmenter's multi-syllable words as extra terms: measured,
    # not worth its 3-10 s import)
    segmenter: str = "bigrams"


@dataclass(frozen=True)
class Tuning:
    """Fusion weights, answer thresholds and ablation switches (hashable: safe as a cache key)."""

    # -- retrieval: weighted reciprocal-rank fusion of a dense and one to three BM25 lists
    rrf_k: int = 60
    dense_weight: tuple[tuple[str, float], ...] = _per_kind(1.0, 0.5, 1.0)
    lexical_weight: tuple[tuple[str, float], ...] = _per_kind(1.0, 1.0, 0.3)
    folded_weight_vi: float = 0.3  # BM25 in the folded key space for questions with diacritics
    expansion_weight: float = 0.8  # English questions: BM25 on the glossary's Vietnamese equivalents
    province_boost: float = 0.5  # in units of a first-rank RRF contribution
    candidates: int = 50  # passages taken from each ranked list
    # the top passages the answerer reads; those holding the kind of thing asked for go first
    type_reorder: int = 3
    use_restore: bool = True  # dense model reads accent-free questions with diacritics restored
    use_expansion: bool = True  # English questions: glossary expansion into Vietnamese
    use_dense_expansion: bool = True  # ... also in the text the dense model reads
    use_shorthand: bool = True  # chat shorthand and acronyms spelled out
    use_synonyms: bool = True  # Vietnamese synonym groups in answer coverage
    lexical: LexicalKeys = field(default_factory=LexicalKeys)

    # -- answering
    # answer or abstain: "learned" (answerability.py, fitted weights) or "rules" (the thresholds below)
    answerability: str = "learned"
    answer_threshold: float | None = None  # overrides the learned scorer's fitted threshold
    max_answer_chars: int = 600
    answer_passages: int = 3  # top passages whose sentences are candidates
    # abstention: coverage at the midpoint of the gap between answerable and unanswerable dev
    # questions that pass the type checks; the dense floor just under the least similar answerable one
    min_coverage: tuple[tuple[str, float], ...] = _per_kind(0.40, 0.28, 0.30)
    min_dense: tuple[tuple[str, float], ...] = _per_kind(0.82, 0.80, 0.77)
    min_phrase_coverage: float = 0.15  # accent-free questions: share of word pairs a passage must hold
    context_share: float = 0.6  # share of a sentence's coverage judged with the sentence before it
    use_year_check: bool = True  # a year the question names must be in the answering passage
    # a sentence holding what the best one lacks, from another passage, needs this share of its coverage
    holder_coverage: float = 0.5
    second_sentence: float = 0.6  # a second sentence scoring this share of the best is shown too
    # descriptive questions naming provinces: answered from the passages about them, not a roll of
    # every partner, the whole answer from one passage
    descriptive_one_passage: bool = True

    def per_kind(self, name: str, kind: str) -> float:
        """A per-question-kind value (`dense_weight`, `lexical_weight`, `min_coverage`, `min_dense`)."""
        return dict(getattr(self, name))[kind]

    def with_(self, **changes) -> "Tuning":
        """A copy with some values changed; per-kind values may be given as dicts."""
        for key, value in changes.items():
            if isinstance(value, dict):
                changes[key] = tuple({**dict(getattr(self, key)), **value}.items())
        return replace(self, **changes)


DEFAULT_TUNING = Tuning()
# The configuration of commit d2fc4cf, for comparison: hand-set answer-or-abstain thresholds, and
# descriptive questions answered from any of the top passages like factoids. ASSISTANT_TUNING=rules.
RULES_TUNING = DEFAULT_TUNING.with_(answerability="rules", descriptive_one_passage=False)
# "descriptive" named the configuration that became the default on 2026-12-03 (939fc9f): settings
# written for it keep working
TUNINGS = {"default": DEFAULT_TUNING, "rules": RULES_TUNING, "descriptive": DEFAULT_TUNING}
