"""Benchmark: seconds from `assistant serve` to the first HTTP 200, and to the first answer, when
there is no index yet, side by side with an older commit in the same run.

The corpus is the seed article plus every held-out set's articles (eval/holdout*/corpus), copied
into a temporary folder; each run starts with an empty index. The baseline is a `git worktree` of
the given commit, run with PYTHONPATH pointing at it.

    python bench/first_page.py [--reps 3] [--baseline-commit 0a62020]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from versions import baseline_and_head, in_turn  # noqa: E402

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return 0


def one_run(code: Path, corpus: Path, work: Path) -> tuple[float, float]:
    """(seconds to the first HTTP 200 on /, seconds to the first answer through /chat)."""
    from gradio_client import Client

    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code), "ASSISTANT_CORPUS_DIR": str(corpus),
           "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_UI_PORT": str(port)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve"], env=env, cwd=code,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while status(f"http://127.0.0.1:{port}/") != 200:
            if proc.poll() is not None:
                raise SystemExit(f"{code}: assistant serve exited with {proc.returncode}")
            time.sleep(0.05)
        page = time.perf_counter() - started
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False)
        while True:
            try:
                text = client.predict(QUESTION, api_name="/chat")
                break
            except Exception:  # the newer code says "building" until the index is ready
                time.sleep(1.0)  # as often as the page's own timer asks
        answered = time.perf_counter() - started
        assert "2003" in text, text
        return page, answered
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--baseline-commit", default="0a62020")
    opts = parser.parse_args()
    with baseline_and_head(opts.baseline_commit, "hoidap-first-page-") as (work, versions):
        corpus = work / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "tphcm-hop-tac-bac-trung-bo.txt", corpus)
        for folder in sorted(ROOT.glob("eval/holdout*/corpus")):
            for path in folder.iterdir():
                if path.suffix in (".txt", ".md"):
                    shutil.copy(path, corpus / f"{folder.parent.name}-{path.name}")
        n = len(list(corpus.iterdir()))
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
        for rep in range(opts.reps):
            for name, code in in_turn(versions, rep):
                results[name].append(one_run(code, corpus, work / name))
        print(f"\n{n} articles, no index at start, median of {opts.reps} runs (seconds)\n")
        print(f"| measure | baseline {opts.baseline_commit} | HEAD |")
        print("|---|---|---|")
        for i, label in enumerate(("first HTTP 200 on /", "first answer through /chat")):
            values = [statistics.median(r[i] for r in results[name]) for name in versions]
            print(f"| {label} | {values[0]:.1f} | {values[1]:.1f} |")


if __name__ == "__main__":
    main()
