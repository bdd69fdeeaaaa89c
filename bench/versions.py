"""Two versions of the code side by side in one run: a `git worktree` of an older commit and HEAD."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def baseline_and_head(commit: str, prefix: str) -> Iterator[tuple[Path, dict[str, Path]]]:
    """(a scratch folder, {"baseline": worktree of `commit`, "HEAD": this checkout}); both removed after.

    Run a version's code with PYTHONPATH set to its path.
    """
    work = Path(tempfile.mkdtemp(prefix=prefix))
    baseline = work / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(baseline), commit], check=True)
    try:
        yield work, {"baseline": baseline, "HEAD": ROOT}
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
        shutil.rmtree(work, ignore_errors=True)


def in_turn(versions: dict[str, Path], rep: int) -> list[tuple[str, Path]]:
    """The versions in the order to run them in repetition `rep`: each goes first every other time,
    so a steady drift of the machine (or an order effect) falls on both alike."""
    order = list(versions.items())
    return order if rep % 2 == 0 else order[::-1]
