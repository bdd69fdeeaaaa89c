"""A cold `assistant ask` (a new process, the saved read side) against an older commit, same run.

    python bench/cold_ask.py [--baseline a91a288] [--reps 9]

Each version gets its own copy of one index of the seed corpus (built once, the read side saved by
a first question); the versions then answer the same question in new processes, alternating which
goes first. Prints the median wall time per version and the share of it spent importing.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from versions import ROOT, baseline_and_head, in_turn  # noqa: E402

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def ask(code: Path, corpus: Path, index: Path) -> float:
    """Seconds for one `assistant ask` in a new process running `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--corpus", str(corpus), "--index", str(index),
                          QUESTION], capture_output=True, text=True, env=env, cwd=code)
    elapsed = time.perf_counter() - started
    if out.returncode != 0 or "2003" not in out.stdout:
        raise SystemExit(f"{code}: {out.returncode} {out.stdout[:200]} {out.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="a91a288")
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    with baseline_and_head(args.baseline, "hoidap-cold-") as (work, versions):
        corpus = ROOT / "corpus"
        indexes = {}
        for name, code in versions.items():
            indexes[name] = work / f"index-{name}"
            ask(code, corpus, indexes[name])  # builds the index and saves the read side
            ask(code, corpus, indexes[name])
        times: dict[str, list[float]] = {name: [] for name in versions}
        for rep in range(args.reps):
            for name, code in in_turn(versions, rep):
                times[name].append(ask(code, corpus, indexes[name]))
        print(f"cold `assistant ask`, seed corpus, saved read side, {args.reps} runs each, alternating order")
        print(f"{'version':<12}{'median s':>10}{'min s':>8}{'max s':>8}")
        for name in versions:
            label = args.baseline if name == "baseline" else "HEAD"
            t = times[name]
            print(f"{label:<12}{statistics.median(t):>10.3f}{min(t):>8.3f}{max(t):>8.3f}")
        for path in indexes.values():
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
