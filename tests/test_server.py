"""The server backend against a real `chroma run` server: `RemoteIndex` must answer every
`ReadIndex` question exactly as the embedded, in-memory `PassageIndex` does over the same passages
and vectors (dense and BM25 candidates with their scores, term statistics, diacritic restoration,
provinces, article words, the overview, whole searches and answers), before and after incremental
changes, without ever reading a whole collection."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant import lexical
from assistant.answer import extract_answer
from assistant.backend import make_backend
from assistant.chunking import Passage, chunk_article
from assistant.corpus import parse_article, text_sha256
from assistant.embedded import PassageIndex
from assistant.indexer import EMBEDDING_RECIPE, embedding_text
from assistant.questions import analyse_question
from assistant.retrieval import search
from assistant.server import RemoteIndex, ServerBackend
from assistant.settings import Settings
from assistant.store import ArticleRecord, PassageStore
from assistant.text import fold
from assistant.tuning import DEFAULT_TUNING
from conftest import ROOT, make_corpus
from test_store import running_chroma

DEV = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
QUESTIONS = [row["question"] for row in DEV]
# accent-free phrases to restore: the dev questions typed without diacritics, and every dev
# question folded (its words are the corpus's, so restoration has work to do on each)
PHRASES = [q for q, row in zip(QUESTIONS, DEV) if row["lang"] == "vi-noaccent"] + [
    fold(q) for q, row in zip(QUESTIONS, DEV) if row["lang"] == "vi"
] + ["ha noi", "nghe an ky ket nam nao", "tom su ca mau bao nhieu hop tac xa", "vuon uom hoa lam dong",
     "cang ca quang ngai", "TP HCM hop tac", "Ha Tinh con thi sao"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_chroma(tmp_path_factory.mktemp("chroma")) as url:
        yield url


def settings_for(url: str, folder: Path) -> Settings:
    return Settings.from_env(environ={"ASSISTANT_CHROMA_URL": url}, corpus_dir=folder / "corpus",
                             index_dir=folder / "index")


def article_passages(path: Path) -> tuple[ArticleRecord, list[Passage]]:
    text = path.read_text(encoding="utf-8")
    article = parse_article(text, path.name, markdown=path.suffix == ".md")
    passages = chunk_article(article)
    return ArticleRecord(path.name, text_sha256(text), article.title, len(passages), article.date), passages


class Corpus:
    """What was written to the server, kept here to build the in-memory index from."""

    def __init__(self, e5):
        self.e5 = e5
        self.articles: dict[str, tuple[list[Passage], np.ndarray]] = {}

    def write(self, store: PassageStore, path: Path) -> None:
        record, passages = article_passages(path)
        vectors = self.e5.embed_passages([embedding_text(p) for p in passages])
        store.replace_article(record, passages, vectors)
        self.articles[path.name] = (passages, vectors)

    def delete(self, store: PassageStore, name: str) -> None:
        store.delete_article(name)
        del self.articles[name]

    def memory_index(self) -> PassageIndex:
        """The embedded read side over the same passages and vectors, in its own order."""
        rows = [(p, v) for passages, vectors in self.articles.values() for p, v in zip(passages, vectors)]
        rows.sort(key=lambda row: (row[0].article, row[0].start))
        return PassageIndex([p.id for p, _ in rows], [p for p, _ in rows], np.array([v for _, v in rows]), self.e5)


def build(url: str, folder: Path, e5, generation: str) -> tuple[ServerBackend, Corpus]:
    corpus_dir = make_corpus(folder / "corpus")
    backend = make_backend(settings_for(url, folder))
    assert isinstance(backend, ServerBackend)
    written = Corpus(e5)
    store = backend.open_store(generation)
    for path in sorted(corpus_dir.iterdir()):
        written.write(store, path)
    store.record_model(e5.model_id, EMBEDDING_RECIPE, e5.engine)
    backend.make_live(generation)
    return backend, written


def assert_same(remote: RemoteIndex, memory: PassageIndex, e5) -> None:
    """Every ReadIndex answer of the remote index equals the in-memory one's."""
    assert isinstance(remote, RemoteIndex), type(remote)
    assert len(remote) == len(memory), (len(remote), len(memory))
    assert remote.province_counts == memory.province_counts, (remote.province_counts, memory.province_counts)
    assert remote.overview() == memory.overview(), (remote.overview(), memory.overview())
    for pid in memory.ids:
        assert remote.provinces_of(pid) == memory.provinces_of(pid), pid
        assert remote.sort_key(pid) == (memory.passages([pid])[0].article, memory.passages([pid])[0].start)
    articles = sorted({p.article for p in memory.all_passages})
    for article in articles + ["no-such-article.txt"]:
        assert remote.article_text(article) == memory.article_text(article), article
        assert remote.article_words(article) == memory.article_words(article), article
    assert remote.passages(memory.ids) == memory.all_passages
    for province in memory.province_counts:
        assert remote.passages_about(province) == memory.passages_about(province), province

    for question in QUESTIONS:
        vector = e5.embed_question(question)
        for province in (None, "Nghệ An", "TP.HCM"):
            got, want = remote.dense_candidates(vector, 10, province), memory.dense_candidates(vector, 10, province)
            assert [pid for pid, _ in got] == [pid for pid, _ in want], (question, province, got, want)
            assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-4), (question, got, want)
        ids = [pid for pid, _ in memory.dense_candidates(vector, 5)]
        assert np.allclose(remote.cosines(ids, vector), memory.cosines(ids, vector), atol=1e-5), question
        for folded in (False, True):
            terms = lexical.terms(question, folded=folded, query=True)
            for n, province in ((10, None), (len(memory), None), (10, "TP.HCM")):
                got = remote.lexical_candidates(terms, folded, n, province)
                want = memory.lexical_candidates(terms, folded, n, province)
                assert [pid for pid, _ in got] == [pid for pid, _ in want], (question, folded, province, got, want)
                assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-6, atol=0), (got, want)
            # every passage's BM25 score equals lexical.BM25's on the same corpus
            bm25 = memory.bm25_folded if folded else memory.bm25_exact
            full = dict(remote.lexical_candidates(terms, folded, len(memory)))
            scores = bm25.scores(terms)
            assert np.allclose([full.get(pid, 0.0) for pid in memory.ids], scores, rtol=1e-6, atol=0), question
            asked = terms + ["từkhôngcó", "zzz qqq"]
            got_stats, want_stats = remote.term_stats(asked, folded), memory.term_stats(asked, folded)
            assert got_stats.max_idf == want_stats.max_idf, (got_stats.max_idf, want_stats.max_idf)
            for term in asked:
                assert got_stats.has(term) == want_stats.has(term), term
                assert got_stats.idf(term) == pytest.approx(want_stats.idf(term), rel=1e-12), term
    for phrase in PHRASES:
        assert remote.restore(phrase) == memory.restore(phrase), phrase


