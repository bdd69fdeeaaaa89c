"""The embedded backend: the index in a folder, and its whole read side in memory.

Writers keep generations of a Chroma folder (store.py); readers load every passage, vector and
the two BM25 indexes once per change stamp into a `PassageIndex`, from the read-side snapshot
saved beside the live generation when it is current (no chromadb import on a cold question),
else from Chroma (then saved). Dense scores are one matrix product over all vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from . import lexical
from .backend import Candidates, IndexBackend, Overview, ReadIndex
from .chunking import Passage
from .embeddings import ArrayEmbeddings
from .provinces import find_provinces
from .restore import DiacriticRestorer
from .settings import Settings
from .store import (
    IndexDamagedError,
    PassageStore,
    ReadSnapshot,
    damaged_message,
    drop_generation,
    index_built,
    index_stamp,
    list_generations,
    live_generation,
    load_read_snapshot,
    make_live,
    model_mismatch,
    quick_problem,
    save_read_snapshot,
    touch_stamp,
)
from .tuning import DEFAULT_TUNING, LexicalKeys


class PassageIndex(ReadIndex):
    """All passages with their vectors and lexical indexes, ready for questions."""

    def __init__(
        self,
        ids: list[str],
        passages: list[Passage],
        vectors: np.ndarray,
        embeddings: ArrayEmbeddings,
        lexical_indexes: tuple[lexical.BM25, lexical.BM25] | None = None,
        keys: LexicalKeys = DEFAULT_TUNING.lexical,
    ):
        self.ids = ids
        self.embeddings = embeddings
        self.keys = keys
        self._passages = passages
        self.vectors = vectors if len(ids) else np.zeros((0, 384), dtype=np.float32)
        docs = [p.section + "\n" + p.text for p in passages]
        if lexical_indexes is not None:  # saved with the read-side snapshot
            self.bm25_exact, self.bm25_folded = lexical_indexes
        else:
            # term lists are streamed into the indexes, never all held at once (memory)
            self.bm25_exact = lexical.BM25(lexical.terms(d, folded=False, keys=keys) for d in docs)
            self.bm25_folded = lexical.BM25(lexical.terms(d, folded=True, keys=keys) for d in docs)
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
        self._province_counts = counts

    @classmethod
    def from_store(cls, store: PassageStore, embeddings: ArrayEmbeddings,
                   keys: LexicalKeys = DEFAULT_TUNING.lexical) -> "PassageIndex":
        """Load the read side of the index from the store."""
        store.check_model(embeddings.model_id)
        ids, passages, vectors = store.all_passages(with_vectors=True)
        return cls(ids, passages, vectors, embeddings, keys=keys)

    def __len__(self) -> int:
        return len(self._passages)

    @property
    def province_counts(self) -> dict[str, int]:
        return self._province_counts

    # -- candidates --------------------------------------------------------------------------

    def _top(self, scores: np.ndarray, n: int, province: str | None) -> Candidates:
        if province:
            scores = np.where([province in s for s in self._province_sets], scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[i], float(scores[i])) for i in order if np.isfinite(scores[i])]

    def dense_candidates(self, vector: np.ndarray, n: int, province: str | None = None) -> Candidates:
        if not len(self._passages):
            return []
        return self._top(self.vectors @ vector, n, province)

    def lexical_candidates(self, terms: list[str], folded: bool, n: int, province: str | None = None) -> Candidates:
        bm25 = self.bm25_folded if folded else self.bm25_exact
        return [(pid, s) for pid, s in self._top(bm25.scores(terms), n, province) if s > 0]

    def term_stats(self, terms: Iterable[str], folded: bool) -> lexical.BM25:
        return self.bm25_folded if folded else self.bm25_exact

    def sort_key(self, passage_id: str) -> int:
        return self._position[passage_id]  # ties keep the passages' order in the corpus

    # -- passages and statistics -------------------------------------------------------------

    @property
    def all_passages(self) -> list[Passage]:
        """Every passage, in corpus order (ids in `ids`)."""
        return self._passages

    def passages(self, ids: list[str]) -> list[Passage]:
        return [self._passages[self._position[pid]] for pid in ids]

    def cosines(self, ids: list[str], vector: np.ndarray) -> list[float]:
        rows = [self._position[pid] for pid in ids]
        return [float(s) for s in self.vectors[rows] @ vector] if rows else []

    def provinces_of(self, passage_id: str) -> set[str]:
        i = self._position.get(passage_id)
        return self._province_sets[i] if i is not None else set()

    # Both below are built on first use (one from the other): a cold `assistant ask` needs them
    # for at most one article, and building them for every passage of a large corpus costs seconds.
    def article_words(self, article: str) -> set[str]:
        words = self._article_words.get(article)
        if words is None:
            words = self._article_words[article] = set(self.article_text(article).split())
        return words

    def article_text(self, article: str) -> str:
        text = self._article_texts.get(article)
        if text is None:
            rows = self._article_passages.get(article, [])
            parts = [self._passages[rows[0]].title] if rows else []
            parts += [self._passages[i].section + " " + self._passages[i].text for i in rows]
            text = " " + " ".join(lexical.surface_words(" ".join(parts))) + " "
            self._article_texts[article] = text
        return text

    def restore(self, text: str) -> str:
        if self._restorer is None:  # built on the first accent-free question
            self._restorer = DiacriticRestorer([p.title for p in self._passages[:1]] + self._docs)
        return self._restorer.restore(text)

    def passages_about(self, province: str) -> list[tuple[str, Passage]]:
        return [(pid, p) for pid, p, s in zip(self.ids, self._passages, self._province_sets) if province in s]

    def overview(self) -> Overview:
        dates = sorted({p.date for p in self._passages if p.date})
        provinces = sorted(self._province_counts.items(), key=lambda item: (-item[1], item[0]))
        return Overview(
            articles=len({p.article for p in self._passages}),
            passages=len(self._passages),
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
            provinces=provinces,
        )


class EmbeddedBackend(IndexBackend):
    """Generations of a Chroma folder under `settings.index_dir`, read into memory."""

    has_manifest = True

    def __init__(self, settings: Settings, notify: Callable[[str], None] | None = None):
        self.index_dir = Path(settings.index_dir)
        self.location = str(self.index_dir.resolve())
        self.keys = settings.tuning.lexical
        self._notify = notify

    def built(self) -> bool:
        return index_built(self.index_dir)

    def live_generation(self) -> str:
        return live_generation(self.index_dir)

    def pointer_damaged(self) -> bool:
        try:
            self.live_generation()
        except IndexDamagedError:
            return (self.index_dir / "CURRENT").exists()
        return False

    def list_generations(self) -> list[str]:
        return list_generations(self.index_dir)

    def make_live(self, generation: str) -> None:
        make_live(self.index_dir, generation=generation)

    def drop_generation(self, generation: str) -> None:
        drop_generation(self.index_dir, generation=generation)

    def touch_stamp(self) -> None:
        touch_stamp(self.index_dir)

    def stamp(self) -> str:
        return index_stamp(self.index_dir)

    def open_store(self, generation: str | None = None) -> PassageStore:
        return PassageStore.open(self.index_dir, generation=generation)

    def open_reader(self, embeddings: ArrayEmbeddings, stamp: str) -> PassageIndex:
        """The read side from the saved snapshot when it is current, else from Chroma (then saved)."""
        model = embeddings.model_id
        version = lexical.key_version(self.keys)
        snapshot = load_read_snapshot(self.index_dir, stamp, version)
        if snapshot is not None:
            self._warn_if_damaged()
            if snapshot.model and snapshot.model != model and snapshot.ids:
                raise model_mismatch(str(self.index_dir), snapshot.model, model)
            saved = None
            if {"exact", "folded"} <= set(snapshot.lexical):
                n = len(snapshot.ids)
                saved = tuple(lexical.BM25.from_arrays(*snapshot.lexical[space], n) for space in ("exact", "folded"))
            index = PassageIndex(snapshot.ids, snapshot.passages, snapshot.vectors, embeddings, saved, self.keys)
            if saved is None:  # saved by an older version: add the built lexical indexes
                self._save(stamp, snapshot.model or model, index)
            return index
        with self.open_store() as store:
            index = PassageIndex.from_store(store, embeddings, self.keys)
            if stamp and self.stamp() == stamp:  # nothing was written while we read
                self._save(stamp, store.recorded_model() or model, index)
        return index

    def _warn_if_damaged(self) -> None:
        """Answers can still come from an intact saved read side; say that the store is not."""
        problem = quick_problem(self.index_dir)
        if problem and self._notify:
            self._notify("warning: " + damaged_message(self.index_dir, problem)
                         + "; until then answers come from the copy saved at its last update")

    def _save(self, stamp: str, model: str, index: PassageIndex) -> None:
        arrays = {"exact": index.bm25_exact.to_arrays(), "folded": index.bm25_folded.to_arrays()}
        save_read_snapshot(
            self.index_dir,
            ReadSnapshot(stamp, model, index.ids, index.all_passages, index.vectors, arrays,
                         lexical.key_version(self.keys)),
        )
