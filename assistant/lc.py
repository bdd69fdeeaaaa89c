"""LangChain surfaces: the hybrid retrieval as a `BaseRetriever`, our embeddings as `Embeddings`.

Kept apart because langchain-core's retriever, runnable and embeddings modules take ~0.4 s to
import (they pull in its callbacks, tracers and langsmith): a cold `assistant ask` needs none
of them, so they load only when a LangChain surface is asked for (`Assistant.retriever()`,
`Assistant.chain()`, or importing this module).
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from .embeddings import ArrayEmbeddings
from .retrieval import PassageIndex
from .store import Hit

# ArrayEmbeddings implements LangChain's Embeddings interface itself; registered here it also
# passes isinstance checks, without langchain-core's import on the embeddings' own path.
Embeddings.register(ArrayEmbeddings)


class HybridRetriever(BaseRetriever):
    """LangChain retriever over a PassageIndex; documents carry the passage metadata and score."""

    index: PassageIndex
    k: int = 5
    province: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.index.search(query, k=self.k, province=self.province)
        return [hit_to_document(h) for h in hits]


def hit_to_document(hit: Hit) -> Document:
    """A search hit as a LangChain Document."""
    return Document(
        page_content=hit.passage.text,
        id=hit.id,
        metadata={**hit.passage.metadata(), "id": hit.id, "score": hit.score},
    )
