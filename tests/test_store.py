"""The store against a real `chroma run` server on loopback (ASSISTANT_CHROMA_URL): indexing,
questions, incremental changes and a full rebuild with an atomic generation switch."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.backend import make_backend
from assistant.chain import Assistant
from assistant.indexer import full_rebuild
from assistant.settings import Settings
from assistant.store import IndexError_
from conftest import make_corpus

FIXTURE_PASSAGES = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_chroma(folder: Path):
    """A real Chroma server (`chroma run --path folder/chroma-data`) on a free loopback port;
    yields its URL and kills it at the end (tests/test_server.py starts one per module)."""
    exe = shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` command (from the chromadb package) is not on PATH")
    port = free_port()
    log = open(folder / "chroma.log", "wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"chroma run did not come up: {(folder / 'chroma.log').read_text(errors='replace')}")
        time.sleep(0.2)
    try:
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server (`chroma run`) on a free loopback port; killed at the end."""
    with running_chroma(tmp_path) as url:
        yield url


def test_index_and_ask_through_a_chroma_server(tmp_path, chroma_server, e5):
    settings = Settings.from_env(
        environ={"ASSISTANT_CHROMA_URL": chroma_server},
        corpus_dir=make_corpus(tmp_path / "corpus", with_seed=False),
        index_dir=tmp_path / "index",  # only holds the write lock in server mode
    )
    assert settings.chroma_url == chroma_server
    assistant = Assistant(settings, embeddings=e5)
    assert assistant.index_is_empty()
    first = assistant.reindex()
    assert first.total_passages == FIXTURE_PASSAGES and not first.errors, first.as_dict()
    backend = make_backend(settings)
    generation = backend.live_generation()
    assert generation and backend.list_generations() == [generation]
    assert not (tmp_path / "index" / "CURRENT").exists(), "nothing of the index lives in the local folder"
    assert assistant.status()["chunks"] == FIXTURE_PASSAGES

    answer = assistant.ask("Tập đoàn Minh Phú bao tiêu tôm sú của bao nhiêu hợp tác xã?")
    assert "12 hợp tác xã" in answer.answer and answer.citations[0].hit.passage.article == "ca-mau-tom.md", answer.answer

    again = assistant.reindex()
    assert not again.changed and assistant.store().count() == FIXTURE_PASSAGES

    # an incremental removal goes through the server too
    (settings.corpus_dir / "ca-mau-tom.md").unlink()
    removed = assistant.reindex()
    assert removed.removed == ["ca-mau-tom.md"]
    assert all(h.passage.article != "ca-mau-tom.md" for h in assistant.search("tôm sú Minh Phú", k=10))
    left = assistant.store().count()

    # a full rebuild writes a new generation and flips the pointer; the old collections go away
    rebuilt = full_rebuild(settings, e5)
    new_generation = backend.live_generation()
    assert rebuilt.full_rebuild and new_generation != generation
    assert backend.list_generations() == [new_generation]
    assert backend.open_store().count() == left
    assistant.reload()
    answer = assistant.ask("Lâm Đồng và TP.HCM cam kết xây dựng bao nhiêu vườn ươm hoa công nghệ cao?")
    assert "37 vườn ươm" in answer.answer, answer.answer


def test_unreachable_server_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    settings = Settings.from_env(environ={"ASSISTANT_CHROMA_URL": url}, index_dir=tmp_path / "index")
    with pytest.raises(IndexError_) as info:
        make_backend(settings).open_store()
    assert str(info.value).startswith(f"cannot reach the Chroma server at {url} (")
    assert "is `chroma run --path DIR --port N` up?" in str(info.value)
