"""Keeping the index in step with the corpus: add new, replace changed, remove deleted articles.

Only one process writes an index at a time (`write_lock`, an fcntl lock in the index folder);
readers never take the lock. Incremental runs change the live generation in place; a full
rebuild (asked for, or forced by a change of embedding model) writes a new generation beside
the live one and switches to it atomically, so questions are answered from the old index
until the switch, and a rebuild that fails or is killed leaves the old index live and intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .chunking import chunk_article
from .corpus import ArticleError, check_answerable, parse_article, read_article_text, scan_corpus, text_sha256
from .embeddings import ArrayEmbeddings
from .backend import IndexBackend, make_backend
from .settings import Settings
from .store import (
    ArticleRecord,
    IndexDamagedError,
    IndexError_,
    PassageStore,
    index_stamp,
    make_index_dir,
    new_generation_name,
    read_current_generation,
    quick_problem,
    read_manifest,
    sqlite_size,
    write_manifest,
)

ProgressFn = Callable[[int, int, str], None]
NotifyFn = Callable[[str], None]
LOCK_FILE = "write.lock"
EMBED_BATCH = 64  # passages embedded per call when many articles changed

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3


class IndexBusyError(IndexError_):
    """Another process holds the index write lock for longer than the configured wait."""


@dataclass
class IndexSummary:
    """What one indexing run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged
    errors: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # failed to read now, earlier version kept
    passages_written: int = 0
    total_articles: int = 0
    total_passages: int = 0
    seconds: float = 0.0
    full_rebuild: bool = False
    rebuild_reason: str = ""

    @property
    def changed(self) -> bool:
        """Whether the index content changed."""
        return bool(self.added or self.updated or self.removed or self.full_rebuild)

    @property
    def exit_code(self) -> int:
        """0 when every file went in, 3 when some failed, 1 when none could be read."""
        if not self.errors:
            return EXIT_OK
        readable = len(self.added) + len(self.updated) + len(self.skipped)
        return EXIT_PARTIAL if readable else EXIT_FAILED

    def line(self) -> str:
        """The one-line summary printed after indexing."""
        text = (
            f"indexed {self.total_articles} articles, {self.total_passages} passages: "
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.skipped)} unchanged"
        )
        if self.errors:
            text += f", {len(self.errors)} failed"
            if self.kept:
                text += f" ({len(self.kept)} kept from before)"
        if self.full_rebuild:
            text += ", full rebuild" + (f" ({self.rebuild_reason})" if self.rebuild_reason else "")
        return text + f" ({self.seconds:.2f}s)"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.skipped,
            "errors": self.errors,
            "kept": self.kept,
            "passages_written": self.passages_written,
            "articles": self.total_articles,
            "passages": self.total_passages,
            "full_rebuild": self.full_rebuild,
            "rebuild_reason": self.rebuild_reason,
            "seconds": round(self.seconds, 3),
        }


def open_store(settings: Settings) -> PassageStore:
    """The live store for these settings (embedded folder or Chroma server)."""
    return make_backend(settings).open_store()


# -- one writer at a time ------------------------------------------------------------------

_held: dict[str, list] = {}  # lock path -> [owning thread id, depth]; makes the lock re-entrant
_held_guard = threading.Lock()


