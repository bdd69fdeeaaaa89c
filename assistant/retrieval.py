"""Hybrid retrieval: dense e5 + BM25 on normalised/folded syllables, fused, province-aware.

`search` works on any `backend.ReadIndex`: each ranked list (dense, BM25 in one or two key
spaces, the glossary's Vietnamese for English questions) gives its top candidates, and weighted
reciprocal-rank fusion (weights in `tuning.Tuning`, measured in docs/quality.md) orders their
union. `lc.HybridRetriever` exposes it as a LangChain `BaseRetriever`.
"""

from __future__ import annotations

from . import lexical
from .backend import ReadIndex
from .chunking import Passage
from .qtypes import satisfies
from .questions import Question
from .store import Hit
from .text import fold
from .tuning import DEFAULT_TUNING, Tuning

# Among the top passages, those holding the kind of thing asked for go first. Counts and provinces
# are left out: nearly every passage has a number, and provinces have their own boost.
_REORDER_KINDS = frozenset({"year", "duration", "money", "percent", "unit", "length", "place", "person"})


def dense_question(index: ReadIndex, question: Question, tuning: Tuning = DEFAULT_TUNING) -> Question:
    """The question with the text the dense model should read (diacritics restored, glossary added)."""
    if question.dense_text:
        return question
    if tuning.use_restore and question.kind == "vi-noaccent":
        return question.with_(dense_text=index.restore(question.text))
    if tuning.use_dense_expansion and question.kind == "en" and question.expansion_groups:
        # e5 reads "cooperation programme (chương trình hợp tác)" closer to the Vietnamese
        # passage than the English alone: the glossary's first equivalent of each term
        return question.with_(dense_text=f"{question.text} ({', '.join(g[0] for g in question.expansion_groups)})")
    return question


def search(index: ReadIndex, question: Question, k: int = 5, province: str | None = None,
           tuning: Tuning = DEFAULT_TUNING) -> list[Hit]:
    """Top-k passages for a question; `province` keeps only passages about that province."""
    if not len(index):
        return []
    question = dense_question(index, question, tuning)
    vector = index.embeddings.embed_question(question.dense_text or question.text)
    n, keys, kind = tuning.candidates, tuning.lexical, question.kind
    lists = [(index.dense_candidates(vector, n, province), tuning.per_kind("dense_weight", kind))]

    def bm25(text: str, folded: bool, weight: float) -> None:
        if weight:
            terms = lexical.terms(text, folded=folded, query=True, keys=keys)
            lists.append((index.lexical_candidates(terms, folded, n, province), weight))

    if kind == "en":
        bm25(question.text, True, tuning.per_kind("lexical_weight", "en"))
        if question.expansion:
            bm25(" ".join(question.expansion), True, tuning.expansion_weight)
    else:
        bm25(question.lexical_text, kind != "vi", tuning.per_kind("lexical_weight", kind))
        if kind == "vi":
            # the same question accent-folded: forgives a wrong or missing mark in the question
            bm25(question.lexical_text, True, tuning.folded_weight_vi)
    fused: dict[str, float] = {}
    for candidates, weight in lists:
        for rank, (pid, score) in enumerate(candidates, 1):
            if score > 0:
                fused[pid] = fused.get(pid, 0.0) + weight / (tuning.rrf_k + rank)
    _add_province_boost(fused, index, question, tuning)
    ranked = sorted(fused, key=lambda pid: (-fused[pid], index.sort_key(pid)))
    # twice as many as asked for, so that k remain once near-duplicates are dropped
    top_ids = [pid for pid in ranked if fused[pid] > 0][:2 * k]
    passages = _distinct(list(zip(top_ids, index.passages(top_ids))))[:k]
    ids = [pid for pid, _ in passages]
    hits = [Hit(pid, p, s) for (pid, p), s in zip(passages, index.cosines(ids, vector))]
    return _prefer_answer_type(hits, question, tuning.type_reorder) if tuning.type_reorder else hits


def _distinct(passages: list[tuple[str, "Passage"]], overlap: float = 0.9) -> list[tuple[str, "Passage"]]:
    """The passages without near-duplicates of a better-ranked one (the same story published
    twice, an article saved under two names): at least `overlap` of their words in common."""
    kept: list[tuple[str, Passage, set[str]]] = []
    for pid, p in passages:
        words = set(fold(p.text).split())
        if any(len(words & other) >= overlap * max(len(words), len(other), 1) for _, _, other in kept):
            continue
        kept.append((pid, p, words))
    return [(pid, p) for pid, p, _ in kept]


def _add_province_boost(fused: dict[str, float], index: ReadIndex, question: Question, tuning: Tuning) -> None:
    """Extra score for candidates about the provinces the question names (rare ones only)."""
    named = [p for p in question.provinces if 0 < index.province_counts.get(p, 0) <= max(1, len(index) // 2)]
    if not named or not tuning.province_boost:
        return
    unit = tuning.province_boost / (tuning.rrf_k + 1)
    for pid in fused:
        fused[pid] += unit * len(index.provinces_of(pid).intersection(named)) / len(named)


def _prefer_answer_type(hits: list[Hit], question: Question, head_size: int) -> list[Hit]:
    """Among the first `head_size` passages, those holding what the question asks for (a year for
    "năm nào", a place for "ở đâu", ...) come first, in their fused order.

    Only within the passages the answerer reads anyway: pulling such passages up from further
    down made more out-of-scope questions look answerable (docs/quality.md).
    """
    kinds = question.types & _REORDER_KINDS
    if not kinds or len(hits) < 2:
        return hits
    head = hits[:head_size]
    head.sort(key=lambda h: not all(satisfies(kind, h.passage.text, question) for kind in kinds))
    return head + hits[head_size:]
