"""The `Assistant` facade: the index, its read side and the question pipeline, for every front end.

Storage goes through one `backend.IndexBackend` (a folder or a Chroma server, chosen once from the
settings); questions go through one `pipeline.build_pipeline` chain, built on first use and kept.
The CLI and the UI both talk to `Assistant`; nothing here prints or imports a UI.
"""

from __future__ import annotations

import threading
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Iterator

from .answer import Answer
from .backend import IndexBackend, Overview, ReadIndex, make_backend
from .embeddings import ArrayEmbeddings, get_embeddings
from .errors import UserError
from .indexer import IndexSummary, ProgressFn, index_corpus
from .questions import analyse_question, checked_question
from .settings import Settings
from .store import Hit

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from .lc import HybridRetriever

__all__ = ["Assistant", "Overview"]


class Assistant:
    """Everything a front end needs: index status, search, ask, reindex. Loads models once."""

    def __init__(self, settings: Settings, embeddings: ArrayEmbeddings | None = None,
                 notify: Callable[[str], None] | None = None):
        self.settings = settings
        self._embeddings = embeddings
        self._notify = notify  # hears about a first engine build or a fallback engine
        self.backend: IndexBackend = make_backend(settings, notify)
        self._index: ReadIndex | None = None
        self._generation_seen: str | None = None  # the backend's change stamp of the loaded read side
        self._lock = threading.RLock()
        self._llm = None  # llm.LLMAnswerer, built on first use when ASSISTANT_LLM is set
        self._pipeline: Runnable | None = None
        self._steps: list = []  # runnables added between retrieval and answering

    @property
    def embeddings(self) -> ArrayEmbeddings:
        """The configured embedding backend (loaded on first use)."""
        if self._embeddings is None:
            self._embeddings = get_embeddings(self.settings, self._notify)
        return self._embeddings

    # -- index -----------------------------------------------------------------------------

    def store(self):
        """The live passage store."""
        return self.backend.open_store()

    def index_is_empty(self) -> bool:
        """True when there is no index yet or it holds no passages."""
        if not self.backend.built():
            return True
        # loads the read side now (from the saved snapshot when current): it is needed next
        # anyway, and loading it once is the whole cost of a cold question
        return len(self.index) == 0

    def needs_build(self) -> bool:
        """Whether the index is missing or empty; ValueError when there is no corpus folder to build it from."""
        if not self.index_is_empty():
            return False
        if not self.settings.corpus_dir.is_dir():
            raise UserError(f"corpus folder {self.settings.corpus_dir} does not exist (set --corpus or ASSISTANT_CORPUS_DIR)")
        return True

    def ensure_index(self, notify: Callable[[str], None] | None = None, progress: ProgressFn | None = None) -> IndexSummary | None:
        """Build the index when it is missing or empty; returns the summary if it built one."""
        if not self.needs_build():
            return None
        if notify:
            notify(f"no index at {self.settings.index_dir}: building it from {self.settings.corpus_dir} first")
        return self.reindex(progress=progress)

    def reindex(self, progress: ProgressFn | None = None) -> IndexSummary:
        """Bring the index in line with the corpus and reload the read side."""
        # indexing has its own writer lock; questions keep using the loaded read side meanwhile
        summary = index_corpus(self.settings, self.embeddings, progress=progress)
        with self._lock:
            self._index = None
        return summary

    @property
    def index(self) -> ReadIndex:
        """The read side of the index: loaded once, reloaded after a reindex here or when another
        process (`assistant watch`, `assistant index`) changed the live index."""
        with self._lock:
            stamp = self._index_stamp()
            if self._index is None or stamp != self._generation_seen:
                self._index = self.backend.open_reader(self.embeddings, stamp)
                self._generation_seen = stamp
            return self._index

    def _index_stamp(self) -> str:
        return self.backend.stamp()  # cheap: two tiny file reads, or a server's answer kept 5 s

    def reload(self) -> None:
        """Forget the loaded read side so the next question sees the current index."""
        with self._lock:
            self._index = None

    # -- questions -------------------------------------------------------------------------

    def as_retriever(self, k: int | None = None, province: str | None = None) -> "HybridRetriever":
        """The hybrid retrieval as a LangChain BaseRetriever (the one the pipeline uses)."""
        from .lc import HybridRetriever

        return HybridRetriever(read_index=lambda: self.index, k=k or self.settings.top_k, province=province,
                               tuning=self.settings.tuning)

    def search(self, query: str, k: int | None = None, province: str | None = None) -> list[Hit]:
        """Top passages for a query."""
        from .lc import document_to_hit

        question = analyse_question(self.checked_question(query), self.settings.tuning)
        documents = self.as_retriever(k, province).invoke(question)
        return [document_to_hit(d) for d in documents]

    def checked_question(self, question: str | None) -> str:
        """The question without surrounding space; QuestionError when empty or over the limit."""
        return checked_question(question, self.settings.max_question_chars)

    def add_step(self, step: "Runnable") -> None:
        """Add a runnable (Turn -> Turn) between retrieval and answering, e.g. a reranker."""
        with self._lock:
            self._steps.append(step)
            self._pipeline = None

    def prepare_pipeline(self) -> None:
        """Start importing the pipeline's langchain-core runnables in the background (~0.5-1 s),
        so that the import overlaps the loading of the read side and the encoder."""
        threading.Thread(target=_import_pipeline, name="import-pipeline", daemon=True).start()

    @property
    def pipeline(self) -> "Runnable":
        """analyse | retrieve | added steps | answer | verify (pipeline.py), built once."""
        with self._lock:
            if self._pipeline is None:
                from .pipeline import build_pipeline

                self._pipeline = build_pipeline(self, self._steps)
            return self._pipeline

    @property
    def llm(self):
        """The `llm.LLMAnswerer` ASSISTANT_LLM configures, or None (extractive answers)."""
        if self.settings.llm.strip().lower() in ("", "none"):
            return None
        with self._lock:
            if self._llm is None:
                from .llm import LLMAnswerer

                self._llm = LLMAnswerer.from_settings(self.settings)
            return self._llm

    def ask(self, question: str, province: str | None = None, history: list[str] | None = None) -> Answer:
        """Answer one question with citations (or an abstention); `history` = earlier questions."""
        from .pipeline import final_answer

        return final_answer(self._run(question, province, history, stream=False))

    def ask_stream(self, question: str, province: str | None = None,
                   history: list[str] | None = None) -> Iterator[str | Answer]:
        """Like `ask`, streamed: yields text deltas (str), then exactly one final `Answer`.

        The deltas always join to `Answer.answer` ("".join(deltas) == answer.answer), so a front end
        can append them as they come and then add the citations and `answer.warnings` from the
        Answer. With an LLM the deltas are its tokens, released only once verified (nothing before
        the first valid citation); the extractive answer, and any fallback to it, comes word by word.
        `history` = earlier questions of the conversation, oldest first (the stand-alone form the
        previous Answers report in `.standalone_question` works best). Raises ValueError for an
        empty or too long question (QuestionError) or an invalid ASSISTANT_LLM; endpoint failures
        become warnings, not errors.
        """
        yield from self._run(question, province, history, stream=True)

    def _run(self, question: str, province: str | None, history: list[str] | None, stream: bool):
        from .pipeline import Turn

        question = self.checked_question(question)
        _ = self.llm  # an invalid ASSISTANT_LLM is an error before anything streams
        return self.pipeline.stream(Turn(question, province, list(history or []), stream=stream))

    def overview(self) -> Overview:
        """Counts, date range and provinces of the index (from the read side)."""
        return self.index.overview()

    def status(self) -> dict:
        """Articles, passages, embedding model and index location."""
        # nothing indexed yet: say so without creating an empty store on the way
        store = self.store() if self.backend.built() else None
        return {
            "articles": len(store.article_records()) if store else 0,
            "chunks": store.count() if store else 0,
            "embedding_model": (store.recorded_model() if store else "") or self.settings.embeddings,
            "configured_embedding_model": self.settings.embeddings,
            "index_path": self.backend.location,
            "corpus_path": str(self.settings.corpus_dir.resolve()),
        }


def _import_pipeline() -> None:
    try:
        import_module(".pipeline", __package__)
    except Exception:  # reported where the pipeline is built, in the asking thread
        pass
