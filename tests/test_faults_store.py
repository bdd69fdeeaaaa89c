"""Fault injection on the index: damaged files, a bad index path, a full disk, a killed writer.

Every case runs the real `assistant` command on a real Chroma index (a copy of one built once
per module) and asserts the one line it prints and its exit code: never a traceback, never an
empty index taken for a good one, and the corpus always rebuilds what was lost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SEED_ARTICLE, make_corpus, run_cli

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
ANSWER_FACT = "năm 2003"
SEED_PASSAGES = 21
TOTAL_PASSAGES = 29  # the seed's 21 and the fixture articles' 8 (see test_chunking)
REPAIR = "run `assistant index --full` to rebuild it from the corpus"
CLEAN_ENV = {"ASSISTANT_CORPUS_DIR": "", "ASSISTANT_INDEX_DIR": "", "ASSISTANT_EMBEDDINGS": "",
             "ASSISTANT_CHROMA_URL": ""}


def cli(*args, env=None, **kwargs):
    return run_cli(*args, env={**CLEAN_ENV, **(env or {})}, **kwargs)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A corpus and its freshly built index (with manifest and saved read side), never touched."""
    base = tmp_path_factory.mktemp("pristine")
    make_corpus(base / "corpus")
    result = cli("index", "--corpus", str(base / "corpus"), "--index", str(base / "index"))
    assert result.returncode == 0, result.stderr
    return base


@pytest.fixture
def site(pristine, tmp_path) -> Path:
    """A private copy of the pristine corpus and index."""
    shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    shutil.copytree(pristine / "index", tmp_path / "index")
    return tmp_path


def opts(site: Path) -> list[str]:
    return ["--corpus", str(site / "corpus"), "--index", str(site / "index")]


def live_folder(site: Path) -> Path:
    return site / "index" / (site / "index" / "CURRENT").read_text().strip()


