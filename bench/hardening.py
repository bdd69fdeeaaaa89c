"""Benchmark: what the index integrity checks cost, side by side with the code before them.

Builds one synthetic corpus of N articles (bench/synthetic.py; embedded with the template memo
of bench/memo.py, so the build takes seconds), copies its index for each code version, and
times, interleaved run by run (each version first every other run) so the noise of a shared
machine falls on both alike:

  - a cold `assistant ask` with a saved read side (the common case; now also a header read and
    the manifest compared),
  - a cold `assistant ask` without one (now also `PRAGMA quick_check` and the passage count),
  - `assistant status` and a no-op `assistant index`.

    python bench/hardening.py [--articles 1000] [--reps 5] [--baseline-commit 0a62020]

The baseline is a `git worktree` of the given commit, run with PYTHONPATH pointing at it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from synthetic import make_corpus  # noqa: E402
from versions import baseline_and_head, in_turn  # noqa: E402

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def build(corpus: Path, index: Path) -> None:
    from memo import TemplateMemoArray

    from assistant.embeddings import get_embeddings
    from assistant.indexer import index_corpus
    from assistant.settings import Settings

    settings = Settings(corpus_dir=corpus, index_dir=index)
    index_corpus(settings, TemplateMemoArray(get_embeddings(settings)))


def timed(code: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{code}: assistant {' '.join(args)} failed: {done.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--baseline-commit", default="0a62020")
    opts = parser.parse_args()

    with baseline_and_head(opts.baseline_commit, "hoidap-hardening-") as (work, versions):
        corpus = work / "corpus"
        make_corpus(corpus, opts.articles)
        started = time.perf_counter()
        build(corpus, work / "built")
        print(f"built {opts.articles} articles in {time.perf_counter() - started:.1f}s (template memo)")
        for name in versions:
            shutil.copytree(work / "built", work / f"index-{name}")
        cases = {
            "cold ask, saved read side": lambda name: ["ask", QUESTION],
            "cold ask, no saved read side": lambda name: ["ask", QUESTION],
            "status": lambda name: ["status"],
            "no-op index": lambda name: ["index"],
        }
        for name, code in versions.items():  # warm the page cache and save each read side once
            timed(code, ["--corpus", str(corpus), "--index", str(work / f"index-{name}"), "ask", QUESTION])
        rows = []
        for case, argv in cases.items():
            times: dict[str, list[float]] = {name: [] for name in versions}
            for rep in range(opts.reps):
                for name, code in in_turn(versions, rep):
                    index = work / f"index-{name}"
                    if case == "cold ask, no saved read side":
                        live = (index / "CURRENT").read_text().strip()
                        (index / live / "readside.npz").unlink(missing_ok=True)
                    times[name].append(timed(code, ["--corpus", str(corpus), "--index", str(index), *argv(name)]))
            rows.append((case, *(statistics.median(times[name]) for name in versions)))
        print(f"\n{opts.articles} articles, median of {opts.reps} interleaved runs (seconds)\n")
        print("| case | baseline " + opts.baseline_commit + " | HEAD | difference |")
        print("|---|---|---|---|")
        for case, base, head in rows:
            print(f"| {case} | {base:.3f} | {head:.3f} | {head - base:+.3f} |")


if __name__ == "__main__":
    main()