def assert_same_answers(remote: RemoteIndex, memory: PassageIndex) -> None:
    """Whole searches and extractive answers come out the same from both."""
    for question in QUESTIONS:
        analysed = analyse_question(question)
        for province in (None, "Nghệ An"):
            got, want = search(remote, analysed, 5, province), search(memory, analysed, 5, province)
            assert [h.id for h in got] == [h.id for h in want], (question, province)
            assert np.allclose([h.score for h in got], [h.score for h in want], atol=1e-4), question
        answer_remote = extract_answer(analysed, search(remote, analysed), remote)
        answer_memory = extract_answer(analysed, search(memory, analysed), memory)
        assert answer_remote.answer == answer_memory.answer, (question, answer_remote.answer, answer_memory.answer)


def test_remote_index_answers_like_the_embedded_index(server, tmp_path, e5):
    backend, written = build(server, tmp_path, e5, "g1")
    remote = backend.open_reader(e5, backend.stamp())
    memory = written.memory_index()
    assert len(memory) > 20 and len({p.article for p in memory.all_passages}) == 4
    assert_same(remote, memory, e5)
    assert_same_answers(remote, memory)


def test_a_reader_past_its_cache_limit_still_answers_like_the_embedded_index(server, tmp_path, e5):
    # past _CACHE_LIMIT the caches are cleared while the rest of a lookup is fetched: what the
    # lookup found cached must not be lost (passages() raised KeyError, lexical ranking dropped
    # passages); two passages is a limit every lookup crosses
    backend, written = build(server, tmp_path, e5, "g6")
    remote = backend.open_reader(e5, backend.stamp())
    remote._CACHE_LIMIT = 2
    memory = written.memory_index()
    ids = memory.ids[:8]
    assert remote.passages(ids[:3]) == memory.passages(ids[:3])
    assert remote.passages(ids) == memory.passages(ids), "a lookup partly cached returns every passage"
    vector = e5.embed_question(QUESTIONS[0])
    remote.cosines(ids[:3], vector)
    assert np.allclose(remote.cosines(ids, vector), memory.cosines(ids, vector), atol=1e-5)
    assert_same_answers(remote, memory)