def damage_sqlite(site: Path, how: str) -> None:
    db = live_folder(site) / "chroma.sqlite3"
    if how == "empty":
        db.write_bytes(b"")
    elif how == "half":
        os.truncate(db, db.stat().st_size // 2)
    elif how == "header":
        with open(db, "r+b") as fh:
            fh.write(b"this is not SQLite at all")
    else:  # pragma: no cover
        raise ValueError(how)


def status_json(site: Path) -> dict:
    result = cli("status", "--json", *opts(site))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_answers(site: Path) -> None:
    result = cli("ask", QUESTION, "--json", *opts(site))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert ANSWER_FACT in answer["answer"], answer


# -- a damaged Chroma database ---------------------------------------------------------------


@pytest.mark.parametrize("how, problem", [
    ("empty", "chroma.sqlite3 is empty"),
    ("half", "database disk image is malformed"),
    ("header", "chroma.sqlite3 is not a SQLite database"),
])
def test_damaged_database_is_reported_by_status_and_rebuilt_by_index(site, how, problem):
    damage_sqlite(site, how)
    status = cli("status", *opts(site))
    no_traceback(status)
    assert status.returncode == 1, (status.stdout, status.stderr)
    assert problem in status.stderr and REPAIR in status.stderr, status.stderr
    assert "articles: 0" not in status.stdout  # the old silent failure: an empty index

    index = cli("index", *opts(site))
    no_traceback(index)
    assert index.returncode == 0, index.stderr
    assert f"is damaged ({live_folder(site).name}" not in index.stderr  # a new generation is live
    assert problem in index.stderr and "rebuilding it from the corpus" in index.stderr, index.stderr
    assert "full rebuild (the index was damaged)" in index.stdout, index.stdout
    info = status_json(site)
    assert (info["articles"], info["chunks"]) == (4, TOTAL_PASSAGES), info
    assert_answers(site)


def test_index_full_rebuilds_a_damaged_database(site):
    damage_sqlite(site, "half")
    result = cli("index", "--full", *opts(site))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "4 added" in result.stdout and "full rebuild" in result.stdout, result.stdout
    assert status_json(site)["chunks"] == TOTAL_PASSAGES


def test_ask_answers_from_the_saved_read_side_and_warns_when_the_database_is_damaged(site):
    damage_sqlite(site, "half")
    result = cli("ask", QUESTION, "--json", *opts(site))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert ANSWER_FACT in json.loads(result.stdout)["answer"]
    assert "warning: the index at" in result.stderr and "is damaged" in result.stderr, result.stderr
    assert "answers come from the copy saved at its last update" in result.stderr


def test_ask_without_a_saved_read_side_says_the_database_is_damaged(site):
    damage_sqlite(site, "half")
    (live_folder(site) / "readside.npz").unlink()
    for command in (["ask", QUESTION], ["search", "Nghệ An"]):
        result = cli(*command, *opts(site))
        no_traceback(result)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "database disk image is malformed" in result.stderr and REPAIR in result.stderr, result.stderr
        assert result.stdout == "", result.stdout


def test_a_truncated_read_side_is_ignored_and_saved_again(site):
    snapshot = live_folder(site) / "readside.npz"
    size = snapshot.stat().st_size
    os.truncate(snapshot, 1000)
    result = cli("ask", QUESTION, "--json", *opts(site))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert ANSWER_FACT in json.loads(result.stdout)["answer"]
    assert snapshot.stat().st_size == size, "the read side was not saved again from Chroma"


def test_a_damaged_pointer_is_reported_and_repaired(site):
    (site / "index" / "CURRENT").write_text("../../etc\n")
    status = cli("status", *opts(site))
    no_traceback(status)
    assert status.returncode == 1
    assert "CURRENT does not name a generation" in status.stderr and REPAIR in status.stderr, status.stderr
    index = cli("index", *opts(site))
    assert index.returncode == 0, index.stderr
    assert "full rebuild (the index was damaged)" in index.stdout, index.stdout
    assert_answers(site)


def test_a_missing_live_folder_is_reported_and_repaired(site):
    shutil.rmtree(live_folder(site))
    status = cli("status", *opts(site))
    assert status.returncode == 1
    assert "its live folder" in status.stderr and "is missing" in status.stderr, status.stderr
    assert cli("index", *opts(site)).returncode == 0
    assert status_json(site)["chunks"] == TOTAL_PASSAGES


def test_passages_missing_against_the_manifest_are_reported(site):
    # the manifest is what the last finished write left; a store holding fewer passages than it
    # recorded has lost rows (here the manifest is raised by 5 instead of deleting Chroma rows)
    manifest_path = live_folder(site) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    seed = SEED_ARTICLE.name
    manifest["articles"][seed][1] += 5
    manifest_path.write_text(json.dumps(manifest))
    status = cli("status", *opts(site))
    assert status.returncode == 1
    expected = f"it holds {TOTAL_PASSAGES} passages where its last update wrote {TOTAL_PASSAGES + 5}"
    assert expected in status.stderr, status.stderr
    # the no-op check of `assistant index` reads only files (it trusts the manifest), so the
    # repair the message names is the one that applies
    index = cli("index", "--full", *opts(site))
    assert index.returncode == 0 and "full rebuild" in index.stdout, index.stderr
    assert "index state: complete" in cli("status", *opts(site)).stdout
    assert status_json(site)["chunks"] == TOTAL_PASSAGES


def test_index_does_not_call_a_damaged_database_unchanged(site):
    # the no-op fast path (manifest hashes) must not vouch for a database that lost its content
    damage_sqlite(site, "empty")
    result = cli("index", *opts(site))
    assert "0 added" not in result.stdout and "4 unchanged" not in result.stdout, result.stdout
    assert "4 added" in result.stdout, result.stdout


# -- a bad index path ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["ask", QUESTION], ["search", "Nghệ An"], ["chat"], ["index"],
                                     ["watch"]])
def test_index_path_that_is_a_file(tmp_path, command):
    make_corpus(tmp_path / "corpus")
    (tmp_path / "not-a-folder").write_text("x")
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path / "not-a-folder"), "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus")}
    result = cli(*command, env=env, input=QUESTION + "\n", timeout=60)
    no_traceback(result)
    assert result.returncode == 1, (command, result.stderr)
    assert f"the index path {tmp_path / 'not-a-folder'} is a file, not a folder" in result.stderr, result.stderr


@pytest.mark.parametrize("command", [["ask", QUESTION], ["index"]])
def test_index_path_that_cannot_be_created(tmp_path, command):
    make_corpus(tmp_path / "corpus")
    result = cli(*command, "--corpus", str(tmp_path / "corpus"), "--index", "/proc/hoidap-index")
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert "cannot create the index folder /proc/hoidap-index (No such file or directory)" in result.stderr, result.stderr


def test_status_of_an_index_not_built_yet_creates_nothing(tmp_path):
    result = cli("status", "--corpus", str(tmp_path), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert "articles: 0" in result.stdout and "index state: not built yet" in result.stdout, result.stdout
    assert not (tmp_path / "index").exists()


# -- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (root or a user namespace may mount one); resized by the returned function."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.decode().strip()}")

    def resize(size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)

    yield mount, resize
    subprocess.run(["umount", "-l", str(mount)], check=False)


def twelve_articles(folder: Path) -> None:
    """Twelve distinct articles of 21 passages each (the seed with a numbered city name)."""
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"a{i:02d}.txt").write_text(text.replace("TP.HCM", f"TP.HCM{i:02d}"), encoding="utf-8")


