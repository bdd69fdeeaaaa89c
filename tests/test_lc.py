"""Tests for assistant.lc and the pipeline: the LangChain surfaces (retriever, the question pipeline,
Embeddings)."""

import asyncio

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

import assistant.lc  # noqa: F401  (registers our embeddings as LangChain Embeddings)

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
SEED = "tphcm-hop-tac-bac-trung-bo.txt"


def test_the_retriever_works_inside_a_users_langchain_chain(built):
    retriever = built.as_retriever(k=3)
    assert isinstance(retriever, BaseRetriever)
    articles = (retriever | RunnableLambda(lambda docs: [d.metadata["article"] for d in docs])).invoke(QUESTION)
    assert len(articles) == 3 and articles[0] == SEED, articles
    docs = retriever.invoke(QUESTION)
    assert all(isinstance(d, Document) for d in docs)
    text = (built.settings.corpus_dir / SEED).read_text(encoding="utf-8")
    top = docs[0]
    assert top.page_content == text[top.metadata["start"]:top.metadata["end"]], "documents are verbatim passages"
    assert "Nghệ An – năm 2003" in top.page_content


def test_a_users_rag_chain_gets_the_passages_the_assistant_cites(built):
    # a fake chat model stands in for the user's LLM, which cannot run here: it repeats its prompt
    from langchain_core.language_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnablePassthrough

    prompt = ChatPromptTemplate.from_messages([("human", "Passages:\n{context}\n\nQuestion: {question}")])
    seen = []

    def remember(messages):
        seen.append(messages.to_messages()[0].content)
        return messages

    model = GenericFakeChatModel(messages=iter([AIMessage(content="2003 [1]")]))
    chain = ({"context": built.as_retriever(k=2) | RunnableLambda(lambda docs: "\n".join(d.page_content for d in docs)),
              "question": RunnablePassthrough()} | prompt | RunnableLambda(remember) | model)
    assert chain.invoke(QUESTION).content == "2003 [1]"
    cited = built.ask(QUESTION).citations[0].hit.passage.text
    assert cited in seen[0], "the user's chain sees the passage the assistant cites"


def test_the_pipeline_is_built_once_and_answers_as_ask_does(built):
    from assistant.answer import Answer
    from assistant.pipeline import Turn

    pipeline = built.pipeline
    assert built.pipeline is pipeline, "one pipeline per assistant, not one per question"
    items = list(pipeline.stream(Turn(QUESTION)))
    answer = items[-1]
    assert isinstance(answer, Answer) and all(isinstance(i, str) for i in items[:-1])
    assert "".join(items[:-1]) == answer.answer
    assert answer.as_dict() == built.ask(QUESTION).as_dict() and "2003" in answer.answer, answer.answer
    names = [step.name for step in pipeline.steps]
    assert names == ["analyse", "retrieve", "answer", "verify"], names


def test_our_embeddings_are_langchain_embeddings_sync_and_async(e5):
    assert isinstance(e5, Embeddings)
    np.testing.assert_allclose(asyncio.run(e5.aembed_query(QUESTION)), e5.embed_query(QUESTION), atol=1e-6)
    docs = asyncio.run(e5.aembed_documents(["Nghệ An", "Hà Tĩnh"]))
    np.testing.assert_allclose(docs, e5.embed_documents(["Nghệ An", "Hà Tĩnh"]), atol=1e-6)
