"""Putting diacritics back on a question typed without them, from the corpus's own vocabulary.

"nghe an ky ket nam nao" -> "Nghệ An ký kết năm nào": each folded word (or better, word pair) is
replaced by its most frequent accented form in the indexed passages. Words the corpus never uses
stay as typed. The dense model reads the restored question; e5 matches accent-free Vietnamese
poorly (docs/quality.md), while the corpus vocabulary resolves most ambiguity in context.
"""

from __future__ import annotations

import re
from collections import Counter

from .text import fold, fold_word, nfc

_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Common question words that never appear in article text but decide how e5 reads a question.
# They win over the corpus's own (more frequent, but wrong here) forms such as "Lao Bảo".
_QUESTION_WORDS = {
    "nao": "nào", "gi": "gì", "nhieu": "nhiêu", "dau": "đâu", "khong": "không", "chua": "chưa",
    "roi": "rồi", "thi": "thì", "trong": "trong",
    # words of asking and conversation, rare in news text but common in questions
    "muon": "muốn", "lam": "làm", "noi": "nói", "lau": "lâu", "vay": "vậy", "the": "thế",
    "biet": "biết", "hoi": "hỏi", "nhi": "nhỉ",
}
_QUESTION_PAIRS = {
    ("bao", "nhieu"): ("bao", "nhiêu"), ("nam", "nao"): ("năm", "nào"), ("tu", "nam"): ("từ", "năm"),
    ("khi", "nao"): ("khi", "nào"), ("bao", "gio"): ("bao", "giờ"), ("o", "dau"): ("ở", "đâu"),
    ("la", "gi"): ("là", "gì"), ("la", "ai"): ("là", "ai"), ("the", "nao"): ("thế", "nào"),
    ("ra", "sao"): ("ra", "sao"), ("thi", "sao"): ("thì", "sao"), ("vi", "sao"): ("vì", "sao"),
    ("tai", "sao"): ("tại", "sao"), ("luc", "nao"): ("lúc", "nào"), ("nhu", "the"): ("như", "thế"),
    ("noi", "nao"): ("nơi", "nào"), ("bao", "lau"): ("bao", "lâu"), ("lam", "gi"): ("làm", "gì"),
    ("theo", "huong"): ("theo", "hướng"), ("lan", "thu"): ("lần", "thứ"),
    ("phan", "thu"): ("phần", "thứ"), ("thu", "nhat"): ("thứ", "nhất"), ("thu", "hai"): ("thứ", "hai"),
}


class DiacriticRestorer:
    """Most-frequent accented forms of folded words and word pairs seen in the corpus."""

    def __init__(self, texts: list[str]):
        unigram_counts: Counter = Counter()
        bigram_counts: Counter = Counter()
        for text in texts:
            lowered = [w.lower() for w in _WORD_RE.findall(nfc(text))]
            folded = [fold_word(w) for w in lowered]
            unigram_counts.update(zip(folded, lowered))
            bigram_counts.update(zip(zip(folded, folded[1:]), zip(lowered, lowered[1:])))
        self._uni = _most_frequent(unigram_counts)
        self._bi = _most_frequent(bigram_counts)

    def restore(self, question: str) -> str:
        """The question with corpus diacritics restored where the corpus knows the word."""
        spans = [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(question)]
        folded = [fold(w) for _, _, w in spans]
        out: list[str | None] = [None] * len(spans)
        # word pairs first: they settle "nam" as "năm" in "năm nào" but "Nam" in "Hà Nam"
        for i in range(len(spans) - 1):
            key = (folded[i], folded[i + 1])
            pair = _QUESTION_PAIRS.get(key) or self._bi.get(key)
            if pair:
                if out[i] is None:
                    out[i] = pair[0]
                out[i + 1] = pair[1]
        for i, f in enumerate(folded):
            if out[i] is None:
                out[i] = _QUESTION_WORDS.get(f) or self._uni.get(f) or spans[i][2]
        pieces, pos = [], 0
        for (start, end, original), new in zip(spans, out):
            pieces.append(question[pos:start])
            pieces.append(_match_case(original, new))
            pos = end
        pieces.append(question[pos:])
        return "".join(pieces)


def _most_frequent(counts: Counter) -> dict:
    """For each folded key, its most frequent accented form (ties: the first seen)."""
    best: dict = {}
    for (key, form), n in counts.items():
        if key not in best or n > best[key][1]:
            best[key] = (form, n)
    return {key: form for key, (form, _) in best.items()}


def _match_case(original: str, new: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original[:1].isupper():
        return new[:1].upper() + new[1:]
    return new