def test_incremental_changes_keep_both_in_agreement(server, tmp_path, e5):
    backend, written = build(server, tmp_path, e5, "g2")
    stamp = backend.stamp()
    corpus_dir = tmp_path / "corpus"
    # change one paragraph of an article, delete another article, add a new one
    lam_dong = corpus_dir / "lam-dong-hoa.txt"
    lam_dong.write_text(lam_dong.read_text(encoding="utf-8").replace("37", "41").replace("hoa", "hoa lan", 2),
                        encoding="utf-8")
    extra = corpus_dir / "ha-tinh-them.txt"
    extra.write_text("Hà Tĩnh ký kết hợp tác với TP.HCM\n\nNgày 3/3/2025, tỉnh Hà Tĩnh và TP.HCM ký kết "
                     "chương trình hợp tác mới về du lịch và nông nghiệp công nghệ cao, với 12 dự án.\n",
                     encoding="utf-8")
    store = backend.open_store()
    written.write(store, lam_dong)
    written.delete(store, "ca-mau-tom.md")
    written.write(store, extra)
    backend.touch_stamp()
    assert backend.stamp() != stamp
    assert_same(backend.open_reader(e5, backend.stamp()), written.memory_index(), e5)

    # a full rebuild into a new generation stays invisible until it is made live
    rebuilt = backend.open_store("g3")
    for path in sorted(corpus_dir.iterdir()):
        if path.name != "ca-mau-tom.md":
            written.write(rebuilt, path)
    rebuilt.record_model(e5.model_id, EMBEDDING_RECIPE, e5.engine)
    before = backend.open_reader(e5, backend.stamp())
    assert before.store.generation == "g2" and backend.live_generation() == "g2"
    backend.make_live("g3")
    backend.drop_generation("g2")
    assert "g2" not in backend.list_generations() and "g3" in backend.list_generations()
    assert_same(backend.open_reader(e5, backend.stamp()), written.memory_index(), e5)


def test_a_killed_run_is_repaired_by_the_next_writer(server, tmp_path, e5):
    backend, written = build(server, tmp_path, e5, "g4")
    store = backend.open_store()
    record, passages = article_passages(tmp_path / "corpus" / "lam-dong-hoa.txt")
    vectors = e5.embed_passages([embedding_text(p) for p in passages[:2]])
    # passages written, the term index never told: what a run killed before its flush leaves
    store.write_passages(passages[:2], vectors)
    store._changes.clear()
    store._segment = -1  # nothing left to flush, as if the process had died
    state = store.terms.get(ids=["\x00writer"])["\x00writer"]
    assert json.loads(state["p"])["dirty"] is True
    # the next writer finds the mark and rebuilds the term index from the stored passages
    repair = backend.open_store()
    written.write(repair, tmp_path / "corpus" / "lam-dong-hoa.txt")
    backend.touch_stamp()
    assert json.loads(repair.terms.get(ids=["\x00writer"])["\x00writer"]["p"])["dirty"] is False
    assert_same(backend.open_reader(e5, backend.stamp()), written.memory_index(), e5)


def test_the_reader_never_downloads_the_corpus(server, tmp_path, e5, monkeypatch):
    backend, written = build(server, tmp_path, e5, "g5")

    def refuse(*args, **kwargs):
        raise AssertionError("a reader read a whole collection")

    monkeypatch.setattr(PassageStore, "all_passages", refuse)
    monkeypatch.setattr(PassageStore, "page_passages", refuse)
    remote = backend.open_reader(e5, backend.stamp())
    assert isinstance(remote, RemoteIndex)
    # opening reads the statistics (the collection's metadata), no passage and no record
    assert remote.store.reads.rows == 0 and remote.store.side_reads.rows <= 1, (remote.store.reads, remote.store.side_reads)
    tuning = DEFAULT_TUNING.with_(candidates=5)
    largest_article = max(len(passages) for passages, _ in written.articles.values())
    for question in QUESTIONS:
        rows, records = remote.store.reads.rows, remote.store.side_reads.rows
        analysed = analyse_question(question, tuning)
        hits = search(remote, analysed, 3, tuning=tuning)
        extract_answer(analysed, hits, remote, tuning)
        # passages: 5 per ranked list (dense, up to 3 lexical; ties at the cut-off are fetched
        # to order them as the embedded index does) and the rows of the article that answers
        rows = remote.store.reads.rows - rows
        assert rows <= 4 * 5 + largest_article, (question, rows)
        # side records: per question term its head and postings segment(s), per word its vocabulary
        terms = {t for folded in (False, True) for t in lexical.terms(analysed.lexical_text, folded=folded, query=True)}
        records = remote.store.side_reads.rows - records
        assert records <= 4 * len(terms) + 40, (question, records, len(terms))
    assert remote.store.reads.whole_collection == 0 and remote.store.side_reads.whole_collection == 0
