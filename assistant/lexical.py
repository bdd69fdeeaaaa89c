"""BM25 over Vietnamese syllables and syllable bigrams, in two key spaces.

- exact keys: lower-cased words with one tone-mark convention ("hoá" == "hóa" but "tư" != "từ"),
  used when the question was typed with diacritics;
- folded keys: accent-free ("nghe an"), used when it was not.
Syllable bigrams stand in for Vietnamese word segmentation ("ký kết", "đầu tư"): measured in
docs/quality.md against underthesea segmentation.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from .provinces import province_mentions
from .text import fold, fold_word, normalize_tone_word, unglue

_WORD_RE = re.compile(r"\w+", re.UNICODE)

# Function and question words. They are dropped as single terms but kept inside bigrams,
# because folding merges them with content words ("từ"/"tư" -> "tu": "đầu tư" stays "dau tu").
STOPWORDS_VI = set(
    """là gì nào bao nhiêu ai đâu khi như thế sao có không của các những và với đã được cho
    trong tại từ đến thì còn về một này đó ở hay hoặc mà để theo vào ra lên bị bởi rằng nên
    cũng rất nhiều hơn nữa vẫn đang sẽ chỉ mấy gồm những điều việc này kia ấy nhé vậy hả à ạ
    ông bà người""".split()
)
STOPWORDS_EN = set(
    """a an the of to in on at for and or with by from as is are was were be been being do does
    did what which who whom whose when where why how many much that this these those it its
    into about under over between there their they them he she his her we our you your i me my
    has have had will would can could should may might any some all each per than then so such
    not no yes tell me please""".split()
)
STOP_FOLDED = {fold(w) for w in STOPWORDS_VI} | STOPWORDS_EN
STOP_EXACT = {w.lower() for w in STOPWORDS_VI} | STOPWORDS_EN


def _canon_number(word: str) -> str:
    return (word.lstrip("0") or "0") if word.isdigit() else word


# Switches for the ablation study (bench/ablation.py); both measured to help.
USE_BIGRAMS = True
USE_PROVINCE_TERMS = True
# "bigrams" (default) or "underthesea": multi-syllable words from underthesea's segmenter as
# extra terms. Measured in bench/ablation.py; not worth its 3-10 s import (docs/quality.md).
SEGMENTER = "bigrams"


def province_token(name: str) -> str:
    """The single term a province mention becomes, whatever alias it was written with."""
    return "prov" + "".join(ch for ch in fold(name) if ch.isalnum())


@lru_cache(maxsize=64)  # a document's text is canonicalised once for both key spaces
def _canonical_provinces(text: str) -> str:
    # "tphcm", "Sài Gòn" and "TP.HCM" must meet in the index: every mention becomes one term
    text = unglue(text)
    if not USE_PROVINCE_TERMS:
        return text
    mentions = province_mentions(text)
    if not mentions:
        return text
    parts, pos = [], 0
    for start, end, name in mentions:
        parts.append(text[pos:start])
        parts.append(f" {province_token(name)} ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def words(text: str, folded: bool) -> list[str]:
    """Words of a text in one key space (folded or exact-with-normalised-tone)."""
    text = _canonical_provinces(text)
    if folded:
        return [_canon_number(w) for w in _WORD_RE.findall(fold(text)) if w != "_"]
    return [_exact_key(w) for w in _WORD_RE.findall(text) if w != "_"]


@lru_cache(maxsize=200_000)
def _exact_key(word: str) -> str:
    return _canon_number(normalize_tone_word(word).lower())


_SURFACE_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


def surface_words(text: str) -> list[str]:
    """Folded words and whole numbers as written ("3.426" stays one token), no province merging."""
    return [fold_word(w) for w in _SURFACE_RE.findall(unglue(text))]


def terms(text: str, folded: bool, query: bool = False) -> list[str]:
    """Unigram and bigram terms; a query drops stop-word unigrams and all-stop-word bigrams."""
    ws = words(text, folded)
    stop = STOP_FOLDED if folded else STOP_EXACT
    out = [w for w in ws if not (query and w in stop)]
    if SEGMENTER == "underthesea":
        return out + _segmented_words(text, folded)
    for a, b in zip(ws, ws[1:]) if USE_BIGRAMS else ():
        if query and a in stop and b in stop:
            continue
        out.append(a + " " + b)
    return out


def _segmented_words(text: str, folded: bool) -> list[str]:
    from underthesea import word_tokenize  # only for the ablation study

    out = []
    for token in word_tokenize(_canonical_provinces(text)):
        parts = words(token, folded)
        if len(parts) > 1:
            out.append(" ".join(parts))
    return out


class BM25:
    """A small inverted-index BM25 with precomputed document-side weights."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.n_docs = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if len(docs) else 1.0
        postings: dict[str, dict[int, int]] = {}
        for i, doc in enumerate(docs):
            for term in doc:
                row = postings.setdefault(term, {})
                row[i] = row.get(i, 0) + 1
        self._index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, row in postings.items():
            ids = np.fromiter(row.keys(), dtype=np.int32, count=len(row))
            tf = np.fromiter(row.values(), dtype=np.float32, count=len(row))
            norm = k1 * (1 - b + b * lengths[ids] / max(avg, 1e-6))
            self._index[term] = (ids, tf * (k1 + 1) / (tf + norm))
            df = len(row)
            self.idf[term] = math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (repeated terms count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in dict.fromkeys(query_terms):
            hit = self._index.get(term)
            if hit is not None:
                ids, weights = hit
                out[ids] += self.idf[term] * weights
        return out

    def doc_freq(self, term: str) -> int:
        """Number of documents containing the term."""
        hit = self._index.get(term)
        return 0 if hit is None else len(hit[0])

    def has(self, term: str) -> bool:
        """Whether any document contains the term."""
        return term in self._index
