"""Keeping the index in step with the corpus, through real e5 embeddings and real Chroma folders:
incremental add/edit/delete, no-op reruns, bad files, model change, full rebuild (also killed
midway), the write lock, and `assistant watch`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.indexer import EXIT_PARTIAL, IndexBusyError, full_rebuild, index_corpus, write_lock
from assistant.store import index_stamp, list_generations, read_current_generation
from conftest import FIXTURE_CORPUS, make_corpus, run_cli

FIXTURE_PASSAGES = 8  # the three fixture articles (see test_chunking)
FIXTURE_ARTICLES = sorted(p.name for p in FIXTURE_CORPUS.iterdir())

BRIDGE = "cau-thi-nai.txt"
BRIDGE_TEXT = """Bình Định khởi công cầu Thị Nại 2
Ngày 18/03/2025, UBND tỉnh Bình Định khởi công xây dựng cầu Thị Nại 2 nối thành phố Quy Nhơn với bán đảo Phương Mai.
Quy mô dự án
Cầu Thị Nại 2 có tổng vốn đầu tư 2.600 tỷ đồng, dài 2.470 mét với 6 làn xe và dự kiến hoàn thành vào năm 2027.
Ông Phạm Anh Tuấn, Chủ tịch UBND tỉnh Bình Định, cho biết cầu Thị Nại hiện hữu đã quá tải với hơn 40.000 lượt xe mỗi ngày.
"""
BRIDGE_QUESTION = "Cầu Thị Nại 2 có tổng vốn đầu tư bao nhiêu?"


def passages_of(assistant, article: str) -> list:
    """Every stored passage of one article (straight from Chroma, not the in-memory read side)."""
    got = assistant.store().passages.get(where={"article": article}, include=["documents"])
    return got["documents"]


def test_add_edit_delete_cycle_and_noop_rerun(fresh):
    assistant = fresh(with_seed=False)
    corpus = assistant.settings.corpus_dir
    first = assistant.reindex()
    assert first.added == FIXTURE_ARTICLES and first.total_passages == FIXTURE_PASSAGES, first.as_dict()

    # a new article: answerable, cited from the new file
    (corpus / BRIDGE).write_text(BRIDGE_TEXT, encoding="utf-8")
    stamp_before = index_stamp(assistant.settings.index_dir)
    added = assistant.reindex()
    assert added.added == [BRIDGE] and added.skipped == FIXTURE_ARTICLES, added.as_dict()
    assert index_stamp(assistant.settings.index_dir) != stamp_before, "a changing run must bump the stamp"
    answer = assistant.ask(BRIDGE_QUESTION)
    assert not answer.abstained, answer.answer
    assert answer.citations[0].hit.passage.article == BRIDGE, [c.hit.passage.article for c in answer.citations]
    assert "2.600 tỷ đồng" in answer.answer, answer.answer
    count = assistant.store().count()

    # running again changes nothing and writes nothing
    stamp = index_stamp(assistant.settings.index_dir)
    again = assistant.reindex()
    assert again.skipped == sorted(FIXTURE_ARTICLES + [BRIDGE]) and not again.changed, again.as_dict()
    assert again.passages_written == 0
    assert assistant.store().count() == count, "a no-op rerun must leave the passage count unchanged"
    assert index_stamp(assistant.settings.index_dir) == stamp, "a no-op run must not bump the stamp"

    # editing a number changes the answer
    (corpus / BRIDGE).write_text(BRIDGE_TEXT.replace("2.600 tỷ đồng", "3.150 tỷ đồng"), encoding="utf-8")
    edited = assistant.reindex()
    assert edited.updated == [BRIDGE] and not edited.added, edited.as_dict()
    answer = assistant.ask(BRIDGE_QUESTION)
    assert "3.150 tỷ đồng" in answer.answer and "2.600" not in answer.answer, answer.answer
    assert answer.citations[0].hit.passage.article == BRIDGE
    assert not any("2.600" in text for text in passages_of(assistant, BRIDGE)), "old passages must be gone"

    # deleting the file removes every passage of it
    (corpus / BRIDGE).unlink()
    removed = assistant.reindex()
    assert removed.removed == [BRIDGE], removed.as_dict()
    assert passages_of(assistant, BRIDGE) == []
    hits = assistant.search(BRIDGE_QUESTION, k=20)
    assert all(h.passage.article != BRIDGE for h in hits), [h.passage.article for h in hits]
    assert assistant.store().count() == FIXTURE_PASSAGES
    assert BRIDGE not in assistant.store().article_records()


def test_changed_article_with_fewer_passages_loses_all_old_ones(fresh):
    assistant = fresh(with_seed=False, with_fixtures=False)
    corpus = assistant.settings.corpus_dir
    (corpus / BRIDGE).write_text(BRIDGE_TEXT, encoding="utf-8")
    assistant.reindex()
    before = passages_of(assistant, BRIDGE)
    assert len(before) >= 2, before
    short = "Bình Định khởi công cầu Thị Nại 2\nCầu Thị Nại 2 dài 2.470 mét, nối Quy Nhơn với bán đảo Phương Mai, khởi công ngày 18/03/2025.\n"
    (corpus / BRIDGE).write_text(short, encoding="utf-8")
    summary = assistant.reindex()
    assert summary.updated == [BRIDGE] and summary.total_passages == 1, summary.as_dict()
    after = passages_of(assistant, BRIDGE)
    assert after == [short.split("\n")[1]], after
    assert assistant.store().count() == 1


def test_file_that_becomes_unreadable_keeps_its_indexed_passages(fresh):
    assistant = fresh(with_seed=False)
    corpus = assistant.settings.corpus_dir
    assistant.reindex()
    kept = passages_of(assistant, "lam-dong-hoa.txt")
    (corpus / "lam-dong-hoa.txt").write_bytes("Lâm Đồng".encode("cp1258", errors="replace") + b"\xe0\xe1\xe2 hoa")
    summary = assistant.reindex()
    assert summary.errors == [
        "lam-dong-hoa.txt: not valid UTF-8 text (byte 1: invalid continuation byte); save the article as UTF-8"
    ], summary.errors
    assert summary.kept == ["lam-dong-hoa.txt"] and summary.exit_code == EXIT_PARTIAL
    assert passages_of(assistant, "lam-dong-hoa.txt") == kept, "nothing already indexed may be lost"
    assert summary.total_passages == FIXTURE_PASSAGES
    answer = assistant.ask("Lâm Đồng và TP.HCM cam kết xây dựng bao nhiêu vườn ươm hoa công nghệ cao?")
    assert "37 vườn ươm" in answer.answer, answer.answer


def test_bad_files_each_get_a_message_naming_them_and_the_rest_goes_in(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    (corpus / "rong.txt").write_bytes(b"  \n\n")
    (corpus / "anh.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes("Tiêu đề\nNội dung".encode("latin-1", errors="replace") + b"\xff")
    (corpus / "qua-lon.txt").write_bytes(b"Tieu de\n" + b"a" * 5000)
    (corpus / "utf16.txt").write_bytes(("Quảng Nam xây cầu Cửa Đại\nTỉnh Quảng Nam xây cầu Cửa Đại dài 1.480 mét.\n").encode("utf-16"))
    env = {"ASSISTANT_MAX_FILE_BYTES": "4096"}
    result = run_cli("index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"), env=env)
    assert result.returncode == 3, (result.returncode, result.stderr)
    summary = json.loads(result.stdout)
    assert sorted(summary["errors"]) == sorted([
        "anh.md: looks like a binary file, not a text article",
        "latin1.txt: not valid UTF-8 text (byte 2: invalid continuation byte); save the article as UTF-8",
        "qua-lon.txt: 5,008 bytes is over the 4,096-byte limit for one article (ASSISTANT_MAX_FILE_BYTES)",
        "rong.txt: the file is empty",
    ]), summary["errors"]
    for err in summary["errors"]:
        assert f"error: {err}" in result.stderr.splitlines()
    assert summary["added"] == sorted(FIXTURE_ARTICLES + ["utf16.txt"]), "UTF-16 with a BOM is read"
    assert summary["passages"] == FIXTURE_PASSAGES + 1


def test_only_bad_files_is_a_total_failure_exit_1(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rong.txt").write_bytes(b"")
    result = run_cli("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "error: rong.txt: the file is empty" in result.stderr.splitlines()


def test_model_change_rebuilds_beside_the_live_index(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    index_dir = assistant.settings.index_dir
    old_generation = read_current_generation(index_dir)
    # the live index says another model built it (the real second model would load torch)
    assistant.store().record_model("sentence-transformers:all-MiniLM-L6-v2")
    _forget_manifest(assistant)  # as an index written by that other model's run would not match
    notes = []
    summary = index_corpus(assistant.settings, assistant.embeddings, notify=notes.append)
    assert summary.full_rebuild, summary.as_dict()
    assert summary.rebuild_reason == "embedding model changed from sentence-transformers:all-MiniLM-L6-v2 to e5-small"
    assert notes[0] == f"{summary.rebuild_reason}: rebuilding the index beside the live one", notes
    new_generation = read_current_generation(index_dir)
    assert new_generation != old_generation
    assert list_generations(index_dir) == [new_generation], "the old generation is removed after the switch"
    assert assistant.store().recorded_model() == "e5-small"
    assert assistant.store().count() == FIXTURE_PASSAGES
    assistant.reload()
    assert "37 vườn ươm" in assistant.ask("Lâm Đồng và TP.HCM cam kết xây dựng bao nhiêu vườn ươm hoa?").answer


def _forget_manifest(assistant) -> None:
    """Remove the no-op manifest of the live generation (tests that edit the store behind its back)."""
    from assistant.store import MANIFEST_FILE

    index_dir = assistant.settings.index_dir
    (index_dir / read_current_generation(index_dir) / MANIFEST_FILE).unlink()


def test_no_op_run_is_recognised_from_the_manifest_without_chroma(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.embeddings import get_embeddings\n"
        "from assistant.indexer import index_corpus\n"
        "from assistant.settings import Settings\n"
        "s = Settings.from_env(environ={}, corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]))\n"
        "summary = index_corpus(s, get_embeddings('e5-small'))\n"
        "print(len(summary.skipped), summary.changed, 'chromadb' in sys.modules)\n"
    )
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", probe, str(settings.corpus_dir), str(settings.index_dir)],
        capture_output=True, text=True, timeout=120,
    )
    out = run()
    assert out.stdout.split() == ["3", "False", "False"], (out.stdout, out.stderr)
    (settings.corpus_dir / "lam-dong-hoa.txt").write_text("Tiêu đề mới\nNội dung đã sửa, đủ dài để là một đoạn văn.\n", encoding="utf-8")
    out = run()
    assert out.stdout.split() == ["2", "True", "True"], (out.stdout, out.stderr)


def test_index_from_an_older_embedding_text_recipe_is_rebuilt_once(fresh):
    from assistant.indexer import EMBEDDING_RECIPE

    assistant = fresh(with_seed=False)
    assistant.reindex()
    assert assistant.store().recorded_recipe() == EMBEDDING_RECIPE
    assistant.store().record_model(assistant.embeddings.model_id, "")  # what indexes built before the recipe had
    _forget_manifest(assistant)  # ... and they had no no-op manifest either
    summary = assistant.reindex()
    assert summary.full_rebuild and summary.total_passages == FIXTURE_PASSAGES, summary.as_dict()
    assert summary.rebuild_reason == f"the passages or the text embedded per passage changed (recipe 1 -> {EMBEDDING_RECIPE})"
    assert assistant.store().recorded_recipe() == EMBEDDING_RECIPE
    assert not assistant.reindex().changed, "once rebuilt, the next run is a no-op"


def test_full_rebuild_keeps_passages_of_files_that_became_unreadable(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    kept = sorted(passages_of(assistant, "ca-mau-tom.md"))
    (assistant.settings.corpus_dir / "ca-mau-tom.md").write_bytes(b"")
    summary = full_rebuild(assistant.settings, assistant.embeddings)
    assert summary.errors == ["ca-mau-tom.md: the file is empty"] and summary.kept == ["ca-mau-tom.md"]
    assert sorted(passages_of(assistant, "ca-mau-tom.md")) == kept
    assert assistant.store().count() == FIXTURE_PASSAGES


def _synthetic_article(i: int) -> str:
    return (
        f"Tỉnh thử nghiệm số {i} mở rộng vùng trồng cây ăn quả\n"
        f"Năm 2025, tỉnh thử nghiệm số {i} trồng thêm {100 + i} ha cây ăn quả theo tiêu chuẩn VietGAP, "
        f"nâng tổng diện tích lên {5000 + 37 * i} ha và tạo việc làm cho {200 + 3 * i} lao động địa phương.\n"
    )


def test_full_rebuild_killed_midway_leaves_the_old_index_answering(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    live = read_current_generation(settings.index_dir)
    count = assistant.store().count()
    extra = [settings.corpus_dir / f"thu-nghiem-{i:03d}.txt" for i in range(400)]
    for i, path in enumerate(extra):  # enough embedding work for the rebuild to take a while
        path.write_text(_synthetic_article(i), encoding="utf-8")
    exe = shutil.which("assistant") or str(Path(sys.executable).parent / "assistant")
    proc = subprocess.Popen(
        [exe, "index", "--full", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not [g for g in list_generations(settings.index_dir) if g != live]:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        time.sleep(2.0)  # well into embedding the new generation
        assert proc.poll() is None, "the rebuild finished before it could be killed; make the corpus bigger"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert read_current_generation(settings.index_dir) == live, "a killed rebuild must not switch"
    assert len(list_generations(settings.index_dir)) == 2, "the half-built generation is left beside the live one"
    assistant.reload()
    assert assistant.store().count() == count
    answer = assistant.ask("Cà Mau đặt mục tiêu đến năm 2027 có bao nhiêu ha nuôi tôm sinh thái?")
    assert "150.000 ha" in answer.answer and answer.citations[0].hit.passage.article == "ca-mau-tom.md", answer.answer

    # the next writer clears the leftover (synthetic files removed, so it is a no-op run)
    for path in extra:
        path.unlink()
    summary = assistant.reindex()
    assert not summary.changed and summary.total_passages == count, summary.as_dict()
    assert list_generations(settings.index_dir) == [live]


def test_second_writer_waits_for_the_lock_then_gives_up_with_a_clear_message(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings
    opts = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    with write_lock(settings):
        started = time.monotonic()
        blocked = run_cli("index", *opts, env={"ASSISTANT_INDEX_LOCK_TIMEOUT": "1.5"})
        waited = time.monotonic() - started
        assert blocked.returncode == 1, (blocked.returncode, blocked.stderr)
        assert f"error: another process (pid {os.getpid()} since " in blocked.stderr, blocked.stderr
        assert f"is writing the index at {settings.index_dir}; gave up after waiting 1.5s" in blocked.stderr
        assert waited >= 1.5, waited
        # readers are not blocked by a writer
        reader = run_cli("search", "vườn ươm hoa", "--json", *opts)
        assert reader.returncode == 0, reader.stderr
        assert json.loads(reader.stdout)["results"][0]["article"] == "lam-dong-hoa.txt"


def test_second_writer_in_another_thread_waits_and_then_runs(fresh):
    assistant = fresh(with_seed=False)
    assistant.reindex()
    settings = assistant.settings.with_(index_lock_timeout=30.0)
    released = threading.Event()

    def hold():
        with write_lock(settings):
            time.sleep(1.0)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    notes = []
    started = time.monotonic()
    summary = index_corpus(settings, assistant.embeddings, notify=notes.append)
    holder.join()
    assert released.is_set() and time.monotonic() - started >= 0.7
    assert notes and notes[0].startswith("waiting for the index lock held by pid "), notes
    assert summary.skipped == FIXTURE_ARTICLES


def test_lock_timeout_zero_fails_at_once_in_process(fresh):
    assistant = fresh(with_seed=False, with_fixtures=False)
    settings = assistant.settings.with_(index_lock_timeout=0.0)
    errors = []

    def other_writer():
        try:
            index_corpus(settings, assistant.embeddings)
        except IndexBusyError as exc:
            errors.append(str(exc))

    with write_lock(settings):
        t = threading.Thread(target=other_writer)
        t.start()
        t.join()
    assert len(errors) == 1 and "gave up after waiting 0s" in errors[0], errors


def test_watch_reindexes_after_changes_and_stops_on_ctrl_c(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    index = tmp_path / "index"
    exe = shutil.which("assistant") or str(Path(sys.executable).parent / "assistant")
    proc = subprocess.Popen(
        [exe, "watch", "--debounce", "0.5", "--corpus", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()

    def wait_for(text: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(lines) if text in line]
            if found:
                return found[-1]
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.1)
        raise AssertionError(f"no log line with {text!r}: {''.join(lines)}")

    try:
        start = wait_for("[start] indexed 3 articles")
        assert f"{FIXTURE_PASSAGES} passages: 3 added" in start, start
        (corpus / BRIDGE).write_text(BRIDGE_TEXT, encoding="utf-8")
        line = wait_for("1 added")
        assert BRIDGE in line and "indexed 4 articles" in line, line
        (corpus / "lam-dong-hoa.txt").unlink()
        line = wait_for("1 removed")
        assert "indexed 3 articles" in line, line
        (corpus / "trang.html").write_text("<html><body><p>Một trang web</p></body></html>", encoding="utf-8")
        line = wait_for("trang.html: HTML is not read from the corpus folder")
        assert "assistant add trang.html" in line, line
        (corpus / ".nhap.txt.swp").write_text("editor swap file", encoding="utf-8")
        time.sleep(1.5)
        assert sum("change(s)" in line for line in lines) == 3, "hidden files must not trigger a run"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    reader.join(timeout=5)
    assert proc.returncode == 0, "".join(lines)
    assert lines[-1].strip() == "stopped watching", lines[-3:]


def test_a_reader_sees_changes_another_writer_made_without_reload(fresh):
    from assistant.chain import Assistant

    reader = fresh(with_seed=False)
    reader.reindex()
    assert all(h.passage.article != BRIDGE for h in reader.search(BRIDGE_QUESTION, k=10))
    # another writer (like `assistant watch` in another process) adds an article
    (reader.settings.corpus_dir / BRIDGE).write_text(BRIDGE_TEXT, encoding="utf-8")
    writer = Assistant(reader.settings, embeddings=reader.embeddings)
    assert writer.reindex().added == [BRIDGE]
    answer = reader.ask(BRIDGE_QUESTION)
    assert answer.citations and answer.citations[0].hit.passage.article == BRIDGE, answer.answer
    loaded = reader.index
    assert reader.index is loaded, "no reload while nothing changed"


def test_a_missing_corpus_folder_never_empties_the_index(fresh):
    from assistant.store import IndexError_

    assistant = fresh(with_seed=False)
    assistant.reindex()
    moved = assistant.settings.corpus_dir.rename(assistant.settings.corpus_dir.with_name("elsewhere"))
    with pytest.raises(IndexError_) as info:
        assistant.reindex()
    assert str(info.value) == f"corpus folder {assistant.settings.corpus_dir} does not exist"
    assert assistant.store().count() == FIXTURE_PASSAGES, "the index must survive a missing corpus folder"
    assert moved.is_dir()


def test_watch_retries_a_run_the_index_lock_blocked(fresh):
    from assistant.watch import watch_corpus

    assistant = fresh(with_seed=False)
    settings = assistant.settings.with_(index_lock_timeout=0.0)
    lines: list[str] = []
    stop = threading.Event()
    runs = []

    def on_run(summary):
        runs.append(summary)
        stop.set()

    with write_lock(settings):
        watcher = threading.Thread(
            target=watch_corpus,
            kwargs=dict(settings=settings, embeddings=assistant.embeddings, log=lines.append,
                        stop_event=stop, on_run=on_run, retry_ms=300),
        )
        watcher.start()
        deadline = time.monotonic() + 30
        while not any("[start] error: another process" in line for line in lines):
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
    watcher.join(timeout=120)
    assert not watcher.is_alive(), lines
    assert any("[retry] indexed 3 articles" in line for line in lines), lines
    assert runs[0].added == FIXTURE_ARTICLES
    assert lines[-1] == "stopped watching"
