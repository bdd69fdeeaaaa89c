"""The read-side snapshot: later processes answer without importing chromadb, and never from stale data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.store import SNAPSHOT_FILE, load_read_snapshot, read_current_generation, index_stamp

from conftest import ROOT

PROBE = """
import sys
from pathlib import Path
from assistant.chain import Assistant
from assistant.settings import Settings
settings = Settings.from_env(environ={}, corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]))
answer = Assistant(settings).ask(sys.argv[3])
print(answer.answer)
print("chromadb imported:", "chromadb" in sys.modules)
"""


def _ask_in_new_process(corpus: Path, index: Path, question: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus), str(index), question],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


def test_second_process_answers_from_the_snapshot_without_chromadb(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    question = "Lâm Đồng và TP.HCM cam kết xây bao nhiêu vườn ươm hoa?"
    first = _ask_in_new_process(settings.corpus_dir, settings.index_dir, question)
    assert first[-1] == "chromadb imported: True", "the first reader after indexing loads from Chroma"
    snapshot_file = settings.index_dir / read_current_generation(settings.index_dir) / SNAPSHOT_FILE
    assert snapshot_file.is_file(), "the first reader saves the read side"
    second = _ask_in_new_process(settings.corpus_dir, settings.index_dir, question)
    assert second[-1] == "chromadb imported: False", second
    assert "37 vườn ươm" in second[0], second[0]
    assert first[0] == second[0], "the snapshot answers exactly like Chroma did"


def test_a_change_to_the_index_makes_the_snapshot_stale(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    question = "Lâm Đồng và TP.HCM cam kết xây bao nhiêu vườn ươm hoa?"
    _ask_in_new_process(settings.corpus_dir, settings.index_dir, question)
    old_stamp = index_stamp(settings.index_dir)
    assert load_read_snapshot(settings.index_dir, old_stamp) is not None

    article = settings.corpus_dir / "lam-dong-hoa.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("37 vườn ươm", "41 vườn ươm"), encoding="utf-8")
    assistant.reindex()
    new_stamp = index_stamp(settings.index_dir)
    assert new_stamp != old_stamp, "a change bumps the stamp"
    assert load_read_snapshot(settings.index_dir, new_stamp) is None, "the old snapshot is not used for the new stamp"
    lines = _ask_in_new_process(settings.corpus_dir, settings.index_dir, question)
    assert "41 vườn ươm" in lines[0], lines[0]
    assert lines[-1] == "chromadb imported: True", "a stale snapshot sends the reader back to Chroma"


def test_saved_lexical_index_scores_exactly_like_a_freshly_built_one(built):
    from assistant.lexical import BM25, terms

    index = built.index
    for original in (index.bm25_exact, index.bm25_folded):
        vocab, arrays = original.to_arrays()
        restored = BM25.from_arrays(vocab, arrays, original.n_docs)
        for question in ("Nghệ An ký kết năm nào", "nghe an ky ket nam nao", "vườn ươm hoa Đơn Dương"):
            for folded in (False, True):
                q = terms(question, folded=folded, query=True)
                assert (restored.scores(q) == original.scores(q)).all(), question
        assert restored.max_idf == original.max_idf and restored.vocab == original.vocab


def test_lexical_indexes_saved_by_another_tokenizer_version_are_rebuilt(fresh):
    from assistant import lexical

    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    _ask_in_new_process(settings.corpus_dir, settings.index_dir, "Lâm Đồng có bao nhiêu vườn ươm?")
    stamp = index_stamp(settings.index_dir)
    current = load_read_snapshot(settings.index_dir, stamp, lexical.key_version())
    assert set(current.lexical) == {"exact", "folded"}, "saved with the current tokenizer version"
    older = load_read_snapshot(settings.index_dir, stamp, "older")
    assert older is not None and older.lexical == {}, "another version's terms are not reused"
    assert older.ids == current.ids, "passages and vectors still are"
