"""The one question pipeline, as langchain-core runnables:

    analyse  ->  retrieve  ->  [added steps]  ->  answer  ->  verify
    (Turn)       (Turn)        (Turn -> Turn)     (stream)    (text deltas, then one Answer)

- analyse: a follow-up becomes a stand-alone question (by the LLM when one is configured, else
  by rule), then `questions.analyse_question` works it out once;
- retrieve: `lc.HybridRetriever`, the same BaseRetriever `Assistant.as_retriever()` gives;
- added steps: any runnable from Turn to Turn (a reranker, a filter), in the order given;
- answer: the extractive answer, or the LLM's draft as it streams;
- verify: the LLM's draft through `llm.CitationVerifier` (markers checked, nothing released before
  the first valid citation, the extractive answer when none is left or the endpoint fails), and
  the extractive answer released word by word.

`build_pipeline` is called once per `Assistant`; the CLI, the UI, `chat` and the LLM path all
stream through it. Its output is text deltas (str) and, last, exactly one `answer.Answer`; the
deltas join to `Answer.answer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda

from .answer import Answer, Citation, extract_answer
from .backend import ReadIndex
from .followup import condense_followup
from .lc import HybridRetriever, document_to_hit
from .provinces import find_provinces
from .questions import Question, analyse_question
from .store import Hit

if TYPE_CHECKING:
    from .chain import Assistant


@dataclass
class Turn:
    """One question on its way through the pipeline; each step fills in its part."""

    asked: str  # as the user typed it
    province: str | None = None  # answer only from passages about this province
    history: list[str] = field(default_factory=list)  # earlier questions, oldest first
    index: ReadIndex | None = None  # the read side this turn uses from start to end
    standalone: str = ""  # the question searched (a follow-up rewritten)
    question: Question | None = None
    hits: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    llm_failure: str | None = None  # the endpoint failed: answer extractively, say why
    answer: Answer | None = None  # set by the answer step when it answers without a draft
    stream: bool = True  # False: the LLM is asked for its whole answer at once (no token stream)


def word_deltas(text: str) -> Iterator[str]:
    """A finished text as stream deltas (word by word); they join back to the text."""
    yield from re.findall(r"\s*\S+|\s+\Z", text)


def final_answer(items: Iterator[str | Answer]) -> Answer:
    """The Answer at the end of an answer stream (the deltas are dropped)."""
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise RuntimeError("the answer stream ended without an Answer")
    return answer


def build_pipeline(assistant: "Assistant", steps: list[Runnable] | None = None) -> Runnable:
    """analyse | retrieve | *steps | answer | verify, bound to one assistant (its index, settings, LLM)."""
    settings = assistant.settings
    tuning = settings.tuning
    retriever = HybridRetriever(read_index=lambda: assistant.index, k=settings.top_k, tuning=tuning)

    def analyse(turn: Turn) -> Turn:
        turn.index = turn.index or assistant.index
        turn.standalone = turn.asked
        counts = turn.index.province_counts
        if turn.history:
            llm = assistant.llm
            if llm is not None:
                turn.standalone, turn.llm_failure = llm.condense(turn.asked, turn.history, counts)
            else:
                turn.standalone = condense_followup(turn.asked, turn.history, counts)
        if turn.province and turn.province not in find_provinces(turn.standalone):
            # a question asked with a province filter is a question about that province
            turn.standalone = f"{turn.standalone.rstrip(' ?')} ({turn.province})?"
        turn.question = analyse_question(turn.standalone, tuning)
        return turn

    def retrieve(turn: Turn) -> Turn:
        documents = retriever.invoke(turn.question, index=turn.index, province=turn.province)
        turn.hits = [document_to_hit(d) for d in documents]
        return turn

    def extractive(turn: Turn) -> Answer:
        return extract_answer(turn.question, turn.hits, turn.index, tuning)

    def answer(turns: Iterator[Turn]) -> Iterator[Any]:
        # the turn goes first, then (with an LLM) the draft as it streams
        for turn in turns:
            yield turn
            llm = assistant.llm
            if llm is None or not turn.hits or turn.llm_failure:
                turn.answer = extractive(turn)
                if turn.llm_failure:
                    turn.warnings.append(f"{turn.llm_failure}; showing the extractive answer")
                continue
            try:
                yield from llm.draft(turn.standalone, turn.hits, turn.question.lang, turn.stream)
            except Exception as exc:  # unreachable, timed out, server error: never crash the question
                from .llm import describe_failure

                turn.llm_failure = describe_failure(exc, settings)

    def verify(items: Iterator[Any]) -> Iterator[str | Answer]:
        turn: Turn | None = None
        verifier = None
        released = ""
        for item in items:
            if isinstance(item, Turn):
                turn = item
                continue
            if verifier is None:
                from .llm import CitationVerifier

                verifier = CitationVerifier([h.passage.text for h in turn.hits])
            delta = verifier.feed(item)
            if delta:
                released += delta
                yield delta
        if turn is None:
            return
        if turn.answer is None:
            turn.answer = yield from _verified(turn, verifier, released, extractive)
        else:
            yield from word_deltas(turn.answer.answer)
        final = turn.answer
        final.warnings.extend(w for w in turn.warnings if w not in final.warnings)
        final.question = turn.asked
        final.standalone_question = turn.standalone
        yield final

    chain: Runnable = RunnableLambda(analyse, name="analyse") | RunnableLambda(retrieve, name="retrieve")
    for step in steps or []:
        chain = chain | step
    return chain | RunnableGenerator(answer, name="answer") | RunnableGenerator(verify, name="verify")


def _verified(turn: Turn, verifier, released: str, extractive) -> Iterator[str]:
    """Finish an LLM draft: the verified answer, or the extractive one (returned) with the reason."""
    from .llm import CitationVerifier, add_highlights, looks_not_found

    if turn.llm_failure and not released:
        fallback = extractive(turn)
        if turn.llm_failure:
            turn.warnings.append(f"{turn.llm_failure}; showing the extractive answer")
        yield from word_deltas(fallback.answer)
        return fallback
    verifier = verifier or CitationVerifier([h.passage.text for h in turn.hits])  # the model sent nothing
    tail = verifier.finish()
    if not verifier.has_citation:
        fallback = extractive(turn)
        model_found_nothing = looks_not_found(verifier.draft())
        if not (fallback.abstained and model_found_nothing):
            turn.warnings.append(
                "the language model found no answer in the passages; showing the extractive answer"
                if model_found_nothing else
                "the language model's answer cited none of the retrieved passages; showing the extractive answer"
            )
        yield from word_deltas(fallback.answer)
        return fallback
    if tail:
        yield tail
    if turn.llm_failure:
        turn.warnings.append(f"{turn.llm_failure}; the answer may be incomplete")
    stripped = sorted({w for w in verifier.removed if w in ("image", "link")})
    if stripped:
        turn.warnings.append(f"removed from the model's answer: {', '.join(stripped)} not found in the cited articles")
    citations = [Citation(n, turn.hits[i]) for n, i in enumerate(verifier.cited, 1)]
    add_highlights(released + tail, citations)
    return Answer(turn.asked, released + tail, False, citations, lang=turn.question.lang, quoted=False)
