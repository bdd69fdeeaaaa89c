"""Benchmark-only shortcut for building indexes of large synthetic corpora.

The synthetic corpus (bench/synthetic.py) recombines the seed's paragraphs and swaps province
names, so most of its texts are one of a limited set of templates with different provinces in
them (about 1,000 for 17,045 passages at 1,000 articles, since the title is part of what we embed).
Embedding 17,000 such passages for real would take ~20 minutes of both cores on the benchmark
machine; query latency, memory and no-op reindex time do not depend on the vector values, so
for those sizes the index is built with one real embedding per template (the text with every
province mention masked). Build throughput is never reported from a memoised build.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.embeddings import ArrayEmbeddings  # noqa: E402
from assistant.provinces import province_mentions  # noqa: E402


def template_key(text: str) -> str:
    """The text with every province mention replaced by one placeholder."""
    for start, end, _ in reversed(province_mentions(text)):
        text = text[:start] + "\x00" + text[end:]
    return text


class TemplateMemo(Embeddings):
    """LangChain Embeddings that embed one text per province-masked template (baseline side).

    The baseline's 1000-character windows span several recombined paragraphs, so whole windows
    rarely repeat; they are keyed by their first KEY_CHARS characters (masked) instead: a window
    gets the real embedding of a window that starts with the same paragraph.
    """

    KEY_CHARS = 160

    def __init__(self, inner: Embeddings):
        self.inner = inner
        self.cache: dict[str, list[float]] = {}
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts, embedding only templates not seen before."""
        keys = [template_key(t)[: self.KEY_CHARS] for t in texts]
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self.cache and key not in missing:
                missing[key] = text
        if missing:
            vectors = self.inner.embed_documents(list(missing.values()))
            self.cache.update(zip(missing.keys(), vectors))
            self.embedded += len(missing)
        return [self.cache[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        """Queries are embedded for real."""
        return self.inner.embed_query(text)


class TemplateMemoArray(ArrayEmbeddings):
    """The same shortcut for our ArrayEmbeddings backends (same model_id, so the index is valid)."""

    def __init__(self, inner: ArrayEmbeddings):
        self.inner = inner
        self.model_id = inner.model_id
        self.cache: dict[str, np.ndarray] = {}
        self.embedded = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors for passages, embedding only templates not seen before."""
        keys = [template_key(t) for t in texts]
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self.cache and key not in missing:
                missing[key] = text
        if missing:
            vectors = self.inner.embed_passages(list(missing.values()))
            self.cache.update(zip(missing.keys(), vectors))
            self.embedded += len(missing)
        if not keys:
            return self.inner.embed_passages([])
        return np.vstack([self.cache[k] for k in keys]).astype(np.float32)

    def embed_question(self, text: str) -> np.ndarray:
        """Questions are embedded for real."""
        return self.inner.embed_question(text)
