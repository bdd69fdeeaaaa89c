"""The passage store: the only module that talks to chromadb.

Layout of the index folder (embedded mode):
    index/CURRENT         name of the live generation folder (switched atomically on rebuild)
    index/<generation>/   a Chroma PersistentClient folder with two collections:
        passages          one record per passage: vector, text, metadata (cosine space)
        articles          one record per article: content hash, title, passage count, date
With ASSISTANT_CHROMA_URL set, the same two collections live on a Chroma server instead.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Passage

CURRENT_FILE = "CURRENT"
_PASSAGES = "passages"
_ARTICLES = "articles"
_MODEL_KEY = "embedding_model"
_WRITE_BATCH = 1000


class IndexError_(RuntimeError):
    """Problems with the index itself (model mismatch, unreachable server)."""


class ModelMismatchError(IndexError_):
    """The index was built with another embedding model than the one configured."""


@dataclass
class ArticleRecord:
    """What the index knows about one article."""

    path: str
    sha256: str
    title: str
    passages: int
    date: str = ""


@dataclass
class Hit:
    """A passage returned by a search, with its cosine similarity."""

    id: str
    passage: Passage
    score: float


def _chroma_settings():
    import chromadb

    return chromadb.Settings(anonymized_telemetry=False, allow_reset=False)


class PassageStore:
    """Passages and per-article records in one Chroma generation (folder or server prefix)."""

    def __init__(self, client, generation: str, location: str):
        self._client = client
        self.generation = generation
        self.location = location
        self._passages = None
        self._articles = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, chroma_url: str = "", generation: str | None = None) -> "PassageStore":
        """Open the live generation (or a named one) of the index."""
        if chroma_url:
            return cls._open_server(chroma_url, generation)
        index_dir = Path(index_dir)
        gen = generation or read_current_generation(index_dir) or "g0"
        import chromadb

        path = index_dir / gen
        client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
        return cls(client, gen, str(path))

    @classmethod
    def _open_server(cls, url: str, generation: str | None) -> "PassageStore":
        import chromadb
        from urllib.parse import urlparse

        parsed = urlparse(url if "://" in url else "http://" + url)
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=_chroma_settings(),
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexError_(f"cannot reach the Chroma server at {url} ({exc}); is `chroma run` up?") from None
        store = cls(client, "", url)
        store.generation = generation or store._server_current() or "g0"
        return store

    def _server_current(self) -> str:
        try:
            meta = self._client.get_collection("hoidap_current").metadata or {}
        except Exception:
            return ""
        return meta.get("generation", "")

    def _name(self, base: str) -> str:
        return f"{base}_{self.generation}" if self.generation not in ("", "g0") else base

    @property
    def passages(self):
        """The Chroma collection of passages (created on first use)."""
        if self._passages is None:
            self._passages = self._client.get_or_create_collection(
                self._name(_PASSAGES), configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        return self._passages

    @property
    def articles_collection(self):
        """The Chroma collection of per-article records."""
        if self._articles is None:
            self._articles = self._client.get_or_create_collection(
                self._name(_ARTICLES), embedding_function=None
            )
        return self._articles

    # -- model bookkeeping -----------------------------------------------------------------

    def recorded_model(self) -> str:
        """Embedding model id that built this index ('' when empty/new)."""
        return (self.passages.metadata or {}).get(_MODEL_KEY, "")

    def record_model(self, model_id: str) -> None:
        """Remember which embedding model built this index."""
        self.passages.modify(metadata={_MODEL_KEY: model_id})

    def check_model(self, model_id: str) -> None:
        """Raise ModelMismatchError when querying with another model than the index was built with."""
        recorded = self.recorded_model()
        if recorded and recorded != model_id and self.count():
            raise ModelMismatchError(
                f"the index at {self.location} was built with embedding model {recorded!r} but "
                f"ASSISTANT_EMBEDDINGS is {model_id!r}: run `assistant index --full` to reindex "
                f"(or set ASSISTANT_EMBEDDINGS={recorded})"
            )

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """Number of passages."""
        return self.passages.count()

    def article_records(self) -> dict[str, ArticleRecord]:
        """Per-article records keyed by article path."""
        got = self.articles_collection.get(include=["metadatas"])
        out = {}
        for art_id, meta in zip(got["ids"], got["metadatas"] or []):
            meta = meta or {}
            out[meta.get("path", art_id)] = ArticleRecord(
                path=meta.get("path", art_id),
                sha256=meta.get("sha256", ""),
                title=meta.get("title", ""),
                passages=int(meta.get("passages", 0)),
                date=meta.get("date", ""),
            )
        return out

    def all_passages(self, with_vectors: bool = False) -> tuple[list[str], list[Passage], np.ndarray | None]:
        """Every passage (ids, passages, and optionally their vectors), in a stable order."""
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        got = self.passages.get(include=include)
        order = sorted(range(len(got["ids"])), key=lambda i: (got["metadatas"][i]["article"], int(got["metadatas"][i]["start"])))
        ids = [got["ids"][i] for i in order]
        passages = [Passage.from_metadata(got["documents"][i], got["metadatas"][i]) for i in order]
        vectors = None
        if with_vectors:
            emb = got["embeddings"]
            vectors = np.asarray(emb, dtype=np.float32)[order] if len(ids) else np.zeros((0, 0), np.float32)
        return ids, passages, vectors

    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[Hit]:
        """Nearest passages by cosine similarity."""
        n = self.count()
        if n == 0:
            return []
        got = self.passages.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=min(k, n),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            Hit(pid, Passage.from_metadata(doc, meta), 1.0 - float(dist))
            for pid, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]

    # -- writing ---------------------------------------------------------------------------

    def replace_article(self, record: ArticleRecord, passages: list[Passage], vectors: np.ndarray) -> None:
        """Put an article's passages in, removing whatever passages it had before."""
        self.delete_article(record.path)
        for i in range(0, len(passages), _WRITE_BATCH):
            batch = passages[i : i + _WRITE_BATCH]
            self.passages.upsert(
                ids=[p.id for p in batch],
                embeddings=np.asarray(vectors[i : i + _WRITE_BATCH], dtype=np.float32),
                documents=[p.text for p in batch],
                metadatas=[{**p.metadata(), "sha256": record.sha256} for p in batch],
            )
        self.articles_collection.upsert(
            ids=[record.path],
            embeddings=[[0.0]],  # Chroma wants a vector; articles are looked up by id only
            metadatas=[{
                "path": record.path,
                "sha256": record.sha256,
                "title": record.title,
                "passages": record.passages,
                "date": record.date,
            }],
        )

    def delete_article(self, path: str) -> None:
        """Remove an article and every passage of it."""
        self.passages.delete(where={"article": path})
        self.articles_collection.delete(ids=[path])


def read_current_generation(index_dir: Path) -> str:
    """Name of the live generation folder, '' when there is no index yet."""
    try:
        name = (Path(index_dir) / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    return name


def new_generation_name() -> str:
    """A fresh, sortable generation name."""
    return "g" + time.strftime("%Y%m%d%H%M%S") + f"{time.time_ns() % 1_000_000:06d}"


def switch_generation(index_dir: Path, generation: str) -> None:
    """Atomically make `generation` the live index (readers see old or new, never half)."""
    index_dir = Path(index_dir)
    tmp = index_dir / (CURRENT_FILE + ".tmp")
    tmp.write_text(generation + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT_FILE)


def remove_generation(index_dir: Path, generation: str) -> None:
    """Delete a generation folder that is no longer live."""
    if generation and generation != read_current_generation(index_dir):
        shutil.rmtree(Path(index_dir) / generation, ignore_errors=True)
