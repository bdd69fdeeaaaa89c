"""`assistant watch`: reindex whenever article files in the corpus folder change (debounced)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from .corpus import ARTICLE_SUFFIXES, HTML_SUFFIXES
from .embeddings import ArrayEmbeddings
from .indexer import IndexSummary, index_corpus
from .settings import Settings
from .store import IndexError_, make_index_dir

LogFn = Callable[[str], None]
RETRY_MS = 10_000  # how soon a run that could not take place (index lock busy) is retried


class ArticleChangeFilter:
    """watchfiles filter: article and HTML files (and folders, whose removal removes articles), not hidden ones."""

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir).resolve()

    def __call__(self, change, path: str) -> bool:
        p = Path(path)
        try:
            rel = p.resolve().relative_to(self.corpus_dir)
        except ValueError:
            rel = Path(p.name)
        if any(part.startswith(".") for part in rel.parts):
            return False  # editors' swap files and the `.name.part` files `assistant add` writes first
        # HTML is never indexed from the corpus, but a run says so (and how to add it) at once
        return p.suffix.lower() in ARTICLE_SUFFIXES + HTML_SUFFIXES or not p.suffix


def watch_corpus(
    settings: Settings,
    embeddings: ArrayEmbeddings,
    log: LogFn,
    debounce_ms: int = 2000,
    quiet_ms: int = 400,
    stop_event=None,
    on_run: Callable[[IndexSummary], None] | None = None,
    retry_ms: int = RETRY_MS,
) -> None:
    """Index once, then again after each burst of changes, logging one line per run.

    A burst ends after `quiet_ms` without changes (at most `debounce_ms` after it began). Returns
    on Ctrl-C or when `stop_event` is set; an interrupted run leaves every article either
    fully old or fully new, and the next run completes the rest.
    """
    try:
        from watchfiles import watch
    except ImportError:
        raise IndexError_("`assistant watch` needs `pip install watchfiles`") from None
    make_index_dir(settings.index_dir)  # a path that can never hold an index fails now, not every run
    corpus_dir = Path(settings.corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    log(f"watching {corpus_dir.resolve()} (Ctrl-C to stop)")
    failed = not _run(settings, embeddings, log, "start", on_run)
    for changes in watch(
        corpus_dir,
        watch_filter=ArticleChangeFilter(corpus_dir),
        debounce=debounce_ms,
        step=quiet_ms,
        stop_event=stop_event,
        raise_interrupt=False,
        rust_timeout=retry_ms,
        yield_on_timeout=True,  # wakes up every retry_ms so a failed run is retried
    ):
        if not changes:
            if failed:
                failed = not _run(settings, embeddings, log, "retry", on_run)
            continue
        names = sorted({Path(path).name for _, path in changes})
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        failed = not _run(settings, embeddings, log, f"{len(changes)} change(s): {shown}", on_run)
    log("stopped watching")


def _run(settings: Settings, embeddings: ArrayEmbeddings, log: LogFn, why: str, on_run) -> bool:
    """One indexing run and its log line; False when it could not run (retried later)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        summary = index_corpus(settings, embeddings, notify=lambda m: log(f"{stamp} {m}"))
    except IndexError_ as exc:  # e.g. another writer held the lock too long, or the folder is gone
        log(f"{stamp} [{why}] error: {exc}")
        return False
    log(f"{stamp} [{why}] {summary.line()}")
    for err in summary.errors:
        log(f"{stamp}   error: {err}")
    if on_run is not None:
        on_run(summary)
    return True
