"""The extractive answerer: the sentence(s) that answer, with [n] markers, or a plain abstention.

No language model: candidate sentences from the top passages are scored by how much of the
question they cover (IDF-weighted, in the key space the question was typed in), whether they hold
what the question asks for (a year, a count, a province, a person) and the passage's rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexical
from .provinces import find_provinces
from .retrieval import PassageIndex, QueryInfo
from .store import Hit
from .text import fold, split_sentences

MAX_ANSWER_CHARS = 600
NOT_FOUND = {
    "vi": "Không tìm thấy thông tin này trong các bài viết đã lập chỉ mục.",
    "en": "Not found in the indexed articles.",
}
# Abstention thresholds, calibrated with `assistant eval --calibrate` on the dev set.
MIN_COVERAGE = {"vi": 0.55, "vi-noaccent": 0.55, "en": 0.35}
MIN_DENSE = {"vi": 0.80, "vi-noaccent": 0.78, "en": 0.78}
ANSWER_PASSAGES = 3

_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER_RE = re.compile(r"\b\d+\b")
_QTYPES = {
    "year": ("nam nao", "khi nao", "bao gio", "luc nao", "thoi diem nao", "tu nam", "nam bao nhieu",
             "when", "what year", "which year", "since when", "in what year"),
    "count": ("bao nhieu", "may ", "how many", "how much", "number of"),
    "province": ("tinh nao", "dia phuong nao", "tinh thanh nao", "noi nao", "which province",
                 "what province", "which provinces", "which locality", "which localities", "where"),
    "person": ("ai ", "ai?", "la ai", "who"),
}


@dataclass
class Support:
    """How well the retrieved passages support an answer; decides abstention."""

    coverage: float  # IDF-weighted share of the question's terms found in a top passage
    dense: float  # cosine similarity of the top passage
    type_ok: bool  # the answer sentence holds what was asked (a year, a count, ...)
    province_ok: bool  # the passages are about the province the question names

    def ok(self, kind: str) -> bool:
        """Whether to answer rather than abstain."""
        return self.type_ok and self.province_ok and self.coverage >= MIN_COVERAGE[kind]


@dataclass
class Citation:
    """A passage the answer cites, numbered as its [n] marker."""

    n: int
    hit: Hit
    highlights: list[tuple[int, int]] = field(default_factory=list)  # sentence spans in the text

    def as_dict(self) -> dict:
        """The JSON shape of a citation (keys fixed by the CLI contract)."""
        p = self.hit.passage
        return {
            "id": self.n,
            "article": p.article,
            "title": p.title,
            "section": p.section,
            "text": p.text,
            "start": p.start,
            "end": p.end,
            "score": round(self.hit.score, 4),
        }


@dataclass
class Answer:
    """An answer with its citations; `nearest` holds passages shown when it abstained."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    nearest: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lang: str = "vi"
    support: Support | None = None
    standalone_question: str = ""  # the question actually searched (follow-ups are rewritten)

    def as_dict(self) -> dict:
        """The JSON shape of an answer (keys fixed by the CLI contract)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.as_dict() for c in self.citations],
        }


def question_types(question: str) -> set[str]:
    """What a question asks for: year, count, province, person."""
    q = " " + " ".join(fold(question).replace("?", " ? ").split()) + " "
    found = set()
    for kind, cues in _QTYPES.items():
        if any((" " + cue) in q for cue in cues):
            found.add(kind)
    return found


def satisfies(kind: str, sentence: str, asked_provinces: list[str]) -> bool:
    """Whether a sentence contains the kind of thing the question asks for."""
    if kind == "year":
        return bool(_YEAR_RE.search(sentence))
    if kind == "count":
        return bool(_NUMBER_RE.search(sentence))
    if kind == "province":
        found = find_provinces(sentence)
        return any(p not in asked_provinces for p in found) or bool(found)
    if kind == "person":
        return bool(re.search(r"\b(ông|bà|anh|chị|Phó|Chủ tịch|Giám đốc|Bí thư)\b", sentence)) or bool(
            re.search(r"\b[A-ZĐ][^\W\d_]+ [A-ZĐ][^\W\d_]+ [A-ZĐ][^\W\d_]+\b", sentence)
        )
    return True


@dataclass
class _Candidate:
    hit_rank: int
    start: int
    end: int
    text: str
    score: float
    coverage: float
    satisfied: bool
    has_province: bool


def language_of(info: QueryInfo) -> str:
    """Language to answer in: en for English questions, vi otherwise."""
    return "en" if info.kind == "en" else "vi"


def extract_answer(question: str, info: QueryInfo, hits: list[Hit], index: PassageIndex) -> Answer:
    """Pick the answering sentence(s) from the hits, or abstain when support is weak."""
    lang = language_of(info)
    if not hits:
        return Answer(question, NOT_FOUND[lang], True, lang=lang)
    folded = info.kind != "vi"
    bm25 = index.bm25_folded if folded else index.bm25_exact
    q_terms = list(dict.fromkeys(lexical.terms(info.lexical_text, folded=folded, query=True)))
    weights = {t: bm25.idf.get(t, 0.0) for t in q_terms if bm25.has(t)}
    # terms the corpus has never seen still count against coverage, at the highest idf
    unseen_weight = max(bm25.idf.values(), default=1.0)
    expansion = set(lexical.terms(" ".join(info.expansion), folded=True)) if info.expansion else set()
    for t in q_terms:
        if t in weights or " " in t:
            continue
        if info.kind == "en" and t not in expansion:
            continue  # English words are not expected verbatim in Vietnamese articles
        weights[t] = unseen_weight
    total = sum(weights.values()) or 1.0
    kinds = question_types(question)
    asked = [p for p in info.provinces if p != "TP.HCM"]

    candidates: list[_Candidate] = []
    for rank, hit in enumerate(hits[:ANSWER_PASSAGES]):
        text = hit.passage.text
        for s, e in _answer_units(text):
            sentence = text[s:e]
            present = set(lexical.terms(hit.passage.section + "\n" + sentence, folded=folded))
            coverage = sum(w for t, w in weights.items() if t in present) / total
            ok = all(satisfies(k, sentence, asked) for k in kinds)
            has_prov = all(p in find_provinces(sentence) for p in asked) if asked else True
            score = coverage + (0.25 if ok else -0.25 if kinds else 0) + (0.3 if asked and has_prov else 0)
            score += 0.08 / (rank + 1)
            candidates.append(_Candidate(rank, s, e, sentence, score, coverage, ok, has_prov))
    best = max(candidates, key=lambda c: c.score)
    support = Support(
        coverage=max(_passage_coverage(h, weights, total, folded) for h in hits[:ANSWER_PASSAGES]),
        dense=hits[0].score,
        type_ok=best.satisfied,
        province_ok=best.has_province and (not asked or any(p in h.passage.provinces for h in hits[:ANSWER_PASSAGES] for p in asked)),
    )
    if not support.ok(info.kind):
        return Answer(question, NOT_FOUND[lang], True, nearest=hits, lang=lang, support=support)

    chosen = [best]
    # a second sentence when it adds support the first lacks and both fit the length limit
    rest = sorted((c for c in candidates if c is not best), key=lambda c: -c.score)
    if rest and rest[0].score >= best.score * 0.85 and len(best.text) + len(rest[0].text) + 8 <= MAX_ANSWER_CHARS:
        chosen.append(rest[0])
    chosen.sort(key=lambda c: (c.hit_rank, c.start))
    citations: list[Citation] = []
    parts = []
    for cand in chosen:
        cit = next((c for c in citations if c.hit.id == hits[cand.hit_rank].id), None)
        if cit is None:
            cit = Citation(len(citations) + 1, hits[cand.hit_rank])
            citations.append(cit)
        cit.highlights.append((cand.start, cand.end))
        parts.append(f"{_clip(cand.text)} [{cit.n}]")
    return Answer(question, " ".join(parts), False, citations, lang=lang, support=support)


def _passage_coverage(hit: Hit, weights: dict[str, float], total: float, folded: bool) -> float:
    present = set(lexical.terms(hit.passage.section + "\n" + hit.passage.text, folded=folded))
    return sum(w for t, w in weights.items() if t in present) / total


def _answer_units(text: str) -> list[tuple[int, int]]:
    """Sentences of a passage; very long ones are cut at ';' so an answer stays readable."""
    units = []
    for s, e in split_sentences(text):
        if e - s <= MAX_ANSWER_CHARS - 10:
            units.append((s, e))
            continue
        pos = s
        for m in re.finditer(r";\s*", text[s:e]):
            cut = s + m.start() + 1
            if cut - pos > 40:
                units.append((pos, cut))
                pos = s + m.end()
        units.append((pos, e))
    return units


def _clip(sentence: str) -> str:
    flat = " ".join(sentence.split())
    if len(flat) <= MAX_ANSWER_CHARS - 8:
        return flat
    return flat[: MAX_ANSWER_CHARS - 9].rsplit(" ", 1)[0] + "…"
