"""Keeping the index in step with the corpus: add new, replace changed, remove deleted articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .chunking import chunk_article
from .corpus import ArticleError, list_article_files, read_article
from .embeddings import ArrayEmbeddings
from .settings import Settings
from .store import ArticleRecord, PassageStore, read_current_generation, switch_generation

ProgressFn = Callable[[int, int, str], None]


@dataclass
class IndexSummary:
    """What one indexing run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged
    errors: list[str] = field(default_factory=list)
    passages_written: int = 0
    total_articles: int = 0
    total_passages: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the index content changed."""
        return bool(self.added or self.updated or self.removed)

    def line(self) -> str:
        """The one-line summary printed after indexing."""
        text = (
            f"indexed {self.total_articles} articles, {self.total_passages} passages: "
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.skipped)} unchanged"
        )
        if self.errors:
            text += f", {len(self.errors)} failed"
        return text + f" ({self.seconds:.1f}s)"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.skipped,
            "errors": self.errors,
            "passages_written": self.passages_written,
            "articles": self.total_articles,
            "passages": self.total_passages,
            "seconds": round(self.seconds, 3),
        }


def open_store(settings: Settings) -> PassageStore:
    """The live store for these settings (embedded folder or Chroma server)."""
    return PassageStore.open(settings.index_dir, settings.chroma_url)


def index_corpus(
    settings: Settings,
    embeddings: ArrayEmbeddings,
    progress: ProgressFn | None = None,
    generation: str | None = None,
) -> IndexSummary:
    """Bring the index in line with the corpus folder, embedding only new or changed articles."""
    import time

    started = time.perf_counter()
    summary = IndexSummary()
    if not settings.chroma_url:
        Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
    store = PassageStore.open(settings.index_dir, settings.chroma_url, generation=generation)
    recorded = store.recorded_model()
    if recorded and recorded != embeddings.model_id:
        # vectors from two models cannot be compared: start from an empty index
        for path in list(store.article_records()):
            store.delete_article(path)
    records = store.article_records()
    files = list_article_files(settings.corpus_dir)
    seen: set[str] = set()
    total = len(files)
    for n, path in enumerate(files, 1):
        rel = path.relative_to(settings.corpus_dir).as_posix()
        seen.add(rel)
        try:
            article = read_article(path, settings.corpus_dir, settings.max_file_bytes)
        except ArticleError as exc:
            summary.errors.append(str(exc))
            if progress:
                progress(n, total, rel)
            continue
        old = records.get(rel)
        if old is not None and old.sha256 == article.sha256:
            summary.skipped.append(rel)
        else:
            passages = chunk_article(article)
            vectors = embeddings.embed_passages([embedding_text(p) for p in passages])
            record = ArticleRecord(rel, article.sha256, article.title, len(passages), article.date)
            store.replace_article(record, passages, vectors)
            summary.passages_written += len(passages)
            (summary.updated if old is not None else summary.added).append(rel)
        if progress:
            progress(n, total, rel)
    for rel in sorted(set(records) - seen):
        store.delete_article(rel)
        summary.removed.append(rel)
    if summary.changed or not recorded:
        store.record_model(embeddings.model_id)
    if not settings.chroma_url and generation is None and not read_current_generation(settings.index_dir):
        switch_generation(settings.index_dir, store.generation)
    final = store.article_records()
    summary.total_articles = len(final)
    summary.total_passages = sum(r.passages for r in final.values())
    summary.seconds = time.perf_counter() - started
    return summary


def embedding_text(passage) -> str:
    """What gets embedded for a passage: its section heading for context, then its text."""
    if passage.section:
        return f"{passage.section}. {passage.flat_text}"
    return passage.flat_text


def full_rebuild(settings: Settings, embeddings: ArrayEmbeddings, progress: ProgressFn | None = None) -> IndexSummary:
    """Rebuild everything into a new generation beside the live one, then switch atomically.

    Questions keep being answered from the old generation until the switch; if the rebuild
    fails or is killed, the old generation stays live and untouched.
    """
    from .store import new_generation_name, remove_generation

    if settings.chroma_url:
        raise NotImplementedError("full rebuild on a Chroma server is not supported yet")
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    old = read_current_generation(index_dir)
    new = new_generation_name()
    summary = index_corpus(settings, embeddings, progress=progress, generation=new)
    switch_generation(index_dir, new)
    if old:
        remove_generation(index_dir, old)
    return summary
