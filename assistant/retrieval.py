"""Hybrid retrieval: dense e5 + BM25 on normalised/folded syllables, fused, province-aware.

`PassageIndex` is the in-memory read side (loaded once per process from the store: passages,
vectors, two BM25 indexes). `lc.HybridRetriever` exposes it as a LangChain `BaseRetriever`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from . import glossary, lexical
from .chunking import Passage
from .embeddings import ArrayEmbeddings
from .provinces import find_provinces
from .qtypes import question_types, satisfies
from .restore import DiacriticRestorer
from .store import Hit, PassageStore
from .synonyms import synonym_groups
from .text import expand_shorthand, has_diacritics

# Fusion weights per question kind, chosen on the dev set and checked on the held-out set
# (docs/quality.md has the ablation): e5 reads English well enough across languages that the
# lexical lists only nudge it.
RRF_K = 60
DENSE_WEIGHT = {"vi": 1.0, "vi-noaccent": 0.5, "en": 1.0}
LEXICAL_WEIGHT = {"vi": 1.0, "vi-noaccent": 1.0, "en": 0.3}
FOLDED_WEIGHT_VI = 0.3  # a third list for questions with diacritics: BM25 in the folded key space
PROVINCE_BOOST = 0.5  # added to the fused score, in units of a first-rank RRF contribution
# The top passages the answerer reads; among them, those holding the kind of thing asked for go
# first (0 switches this off). Counts and provinces are left out: nearly every passage has a
# number, and provinces have their own boost.
TYPE_REORDER = 3
_REORDER_KINDS = frozenset({"year", "duration", "money", "percent", "unit", "length", "place", "person"})
CANDIDATES = 50
# English questions: BM25 on the question's own words (names, numbers, acronyms) and, as a
# separate list, BM25 on the glossary's Vietnamese equivalents, whose generic words ("tỉnh",
# "hợp tác") would drown the names if both were one query (weights: docs/quality.md).
EXPANSION_WEIGHT = 0.8  # 1.2 measured better on the inspected sets, worse on holdout5: docs/quality.md
USE_RESTORE = True  # ablation switches (bench/ablation.py)
USE_EXPANSION = True
USE_DENSE_EXPANSION = True
USE_SHORTHAND = True
USE_SYNONYMS = True


@dataclass
class QueryInfo:
    """What the retriever works out about a question before searching."""

    text: str
    kind: str  # vi | vi-noaccent | en
    provinces: list[str] = field(default_factory=list)
    expansion: list[str] = field(default_factory=list)
    expansion_groups: list[tuple[str, ...]] = field(default_factory=list)  # per English term
    dense_text: str = ""  # what the dense model reads (diacritics restored when typed without)
    acronyms: list[tuple[str, str]] = field(default_factory=list)  # ("CNTT", "công nghệ thông tin")
    synonyms: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # ("động thổ", (..."khởi công"))

    @property
    def lexical_text(self) -> str:
        """Question plus Vietnamese equivalents of its English terms and both forms of its acronyms."""
        return " ".join([self.text] + self.expansion + [f"{a} {words}" for a, words in self.acronyms])


def analyse_question(question: str) -> QueryInfo:
    """Language kind, provinces named, and bilingual expansion of a question."""
    if glossary.looks_english(question):
        kind = "en"  # checked first: English questions often name places with diacritics
    elif has_diacritics(question):
        kind = "vi"
    else:
        kind = "vi-noaccent"
    groups = glossary.expand_english_groups(question) if kind == "en" and USE_EXPANSION else []
    expansion = list(dict.fromkeys(vi for group in groups for vi in group))
    acronyms: list[tuple[str, str]] = []
    if kind != "en" and USE_SHORTHAND:
        question, acronyms = expand_shorthand(question)  # "dc" -> "được"; CNTT <-> công nghệ thông tin
    synonyms = synonym_groups(question, accent_free=kind == "vi-noaccent") if kind != "en" and USE_SYNONYMS else []
    return QueryInfo(text=question, kind=kind, provinces=find_provinces(question), expansion=expansion,
                     expansion_groups=groups, acronyms=acronyms, synonyms=synonyms)


class PassageIndex:
    """All passages with their vectors and lexical indexes, ready for questions."""

    def __init__(
        self,
        ids: list[str],
        passages: list[Passage],
        vectors: np.ndarray,
        embeddings: ArrayEmbeddings,
        lexical_indexes: tuple[lexical.BM25, lexical.BM25] | None = None,
    ):
        self.ids = ids
        self.passages = passages
        self.vectors = vectors if len(ids) else np.zeros((0, 384), dtype=np.float32)
        self.embeddings = embeddings
        docs = [p.section + "\n" + p.text for p in passages]
        if lexical_indexes is not None:  # saved with the read-side snapshot
            self.bm25_exact, self.bm25_folded = lexical_indexes
        else:
            # term lists are streamed into the indexes, never all held at once (memory)
            self.bm25_exact = lexical.BM25(lexical.terms(d, folded=False) for d in docs)
            self.bm25_folded = lexical.BM25(lexical.terms(d, folded=True) for d in docs)
        # a passage is about the provinces it names and those its article's title names
        # ("hai bên cam kết ..." in an article titled "Lâm Đồng và TP.HCM ký ...")
        title_provinces: dict[str, set[str]] = {}
        for p in passages:
            if p.title not in title_provinces:
                title_provinces[p.title] = set(find_provinces(p.title))
        self._province_sets = [set(p.provinces) | title_provinces[p.title] for p in passages]
        self._position = {pid: i for i, pid in enumerate(ids)}
        self._article_passages: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            self._article_passages.setdefault(p.article, []).append(i)
        self._article_words: dict[str, set[str]] = {}
        self._article_texts: dict[str, str] = {}
        self._docs = docs
        self._restorer: DiacriticRestorer | None = None
        counts: dict[str, int] = {}
        for s in self._province_sets:
            for name in s:
                counts[name] = counts.get(name, 0) + 1
        self.province_counts = counts

    # Both below are built on first use (one from the other): a cold `assistant ask` needs them
    # for at most one article, and building them for every passage of a large corpus costs seconds.
    def article_words(self, article: str) -> set[str]:
        """Every folded word and number an article uses (to check the names a question mentions)."""
        words = self._article_words.get(article)
        if words is None:
            words = self._article_words[article] = set(self.article_text(article).split())
        return words

    def article_text(self, article: str) -> str:
        """An article's words accent-folded and space-joined, padded with spaces (to find phrases)."""
        text = self._article_texts.get(article)
        if text is None:
            rows = self._article_passages.get(article, [])
            parts = [self.passages[rows[0]].title] if rows else []
            parts += [self.passages[i].section + " " + self.passages[i].text for i in rows]
            text = " " + " ".join(lexical.surface_words(" ".join(parts))) + " "
            self._article_texts[article] = text
        return text

    @property
    def restorer(self) -> DiacriticRestorer:
        """Diacritic restoration from the corpus vocabulary."""
        if self._restorer is None:
            self._restorer = DiacriticRestorer([p.title for p in self.passages[:1]] + self._docs)
        return self._restorer

    @classmethod
    def from_store(cls, store: PassageStore, embeddings: ArrayEmbeddings) -> "PassageIndex":
        """Load the read side of the index from the store."""
        store.check_model(embeddings.model_id)
        ids, passages, vectors = store.all_passages(with_vectors=True)
        return cls(ids, passages, vectors, embeddings)

    def provinces_of(self, passage_id: str) -> set[str]:
        """Provinces a passage is about (its own mentions plus its article title's)."""
        i = self._position.get(passage_id)
        return self._province_sets[i] if i is not None else set()

    def __len__(self) -> int:
        return len(self.passages)

    def dense_scores(self, info: QueryInfo) -> np.ndarray:
        """Cosine similarity of every passage to the question."""
        if not len(self.passages):
            return np.zeros(0, dtype=np.float32)
        q = self.embeddings.embed_question(info.dense_text or info.text)
        return self.vectors @ q

    def lexical_scores(self, info: QueryInfo) -> np.ndarray:
        """BM25 in the key space matching how the question was typed."""
        folded = info.kind != "vi"
        bm25 = self.bm25_folded if folded else self.bm25_exact
        return bm25.scores(lexical.terms(info.lexical_text, folded=folded, query=True))

    def search(self, question: str, k: int = 5, province: str | None = None, info: QueryInfo | None = None) -> list[Hit]:
        """Top-k passages for a question; `province` keeps only passages about that province."""
        if not self.passages:
            return []
        info = info or analyse_question(question)
        if USE_RESTORE and info.kind == "vi-noaccent" and not info.dense_text:
            info.dense_text = self.restorer.restore(info.text)
        if USE_DENSE_EXPANSION and info.kind == "en" and info.expansion_groups and not info.dense_text:
            # e5 reads "cooperation programme (chương trình hợp tác)" closer to the Vietnamese
            # passage than the English alone: the glossary's first equivalent of each term
            info.dense_text = f"{info.text} ({', '.join(group[0] for group in info.expansion_groups)})"
        dense = self.dense_scores(info)
        lists = [(dense, DENSE_WEIGHT[info.kind])]
        if info.kind == "en":
            lists.append((self.bm25_folded.scores(lexical.terms(info.text, folded=True, query=True)), LEXICAL_WEIGHT["en"]))
            if info.expansion:
                terms = lexical.terms(" ".join(info.expansion), folded=True, query=True)
                lists.append((self.bm25_folded.scores(terms), EXPANSION_WEIGHT))
        else:
            lists.append((self.lexical_scores(info), LEXICAL_WEIGHT[info.kind]))
            if info.kind == "vi" and FOLDED_WEIGHT_VI:
                # the same question accent-folded: forgives a wrong or missing mark in the question
                folded_terms = lexical.terms(info.lexical_text, folded=True, query=True)
                lists.append((self.bm25_folded.scores(folded_terms), FOLDED_WEIGHT_VI))
        fused = np.zeros(len(self.passages), dtype=np.float32)
        for scores, weight in lists:
            order = np.argsort(-scores, kind="stable")[:CANDIDATES]
            ranks = np.arange(1, len(order) + 1, dtype=np.float32)
            valid = scores[order] > 0
            fused[order[valid]] += weight / (RRF_K + ranks[valid])
        boost = self._province_boost(info)
        if boost is not None:
            fused += boost
        if province:
            fused = np.where([province in s for s in self._province_sets], fused, -1.0)
        order = np.argsort(-fused, kind="stable")[:k]
        top = []
        for i in order:
            if fused[i] <= 0:
                break
            top.append(Hit(self.ids[i], self.passages[i], float(dense[i])))
        return _prefer_answer_type(top, info.text) if TYPE_REORDER else top

    def _province_boost(self, info: QueryInfo) -> np.ndarray | None:
        """Extra score for passages about the provinces the question names (rare ones only)."""
        named = [
            p for p in info.provinces
            if 0 < self.province_counts.get(p, 0) <= max(1, len(self.passages) // 2)
        ]
        if not named:
            return None
        unit = PROVINCE_BOOST / (RRF_K + 1)
        return np.array(
            [unit * len(s.intersection(named)) / len(named) for s in self._province_sets], dtype=np.float32
        )


def _prefer_answer_type(hits: list[Hit], question: str) -> list[Hit]:
    """Among the first TYPE_REORDER passages, those holding what the question asks for (a year for
    "năm nào", a place for "ở đâu", ...) come first, in their fused order.

    Only within the passages the answerer reads anyway: pulling such passages up from further
    down made more out-of-scope questions look answerable (docs/quality.md).
    """
    kinds = question_types(question) & _REORDER_KINDS
    if not kinds or len(hits) < 2:
        return hits
    head = hits[:TYPE_REORDER]
    head.sort(key=lambda h: not all(satisfies(kind, h.passage.text, question) for kind in kinds))
    return head + hits[TYPE_REORDER:]
