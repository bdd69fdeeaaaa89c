"""The question pipeline: one Question per question, steps added in one place, the design example runs."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def _design_example() -> str:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- reranker example -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/design.md has the reranker example"
    return match.group(1)


def test_the_reranker_example_of_the_design_doc_runs_as_a_pipeline_step(built):
    from assistant.chain import Assistant

    code = _design_example()
    assert len(code.strip().splitlines()) <= 11, "the example stays about ten lines"
    assistant = Assistant(built.settings, embeddings=built.embeddings)
    namespace = {"assistant": assistant}
    exec(compile(code, "docs/design.md", "exec"), namespace)
    names = [step.name for step in assistant.pipeline.steps]
    assert names == ["analyse", "retrieve", "provinces_first", "answer", "verify"], names
    answer = namespace["answer"]
    assert "2003" in answer.answer and not answer.abstained, answer.answer
    # the step ran on the hits the answerer read: the cited passage is about Nghệ An
    assert "Nghệ An" in assistant.index.provinces_of(answer.citations[0].hit.id)


def test_a_step_reorders_what_the_answerer_reads(built):
    from langchain_core.runnables import RunnableLambda

    from assistant.chain import Assistant

    seen = []

    def reverse(turn):
        seen.append([h.id for h in turn.hits])
        turn.hits = turn.hits[::-1]
        return turn

    assistant = Assistant(built.settings, embeddings=built.embeddings)
    plain = [h.id for h in assistant.search(QUESTION)]
    assistant.add_step(RunnableLambda(reverse, name="reverse"))
    answer = assistant.ask(QUESTION)
    assert seen == [plain], "the step sees the retrieved hits in their fused order"
    assert [h.id for h in answer.nearest] in ([], plain[::-1]), "the answerer read the reordered hits"


def test_a_question_is_analysed_once_on_its_way_through(built, monkeypatch):
    from assistant import pipeline, questions

    calls = {"analyse": 0, "types": 0}
    analyse, types = questions.analyse_question, questions.question_types

    def counted_analyse(*args, **kwargs):
        calls["analyse"] += 1
        return analyse(*args, **kwargs)

    def counted_types(*args, **kwargs):
        calls["types"] += 1
        return types(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse_question", counted_analyse)
    monkeypatch.setattr(questions, "question_types", counted_types)
    for question in (QUESTION, "nghe an ky ket voi tphcm nam nao", "When did Nghe An sign with HCMC?"):
        calls.update(analyse=0, types=0)
        built.ask(question)
        assert calls == {"analyse": 1, "types": 1}, (question, calls)


def test_tuning_configs_live_side_by_side(built):
    from assistant.chain import Assistant
    from assistant.tuning import DEFAULT_TUNING

    question = "Hà Tĩnh ký kết hợp tác với TP.HCM năm nào?"
    strict = Assistant(built.settings.with_(tuning=DEFAULT_TUNING.with_(answer_threshold=1.0)),
                       embeddings=built.embeddings)
    assert strict.ask(question).abstained, "no probability reaches 1"
    assert not built.ask(question).abstained, "the default config in the same process is unchanged"
    rules = Assistant(built.settings.with_(tuning=DEFAULT_TUNING.with_(answerability="rules", min_coverage={"vi": 1.01})),
                      embeddings=built.embeddings)
    assert rules.ask(question).abstained, "the fixed-threshold rule: nothing covers more than all of a question"
    assert DEFAULT_TUNING.per_kind("min_coverage", "vi") == 0.40 and DEFAULT_TUNING.answer_threshold is None


def test_tuning_is_chosen_by_name_and_an_unknown_name_is_a_clear_error():
    from assistant.errors import UserError
    from assistant.settings import Settings
    from assistant.tuning import DEFAULT_TUNING, RULES_TUNING

    assert Settings.from_env(environ={}).tuning == DEFAULT_TUNING
    assert Settings.from_env(environ={"ASSISTANT_TUNING": "rules"}).tuning == RULES_TUNING
    assert Settings.from_env(environ={"ASSISTANT_TUNING": "descriptive"}).tuning == DEFAULT_TUNING, "the former name"
    with pytest.raises(UserError, match="ASSISTANT_TUNING='fast' is not one of default, rules, descriptive"):
        Settings.from_env(environ={"ASSISTANT_TUNING": "fast"})