def indexed_seed_then_twelve_more(disk: Path) -> tuple[Path, list[str]]:
    """On `disk`: the seed article indexed, then twelve new articles waiting; (corpus, CLI options)."""
    corpus = disk / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_ARTICLE, corpus)
    args = ["--corpus", str(corpus), "--index", str(disk / "index")]
    assert cli("index", *args).returncode == 0
    twelve_articles(corpus)
    return corpus, args


def test_full_disk_refuses_the_write_keeps_the_index_and_finishes_later(small_disk):
    disk, resize = small_disk
    corpus, args = indexed_seed_then_twelve_more(disk)
    result = cli("index", *args)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert "error: not enough free disk space for the index at" in result.stderr, result.stderr
    assert "free some space and run `assistant index` again" in result.stderr
    status = cli("status", *args)
    assert status.returncode == 0, status.stderr
    assert "index state: incomplete" in status.stdout, status.stdout
    answer = cli("ask", QUESTION, "--json", *args)
    assert answer.returncode == 0 and ANSWER_FACT in json.loads(answer.stdout)["answer"], answer.stderr

    resize("40m")
    done = cli("index", *args)
    assert done.returncode == 0, done.stderr
    info = json.loads(cli("status", "--json", *args).stdout)
    assert (info["articles"], info["chunks"]) == (13, 13 * SEED_PASSAGES), info
    assert "index state: complete" in cli("status", *args).stdout


def test_chroma_running_out_of_space_is_one_line_and_recovers(small_disk, e5, monkeypatch):
    """Chroma's own out-of-space failure (the up-front check switched off to reach it)."""
    from assistant import store
    from assistant.indexer import index_corpus
    from assistant.settings import Settings

    disk, resize = small_disk
    corpus, args = indexed_seed_then_twelve_more(disk)
    with open(disk / "filler", "wb") as fh:  # leave about 300 KB: less than 12 articles need
        fh.write(b"\0" * (shutil.disk_usage(disk).free - 300 * 1024))
    monkeypatch.setattr(store, "PASSAGE_DISK_BYTES", 0)
    monkeypatch.setattr(store, "DISK_RESERVE_BYTES", 0)
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=disk / "index")
    with pytest.raises(store.IndexError_) as info:
        index_corpus(settings, e5)
    monkeypatch.undo()
    assert "Chroma:" in str(info.value), info.value
    # what the next command sees while the disk is still full
    status = cli("status", *args)
    no_traceback(status)
    assert status.returncode == 1, status.stdout
    assert "is full" in status.stderr and "free some space and run the command again" in status.stderr, status.stderr

    (disk / "filler").unlink()
    resize("40m")
    assert cli("index", *args).returncode == 0
    info = json.loads(cli("status", "--json", *args).stdout)
    assert (info["articles"], info["chunks"]) == (13, 13 * SEED_PASSAGES), info


# -- a writer killed half-way --------------------------------------------------------------


def test_killed_incremental_index_leaves_every_counted_article_searchable(site, e5):
    from assistant.chain import Assistant
    from assistant.settings import Settings

    twelve_articles(site / "corpus")
    stamp = site / "index" / "STAMP"
    before = stamp.read_text()
    exe = shutil.which("assistant")
    proc = subprocess.Popen([exe, "index", *opts(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **CLEAN_ENV})
    deadline = time.monotonic() + 120
    while stamp.read_text() == before:  # the writer moves the stamp just before its first write
        assert proc.poll() is None, "the index run ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(1.0)  # let some articles go in
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    status = cli("status", *opts(site))
    assert status.returncode == 0, status.stderr
    assert "index state: incomplete" in status.stdout, status.stdout
    settings = Settings.from_env(environ={}, corpus_dir=site / "corpus", index_dir=site / "index")
    assistant = Assistant(settings, embeddings=e5)
    counted = set(assistant.store().article_records())
    searchable = {p.article for p in assistant.index.all_passages}
    assert counted == searchable, (counted ^ searchable)
    assert 4 < len(counted) < 16, counted  # the kill landed half-way

    result = cli("index", *opts(site))
    assert result.returncode == 0, result.stderr
    info = status_json(site)
    assert (info["articles"], info["chunks"]) == (16, TOTAL_PASSAGES + 12 * SEED_PASSAGES), info
    assert "index state: complete" in cli("status", *opts(site)).stdout


def test_watch_started_with_ctrl_c_ignored_still_stops_on_it(tmp_path):
    """A background job (and some test runners) start children with SIGINT ignored."""
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    exe = shutil.which("assistant")
    proc = subprocess.Popen(
        [exe, "watch", "--corpus", str(corpus), "--index", str(tmp_path / "index")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, **CLEAN_ENV},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while not any("[start] indexed" in line for line in lines):
            assert proc.poll() is None and time.monotonic() < deadline, lines
            lines.append(proc.stderr.readline())
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert proc.stderr.read().strip().splitlines()[-1] == "stopped watching"
