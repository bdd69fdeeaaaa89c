"""LangChain surfaces: the hybrid retrieval as a `BaseRetriever`, our embeddings as `Embeddings`.

`HybridRetriever` is the retrieval step of the assistant's own pipeline (pipeline.py) and what
`Assistant.as_retriever()` hands to LangChain users. It takes a question as text (or an
analysed `questions.Question`) and returns `Document`s carrying the passage metadata, its id and
its cosine similarity; `document_to_hit` turns one back into a `store.Hit`.
"""

from __future__ import annotations

from typing import Any, Callable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from .backend import ReadIndex
from .chunking import Passage
from .embeddings import ArrayEmbeddings
from .questions import Question, analyse_question
from .retrieval import search
from .store import Hit
from .tuning import DEFAULT_TUNING, Tuning

# ArrayEmbeddings implements LangChain's Embeddings interface itself; registered here it also
# passes isinstance checks, without langchain-core's import on the embeddings' own path.
Embeddings.register(ArrayEmbeddings)


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval fused by rank, province-aware, over the live read side of the index."""

    read_index: Callable[[], ReadIndex]  # the current read side (it is reloaded after a reindex)
    k: int = 5
    province: str | None = None
    tuning: Tuning = DEFAULT_TUNING

    def _get_relevant_documents(self, query: str | Question, *, run_manager: CallbackManagerForRetrieverRun,
                                **options: Any) -> list[Document]:
        """`options` may set k, province and the index for one call (the pipeline passes them)."""
        question = query if isinstance(query, Question) else analyse_question(query, self.tuning)
        index = options.get("index") or self.read_index()
        hits = search(index, question, k=options.get("k") or self.k,
                      province=options.get("province", self.province), tuning=self.tuning)
        return [hit_to_document(h) for h in hits]


def hit_to_document(hit: Hit) -> Document:
    """A search hit as a LangChain Document."""
    return Document(
        page_content=hit.passage.text,
        id=hit.id,
        metadata={**hit.passage.metadata(), "id": hit.id, "score": hit.score},
    )


def document_to_hit(document: Document) -> Hit:
    """The search hit a Document was made from."""
    meta = document.metadata
    return Hit(meta["id"], Passage.from_metadata(document.page_content, meta), float(meta["score"]))
