"""The question-answering chain and the `Assistant` facade over it.

question -> analyse (language, provinces, expansion) -> hybrid retrieval -> extractive answer.
The two steps are plain functions (`_retrieve`, `_answer`); `Assistant.ask` calls them, and
`Assistant.chain()` composes the same two as langchain-core runnables for LangChain users,
importing langchain-core's runnable machinery (~0.4 s) only then, not on a cold question.
The CLI and the UI both talk to `Assistant`; nothing here prints or imports a UI.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from . import lexical
from .answer import Answer, extract_answer
from .embeddings import ArrayEmbeddings, get_embeddings
from .followup import condense_followup
from .indexer import IndexSummary, ProgressFn, index_corpus, open_store
from .lexical import BM25
from .questions import checked_question
from .retrieval import PassageIndex, analyse_question
from .settings import Settings
from .store import Hit

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from .lc import HybridRetriever


@dataclass
class Overview:
    """What the index covers, for a first screen: counts, date range, provinces most written about."""

    articles: int
    passages: int
    first_date: str = ""  # ISO dates of the oldest and newest dated article ('' when none is dated)
    last_date: str = ""
    provinces: list[tuple[str, int]] = field(default_factory=list)  # (name, passages), most first


class Assistant:
    """Everything a front end needs: index status, search, ask, reindex. Loads models once."""

    def __init__(self, settings: Settings, embeddings: ArrayEmbeddings | None = None,
                 notify: Callable[[str], None] | None = None):
        self.settings = settings
        self._embeddings = embeddings
        self._notify = notify  # hears about a first engine build or a fallback engine
        self._index: PassageIndex | None = None
        self._generation_seen: str | None = None  # store.index_stamp of the loaded read side
        self._stamp_cache: tuple[float, str] | None = None
        self._lock = threading.RLock()
        self._llm = None  # llm.LLMAnswerer, built on first use when ASSISTANT_LLM is set

    @property
    def embeddings(self) -> ArrayEmbeddings:
        """The configured embedding backend (loaded on first use)."""
        if self._embeddings is None:
            self._embeddings = get_embeddings(self.settings, self._notify)
        return self._embeddings

    # -- index -----------------------------------------------------------------------------

    def store(self):
        """The live passage store."""
        return open_store(self.settings)

    def index_is_empty(self) -> bool:
        """True when there is no index yet or it holds no passages."""
        from .store import index_built

        if not index_built(self.settings.index_dir, self.settings.chroma_url):
            return True
        if not self.settings.chroma_url:
            # load the read side now (from the saved snapshot when current): it is needed next
            # anyway, and loading it once is the whole cost of a cold question
            return len(self.index) == 0
        return self.store().count() == 0

    def needs_build(self) -> bool:
        """Whether the index is missing or empty; ValueError when there is no corpus folder to build it from."""
        if not self.index_is_empty():
            return False
        if not self.settings.corpus_dir.is_dir():
            raise ValueError(f"corpus folder {self.settings.corpus_dir} does not exist (set --corpus or ASSISTANT_CORPUS_DIR)")
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
    def index(self) -> PassageIndex:
        """The in-memory read side of the index: loaded once, reloaded after a reindex here or
        when another process (`assistant watch`, `assistant index`) changed the live index."""
        with self._lock:
            stamp = self._index_stamp()
            if self._index is None or stamp != self._generation_seen:
                self._index = self._load_read_side(stamp)
                self._generation_seen = stamp
            return self._index

    def _load_read_side(self, stamp: str) -> PassageIndex:
        """The read side from the saved snapshot when it is current, else from Chroma (then saved)."""
        from .store import load_read_snapshot, model_mismatch

        model = self.embeddings.model_id
        if self.settings.chroma_url:
            return PassageIndex.from_store(self.store(), self.embeddings)
        snapshot = load_read_snapshot(self.settings.index_dir, stamp, lexical.key_version())
        if snapshot is not None:
            self._warn_if_damaged()
            if snapshot.model and snapshot.model != model and snapshot.ids:
                raise model_mismatch(str(self.settings.index_dir), snapshot.model, model)
            saved = None
            if {"exact", "folded"} <= set(snapshot.lexical):
                n = len(snapshot.ids)
                saved = tuple(BM25.from_arrays(*snapshot.lexical[space], n) for space in ("exact", "folded"))
            index = PassageIndex(snapshot.ids, snapshot.passages, snapshot.vectors, self.embeddings, saved)
            if saved is None:  # saved by an older version: add the built lexical indexes
                self._save_read_side(stamp, snapshot.model or model, index)
            return index
        store = self.store()
        index = PassageIndex.from_store(store, self.embeddings)
        if stamp and self._index_stamp() == stamp:  # nothing was written while we read
            self._save_read_side(stamp, store.recorded_model() or model, index)
        return index

    def _warn_if_damaged(self) -> None:
        """Answers can still come from an intact saved read side; say that the store is not."""
        from .store import damaged_message, quick_problem

        problem = quick_problem(self.settings.index_dir)
        if problem and self._notify:
            self._notify("warning: " + damaged_message(self.settings.index_dir, problem)
                         + "; until then answers come from the copy saved at its last update")

    def _save_read_side(self, stamp: str, model: str, index: PassageIndex) -> None:
        from .store import ReadSnapshot, save_read_snapshot

        arrays = {"exact": index.bm25_exact.to_arrays(), "folded": index.bm25_folded.to_arrays()}
        save_read_snapshot(
            self.settings.index_dir,
            ReadSnapshot(stamp, model, index.ids, index.passages, index.vectors, arrays, lexical.key_version()),
        )

    def _index_stamp(self) -> str:
        """The writers' change stamp (two tiny file reads; on a Chroma server, checked every 5 s)."""
        from .store import index_stamp

        if not self.settings.chroma_url:
            return index_stamp(self.settings.index_dir)
        now = time.monotonic()
        if self._stamp_cache is None or now - self._stamp_cache[0] > 5.0:
            self._stamp_cache = (now, index_stamp(self.settings.index_dir, self.settings.chroma_url))
        return self._stamp_cache[1]

    def reload(self) -> None:
        """Forget the loaded read side so the next question sees the current index."""
        with self._lock:
            self._index = None

    # -- questions -------------------------------------------------------------------------

    def retriever(self, k: int | None = None, province: str | None = None) -> "HybridRetriever":
        """The hybrid retriever as a LangChain BaseRetriever."""
        from .lc import HybridRetriever

        return HybridRetriever(index=self.index, k=k or self.settings.top_k, province=province)

    def search(self, query: str, k: int | None = None, province: str | None = None) -> list[Hit]:
        """Top passages for a query."""
        return self.index.search(self.checked_question(query), k=k or self.settings.top_k, province=province)

    def checked_question(self, question: str | None) -> str:
        """The question without surrounding space; QuestionError when empty or over the limit."""
        return checked_question(question, self.settings.max_question_chars)

    def chain(self, province: str | None = None) -> "Runnable":
        """question -> Answer, as a langchain-core runnable (the same steps `ask` runs)."""
        from langchain_core.runnables import RunnableLambda

        from . import lc  # noqa: F401  (our embeddings count as LangChain Embeddings from here on)

        index, k = self.index, self.settings.top_k
        return (RunnableLambda(lambda question: _retrieve(index, question, k, province), name="retrieve")
                | RunnableLambda(lambda state: _answer(index, state), name="extract_answer"))

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
        question = self.checked_question(question)
        if self.llm is not None:
            from .llm import final_answer

            return final_answer(self.llm.ask(self.index, question, province, history, self.settings.top_k, stream=False))
        standalone = condense_followup(question, history) if history else question
        index = self.index
        answer = _answer(index, _retrieve(index, standalone, self.settings.top_k, province))
        answer.question = question
        answer.standalone_question = standalone
        return answer

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
        question = self.checked_question(question)
        if self.llm is not None:
            yield from self.llm.ask(self.index, question, province, history, self.settings.top_k, stream=True)
            return
        from .llm import word_deltas

        answer = self.ask(question, province, history)
        yield from word_deltas(answer.answer)
        yield answer

    def overview(self) -> Overview:
        """Counts, date range and provinces of the loaded read side (no Chroma round trip)."""
        index = self.index
        dates = sorted({p.date for p in index.passages if p.date})
        provinces = sorted(index.province_counts.items(), key=lambda item: (-item[1], item[0]))
        return Overview(
            articles=len({p.article for p in index.passages}),
            passages=len(index.passages),
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
            provinces=provinces,
        )

    def status(self) -> dict:
        """Articles, passages, embedding model and index location."""
        from .store import index_built

        # nothing indexed yet: say so without creating an empty store on the way
        store = self.store() if index_built(self.settings.index_dir, self.settings.chroma_url) else None
        return {
            "articles": len(store.article_records()) if store else 0,
            "chunks": store.count() if store else 0,
            "embedding_model": (store.recorded_model() if store else "") or self.settings.embeddings,
            "configured_embedding_model": self.settings.embeddings,
            "index_path": store.location if self.settings.chroma_url else str(self.settings.index_dir.resolve()),
            "corpus_path": str(self.settings.corpus_dir.resolve()),
        }


def _retrieve(index: PassageIndex, question: str, k: int, province: str | None) -> dict:
    """Step 1: analyse the question and find its top-k passages."""
    info = analyse_question(question)
    return {"question": question, "info": info, "hits": index.search(question, k=k, province=province, info=info)}


def _answer(index: PassageIndex, state: dict) -> Answer:
    """Step 2: the extractive answer from the retrieved passages."""
    return extract_answer(state["question"], state["info"], state["hits"], index)
