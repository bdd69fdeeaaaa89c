"""BM25 over Vietnamese syllables and syllable bigrams, in two key spaces.

- exact keys: lower-cased words with one tone-mark convention ("hoá" == "hóa" but "tư" != "từ"),
  used when the question was typed with diacritics;
- folded keys: accent-free ("nghe an"), used when it was not.
Syllable bigrams stand in for Vietnamese word segmentation ("ký kết", "đầu tư"): measured in
docs/quality.md against underthesea segmentation.
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from typing import Iterable

import numpy as np

from .provinces import province_mentions
from .text import fold, fold_word, normalize_tone_word, unglue
from .tuning import LexicalKeys

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


DEFAULT_KEYS = LexicalKeys()


def province_token(name: str) -> str:
    """The single term a province mention becomes, whatever alias it was written with."""
    return "prov" + "".join(ch for ch in fold(name) if ch.isalnum())


@lru_cache(maxsize=64)  # a document's text is canonicalised once for both key spaces
def _canonical_provinces(text: str, province_terms: bool = True) -> str:
    # "tphcm", "Sài Gòn" and "TP.HCM" must meet in the index: every mention becomes one term
    text = unglue(text)
    if not province_terms:
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


# Bump when the terms a text yields change: saved lexical indexes of another version are rebuilt.
KEY_VERSION = "2"


def key_version(keys: LexicalKeys = DEFAULT_KEYS) -> str:
    """The version of the terms texts yield, switches included (saved indexes of another are rebuilt)."""
    if keys == DEFAULT_KEYS:
        return KEY_VERSION
    switches = (keys.bigrams, keys.province_terms)
    return f"{KEY_VERSION}-{keys.segmenter}-" + "".join("1" if on else "0" for on in switches)


def words(text: str, folded: bool, keys: LexicalKeys = DEFAULT_KEYS) -> list[str]:
    """Words of a text in one key space (folded or exact-with-normalised-tone)."""
    text = _canonical_provinces(text, keys.province_terms)
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


def terms(text: str, folded: bool, query: bool = False, keys: LexicalKeys = DEFAULT_KEYS) -> list[str]:
    """Unigram and bigram terms; a query drops stop-word unigrams (and, with diacritics, all-stop-word bigrams)."""
    ws = words(text, folded, keys)
    stop = STOP_FOLDED if folded else STOP_EXACT
    out = [w for w in ws if not (query and w in stop)]
    if keys.segmenter == "underthesea":
        return out + _segmented_words(text, folded, keys)
    for a, b in zip(ws, ws[1:]) if keys.bigrams else ():
        # accent-free, two "stop words" are often one content word ("dau tu" = đầu tư, not đâu từ)
        if query and a in stop and b in stop and not folded:
            continue
        out.append(a + " " + b)
    return out


def _segmented_words(text: str, folded: bool, keys: LexicalKeys) -> list[str]:
    from underthesea import word_tokenize  # only for the ablation study

    out = []
    for token in word_tokenize(_canonical_provinces(text, keys.province_terms)):
        parts = words(token, folded, keys)
        if len(parts) > 1:
            out.append(" ".join(parts))
    return out


class BM25:
    """Inverted-index BM25 in three flat arrays (CSR by term) with precomputed document weights.

    Flat arrays instead of one small array pair per term: a 17,000-passage corpus has a few
    hundred thousand distinct unigrams and bigrams, and per-term objects cost both build time
    and hundreds of MB.
    """

    def __init__(self, docs: Iterable[list[str]], k1: float = 1.2, b: float = 0.75):
        vocab: dict[str, int] = {}
        # term ids in a flat machine-int array: a list of Python ints (or of the term lists
        # themselves) would take several hundred MB for a large corpus
        term_ids = array("q")
        lengths_list = array("l")
        for doc in docs:
            lengths_list.append(len(doc))
            term_ids.extend(vocab.setdefault(term, len(vocab)) for term in doc)
        self.vocab = vocab
        self.n_docs = n = len(lengths_list)
        lengths = np.frombuffer(lengths_list, dtype=np.int64 if lengths_list.itemsize == 8 else np.int32).astype(np.float32)
        terms = np.frombuffer(term_ids, dtype=np.int64)
        doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths.astype(np.int64))
        # one entry per (term, document) with its term frequency, sorted by term then document
        width = max(n, 1)
        keys, tf = np.unique(terms * width + doc_of, return_counts=True)
        self._docs = (keys % width).astype(np.int32)
        self._indptr = np.searchsorted(keys // width, np.arange(len(vocab) + 1)).astype(np.int64)
        avg = float(lengths.mean()) if n else 1.0
        tf = tf.astype(np.float32)
        norm = k1 * (1 - b + b * lengths[self._docs] / max(avg, 1e-6))
        self._weights = (tf * (k1 + 1) / (tf + norm)).astype(np.float32)
        df = np.diff(self._indptr).astype(np.float64)
        self._idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self.max_idf = float(self._idf.max()) if len(self._idf) else 1.0

    def to_arrays(self) -> tuple[list[str], dict[str, np.ndarray]]:
        """The index as its vocabulary (in id order) and four arrays, for saving."""
        arrays = {"docs": self._docs, "indptr": self._indptr, "weights": self._weights, "idf": self._idf}
        return list(self.vocab), arrays

    @classmethod
    def from_arrays(cls, vocab: list[str], arrays: dict[str, np.ndarray], n_docs: int) -> "BM25":
        """An index saved with to_arrays (no term extraction: loads in milliseconds)."""
        index = cls.__new__(cls)
        index.vocab = {term: i for i, term in enumerate(vocab)}
        index.n_docs = n_docs
        index._docs = arrays["docs"]
        index._indptr = arrays["indptr"]
        index._weights = arrays["weights"]
        index._idf = arrays["idf"]
        index.max_idf = float(index._idf.max()) if len(index._idf) else 1.0
        return index

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term the corpus contains (0.0 otherwise)."""
        t = self.vocab.get(term)
        return 0.0 if t is None else float(self._idf[t])

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (repeated terms count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in dict.fromkeys(query_terms):
            t = self.vocab.get(term)
            if t is not None:
                lo, hi = self._indptr[t], self._indptr[t + 1]
                out[self._docs[lo:hi]] += np.float32(self._idf[t]) * self._weights[lo:hi]
        return out

    def has(self, term: str) -> bool:
        """Whether any document contains the term."""
        return term in self.vocab