@contextlib.contextmanager
def write_lock(settings: Settings, notify: NotifyFn | None = None) -> Iterator[None]:
    """Hold the index write lock; wait up to settings.index_lock_timeout, then IndexBusyError.

    The lock is an fcntl.flock on index/write.lock: the kernel drops it when the holder exits,
    even on kill -9, so a crashed writer never leaves a stale lock behind.
    """
    index_dir = Path(settings.index_dir)
    make_index_dir(index_dir)
    path = str((index_dir / LOCK_FILE).resolve())
    me = threading.get_ident()
    with _held_guard:
        entry = _held.get(path)
        if entry is not None and entry[0] == me:
            entry[1] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[path][1] -= 1
        return

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, settings.index_lock_timeout)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(path)
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"another process ({holder}) is writing the index at {index_dir}; gave up "
                        f"after waiting {settings.index_lock_timeout:g}s — try again when it has "
                        "finished (or raise ASSISTANT_INDEX_LOCK_TIMEOUT)"
                    ) from None
                if notify and not told:
                    notify(f"waiting for the index lock held by {holder} ...")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}\n".encode(), 0)
        with _held_guard:
            _held[path] = [me, 1]
        try:
            yield
        finally:
            with _held_guard:
                _held.pop(path, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def index_state(settings: Settings) -> str:
    """One phrase on the embedded live index: not built, complete, being updated, or incomplete."""
    if not read_current_generation(settings.index_dir):
        return "not built yet (run `assistant index`)"
    manifest = read_manifest(settings.index_dir)
    if manifest and manifest.get("stamp") == index_stamp(settings.index_dir):
        return "complete"
    path = Path(settings.index_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        fd = None
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            return f"being updated ({_lock_holder(str(path))})"
        finally:
            os.close(fd)
    return ("incomplete: the last update stopped before it finished (killed, or failed); "
            "run `assistant index` to finish it")


def corpus_drift(settings: Settings) -> str:
    """What the corpus folder and the embedded live index disagree on, by article file ("" when
    they list the same articles, or when there is no manifest to compare with: a server's index,
    or one being written). Questions are answered from the index as built, so a user who points
    --corpus at other articles, or adds some without `assistant index`, is told."""
    if not make_backend(settings).has_manifest:
        return ""
    manifest = read_manifest(settings.index_dir)
    corpus_dir = Path(settings.corpus_dir)
    if not manifest or manifest.get("stamp") != index_stamp(settings.index_dir) or not corpus_dir.is_dir():
        return ""
    files, _ = scan_corpus(corpus_dir)
    on_disk = {path.relative_to(corpus_dir).as_posix() for path in files}
    indexed = set(manifest.get("articles", {}))
    parts = []
    for names, what in ((on_disk - indexed, "not in the index"), (indexed - on_disk, "no longer in the corpus folder")):
        if names:
            shown = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
            parts.append(f"{len(names)} article{'s' if len(names) > 1 else ''} {what} ({shown})")
    if not parts:
        return ""
    return (f"{' and '.join(parts)}: answers come from the index as it was built; run `assistant index` "
            f"to bring {settings.index_dir} in line with {settings.corpus_dir}")


def _lock_holder(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "pid unknown"


# -- indexing ------------------------------------------------------------------------------


def index_corpus(settings: Settings, embeddings: ArrayEmbeddings, progress: ProgressFn | None = None,
                 notify: NotifyFn | None = None) -> IndexSummary:
    """Bring the index in line with the corpus folder, embedding only new or changed articles.

    When the live index was built with another embedding model, this becomes a full rebuild
    (vectors of two models cannot be compared), done beside the live index.
    """
    started = time.perf_counter()
    _check_corpus(settings)
    backend = make_backend(settings)
    with write_lock(settings, notify):
        _drop_stale_generations(backend)
        try:
            unchanged = _unchanged_by_manifest(settings, embeddings)
            if unchanged is not None:
                unchanged.seconds = time.perf_counter() - started
                return unchanged
            summary = _update_locked(settings, backend, embeddings, progress, notify)
        except IndexDamagedError as exc:
            # the corpus is the source of truth: rebuild beside the damaged generation
            if notify:
                notify(f"the index at {exc.location} is damaged ({exc.problem}): rebuilding it from the corpus")
            summary = _rebuild_locked(settings, backend, embeddings, progress)
            summary.full_rebuild = True
            summary.rebuild_reason = "the index was damaged"
        _save_manifest(settings, backend, embeddings)
    summary.seconds = time.perf_counter() - started
    return summary


def _update_locked(settings: Settings, backend: IndexBackend, embeddings: ArrayEmbeddings,
                   progress: ProgressFn | None, notify: NotifyFn | None) -> IndexSummary:
    """index_corpus under the write lock; IndexDamagedError when the live index is damaged."""
    live = backend.live_generation()
    if not live:
        # first build: write a new generation and switch to it only when complete
        return _rebuild_locked(settings, backend, embeddings, progress)
    store = backend.open_store(live)
    recorded = store.recorded_model()
    recipe = store.recorded_recipe()
    stale = ""
    if store.count():
        if recorded and recorded != embeddings.model_id:
            stale = f"embedding model changed from {recorded} to {embeddings.model_id}"
        elif recipe != EMBEDDING_RECIPE:
            stale = f"the passages or the text embedded per passage changed (recipe {recipe or '1'} -> {EMBEDDING_RECIPE})"
    if stale:
        if notify:
            notify(f"{stale}: rebuilding the index beside the live one")
        summary = _rebuild_locked(settings, backend, embeddings, progress)
        summary.rebuild_reason = stale
        return summary
    summary = IndexSummary()
    # the stamp moves before the first write too: a run killed half-way must not leave
    # readers on a saved read side that no longer matches the store
    records = _sync(store, settings, embeddings, progress, summary,
                    before_write=backend.touch_stamp)
    if (summary.changed or recorded != embeddings.model_id or recipe != EMBEDDING_RECIPE
            or store.recorded_engine() != embeddings.engine):
        store.record_model(embeddings.model_id, EMBEDDING_RECIPE, embeddings.engine)
    if summary.changed:
        backend.touch_stamp()
        _totals(store, summary)
    else:  # the records read at the start are still exact: spare a second read
        summary.total_articles = len(records)
        summary.total_passages = sum(r.passages for r in records.values())
    return summary


def full_rebuild(settings: Settings, embeddings: ArrayEmbeddings, progress: ProgressFn | None = None,
                 notify: NotifyFn | None = None) -> IndexSummary:
    """Rebuild everything into a new generation beside the live one, then switch atomically.

    Questions keep being answered from the old generation until the switch; if the rebuild
    fails or is killed, the old generation stays live and untouched.
    """
    started = time.perf_counter()
    _check_corpus(settings)
    backend = make_backend(settings)
    with write_lock(settings, notify):
        _drop_stale_generations(backend)
        summary = _rebuild_locked(settings, backend, embeddings, progress)
        _save_manifest(settings, backend, embeddings)
    summary.seconds = time.perf_counter() - started
    return summary


# -- the no-op fast path ---------------------------------------------------------------------
# An unchanged corpus is the common case (`assistant watch`, cron, a second `index`). The
# manifest, saved by every writer next to the live generation and keyed by the change stamp,
# lets it be recognised from file hashes alone, without opening (or importing) Chroma.


def _save_manifest(settings: Settings, backend: IndexBackend, embeddings: ArrayEmbeddings) -> None:
    """Record the live generation's articles (path -> hash, passages) for the current stamp."""
    if not backend.has_manifest:
        return
    live = read_current_generation(settings.index_dir)
    if not live:
        return
    store = backend.open_store(live)
    records = store.article_records()
    write_manifest(settings.index_dir, {
        "stamp": index_stamp(settings.index_dir),
        "model": store.recorded_model() or embeddings.model_id,
        "recipe": EMBEDDING_RECIPE,
        "articles": {r.path: [r.sha256, r.passages] for r in records.values()},
        # a truncated or replaced database changes size: then the fast path below steps aside
        "sqlite_bytes": sqlite_size(settings.index_dir, live),
    })


def _unchanged_by_manifest(settings: Settings, embeddings: ArrayEmbeddings) -> IndexSummary | None:
    """The summary of a no-op run when the corpus provably matches the live index, else None."""
    if not make_backend(settings).has_manifest:
        return None
    manifest = read_manifest(settings.index_dir)
    if (
        not manifest
        or manifest.get("stamp") != index_stamp(settings.index_dir)
        or manifest.get("model") != embeddings.model_id
        or manifest.get("recipe") != EMBEDDING_RECIPE
        or "sqlite_bytes" not in manifest  # written before the size was kept: no proof
        or quick_problem(settings.index_dir, manifest)
    ):
        return None
    articles = manifest.get("articles", {})
    if any(not entry[1] for entry in articles.values()):
        return None  # an article without passages (title only) is reported by the full path
    corpus_dir = Path(settings.corpus_dir)
    files, problems = scan_corpus(corpus_dir)
    if problems or len(files) != len(articles):
        return None  # refused files are reported by the full path, never passed over as "unchanged"
    summary = IndexSummary()
    for path_ in files:
        rel = path_.relative_to(corpus_dir).as_posix()
        try:
            sha = text_sha256(read_article_text(path_, rel, settings.max_file_bytes))
        except ArticleError:
            return None  # the full path reports it and keeps the indexed version
        if articles.get(rel, [None])[0] != sha:
            return None
        summary.skipped.append(rel)
    summary.total_articles = len(articles)
    summary.total_passages = sum(n for _, n in articles.values())
    return summary


def _check_corpus(settings: Settings) -> None:
    """A missing corpus folder is an error, not an empty corpus: never wipe the index over it."""
    if not Path(settings.corpus_dir).is_dir():
        raise IndexError_(f"corpus folder {settings.corpus_dir} does not exist")


def _rebuild_locked(settings: Settings, backend: IndexBackend, embeddings: ArrayEmbeddings,
                    progress: ProgressFn | None) -> IndexSummary:
    old = _live_or_damaged(backend)
    try:
        old_store = backend.open_store(old) if old else None
    except IndexDamagedError:
        old_store = None  # nothing can be carried over from it; it is dropped after the switch
    new = new_generation_name()
    store = backend.open_store(new)
    summary = IndexSummary(full_rebuild=bool(old))
    try:
        _sync(store, settings, embeddings, progress, summary, carry_from=old_store)
        store.record_model(embeddings.model_id, EMBEDDING_RECIPE, embeddings.engine)
        _totals(store, summary)
    except BaseException:
        # leave the live generation alone; the half-built one is useless
        store.close()
        backend.drop_generation(new)
        raise
    store.close()  # a server store flushes what it buffered before readers are pointed at it
    backend.make_live(new)
    if old:
        if old_store is not None:
            old_store.close()
        backend.drop_generation(old)
    return summary


def _live_or_damaged(backend: IndexBackend) -> str:
    """The live generation, or '' when the pointer to it is itself damaged (then rebuilt)."""
    try:
        return backend.live_generation()
    except IndexDamagedError:
        return ""


def _drop_stale_generations(backend: IndexBackend) -> None:
    """Remove leftovers of rebuilds that were killed before their switch (we hold the lock)."""
    live = _live_or_damaged(backend)
    if not live and backend.pointer_damaged():
        return  # a damaged pointer: keep every generation until a rebuild has replaced it
    for gen in backend.list_generations():
        if gen != live:
            backend.drop_generation(gen)




def _sync(
    store: PassageStore,
    settings: Settings,
    embeddings: ArrayEmbeddings,
    progress: ProgressFn | None,
    summary: IndexSummary,
    carry_from: PassageStore | None = None,
    before_write: Callable[[], None] | None = None,
) -> dict[str, ArticleRecord]:
    """Make `store` hold exactly the corpus; returns the article records it started from.

    The no-op path reads one Chroma collection and reads, decodes and hashes the files.
    `before_write` runs once, before the first change to `store`.
    """
    first_write = [before_write]

    def writing() -> None:
        if first_write[0] is not None:
            first_write.pop()()
            first_write.append(None)

    records = store.article_records()
    old_records = carry_from.article_records() if carry_from is not None else {}
    corpus_dir = Path(settings.corpus_dir)
    files, problems = scan_corpus(corpus_dir)
    summary.errors.extend(problems)  # refused files (links leading outside, HTML): never indexed
    seen: set[str] = set()
    total = len(files)
    # changed articles wait here until EMBED_BATCH passages are gathered: one embedding call
    # for many short articles is several times faster than one call per article
    pending: list[tuple[int, ArticleRecord, list, bool]] = []

    def flush() -> None:
        texts = [embedding_text(p) for _, _, passages, _ in pending for p in passages]
        vectors = embeddings.embed_passages(texts) if texts else None
        if pending:
            writing()
        offset = 0
        for n, record, passages, is_update in pending:
            store.replace_article(record, passages, vectors[offset : offset + len(passages)] if texts else [])
            offset += len(passages)
            summary.passages_written += len(passages)
            (summary.updated if is_update else summary.added).append(record.path)
            if progress:
                progress(n, total, record.path)
        pending.clear()

    for n, path in enumerate(files, 1):
        rel = path.relative_to(corpus_dir).as_posix()
        # seen before reading: a file that has become unreadable keeps its indexed version
        seen.add(rel)
        try:
            text = read_article_text(path, rel, settings.max_file_bytes)
            sha = text_sha256(text)
            old = records.get(rel)
            unchanged = old is not None and old.sha256 == sha
            if not (unchanged and old.passages):
                article = parse_article(text, rel, markdown=path.suffix.lower() == ".md")
                # a title-only file is refused as by `assistant add`, with the same message (an
                # unchanged one too: it may have been indexed, with no passages, before this check)
                check_answerable(article)
            if unchanged:
                summary.skipped.append(rel)
            else:
                passages = chunk_article(article)
                record = ArticleRecord(rel, sha, article.title, len(passages), article.date)
                pending.append((n, record, passages, old is not None))
                if sum(len(item[2]) for item in pending) >= EMBED_BATCH:
                    flush()
                continue
        except ArticleError as exc:
            summary.errors.append(str(exc))
            if rel in records and not records[rel].passages:
                seen.discard(rel)  # nothing to keep (indexed title-only before): removed below
            elif rel in records:
                summary.kept.append(rel)
            elif rel in old_records and old_records[rel].passages and carry_from is not None:
                _carry_over(carry_from, store, old_records[rel], embeddings)
                summary.kept.append(rel)
        if progress:
            progress(n, total, rel)
    flush()
    for rel in sorted(set(records) - seen):
        writing()
        store.delete_article(rel)
        summary.removed.append(rel)
    return records


def _carry_over(source: PassageStore, target: PassageStore, record: ArticleRecord, embeddings: ArrayEmbeddings) -> None:
    """Copy an unreadable article's indexed passages into a rebuild, so nothing indexed is lost."""
    passages, vectors = source.article_passages(record.path)
    if source.recorded_model() != embeddings.model_id or source.recorded_recipe() != EMBEDDING_RECIPE:
        vectors = embeddings.embed_passages([embedding_text(p) for p in passages])
    target.write_passages(passages, vectors, extra_metadata=[{"sha256": record.sha256}] * len(passages))
    target.write_record(record)


def _totals(store: PassageStore, summary: IndexSummary) -> None:
    final = store.article_records()
    summary.total_articles = len(final)
    summary.total_passages = sum(r.passages for r in final.values())


# Version of what is indexed per passage: `embedding_text` below, and how articles are split into
# passages (corpus, chunking). Bump it whenever either changes: the next `assistant index` then
# rebuilds the index (beside the live one) instead of keeping passages of unchanged files as the
# old code cut them. 3: a dateline under the lead no longer ends the article. 4: a list intro
# ("... cụ thể:") and its items are one passage. 5: only the intro's last sentence joins them.
EMBEDDING_RECIPE = "5"


def embedding_text(passage) -> str:
    """What gets embedded: the section heading (or, for the lead, the title) for context, then the text.

    The lead paragraph summarises the title's event without repeating it; with the title it is
    found more often on the held-out set (docs/quality.md), while later sections gain nothing.
    """
    if passage.section:
        return f"{passage.section}. {passage.flat_text}"
    return f"{passage.title}. {passage.flat_text}"
