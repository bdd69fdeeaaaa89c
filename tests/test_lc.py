"""Tests for assistant.lc: the LangChain surfaces (retriever, runnable chain, Embeddings), and
that a plain question never imports langchain-core's heavy modules."""

import asyncio
import subprocess
import sys

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

import assistant.lc  # noqa: F401  (registers our embeddings as LangChain Embeddings)

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
SEED = "tphcm-hop-tac-bac-trung-bo.txt"


def test_the_retriever_works_inside_a_users_langchain_chain(built):
    retriever = built.retriever(k=3)
    assert isinstance(retriever, BaseRetriever)
    articles = (retriever | RunnableLambda(lambda docs: [d.metadata["article"] for d in docs])).invoke(QUESTION)
    assert len(articles) == 3 and articles[0] == SEED, articles
    docs = retriever.invoke(QUESTION)
    assert all(isinstance(d, Document) for d in docs)
    text = (built.settings.corpus_dir / SEED).read_text(encoding="utf-8")
    top = docs[0]
    assert top.page_content == text[top.metadata["start"]:top.metadata["end"]], "documents are verbatim passages"
    assert "Nghệ An – năm 2003" in top.page_content


def test_the_runnable_chain_answers_as_ask_does(built):
    from_chain = built.chain().invoke(QUESTION)
    from_ask = built.ask(QUESTION)
    assert from_chain.answer == from_ask.answer and "2003" in from_ask.answer, from_ask.answer
    assert [c.hit.id for c in from_chain.citations] == [c.hit.id for c in from_ask.citations]


def test_our_embeddings_are_langchain_embeddings_sync_and_async(e5):
    assert isinstance(e5, Embeddings)
    np.testing.assert_allclose(asyncio.run(e5.aembed_query(QUESTION)), e5.embed_query(QUESTION), atol=1e-6)
    docs = asyncio.run(e5.aembed_documents(["Nghệ An", "Hà Tĩnh"]))
    np.testing.assert_allclose(docs, e5.embed_documents(["Nghệ An", "Hà Tĩnh"]), atol=1e-6)


def test_a_question_does_not_import_langchain_core(built):
    # langchain-core's callbacks, tracers and langsmith cost ~0.4 s of a cold `assistant ask`
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.chain import Assistant\n"
        "from assistant.settings import Settings\n"
        f"s = Settings(corpus_dir=Path({str(built.settings.corpus_dir)!r}), index_dir=Path({str(built.settings.index_dir)!r}))\n"
        f"answer = Assistant(s).ask({QUESTION!r})\n"
        "assert '2003' in answer.answer, answer.answer\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('langchain', 'langsmith')))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
