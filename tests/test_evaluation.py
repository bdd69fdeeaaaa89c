"""The evaluation harness behind `assistant eval`: question-set loading and the figures it reports."""

import json

import pytest

from assistant.evaluation import QAItem, Report, evaluate_assistant, load_qa

from conftest import run_cli


def _write(tmp_path, rows):
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_load_qa_reads_the_issue_format(tmp_path):
    path = _write(tmp_path, [
        {"question": "Nghệ An ký kết năm nào?", "lang": "vi", "gold": ["Nghệ An – năm 2003"], "facts": ["2003"]},
        {"question": "Giá vàng hôm nay?", "lang": "vi", "scope": "out"},
    ])
    assert load_qa(path) == [
        QAItem("Nghệ An ký kết năm nào?", "vi", "in", ["Nghệ An – năm 2003"], ["2003"]),
        QAItem("Giá vàng hôm nay?", "vi", "out", [], []),
    ]


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"question": "q", "lang": "vi_noaccent", "gold_passage": "abc", "key_fact": "9"},
         QAItem("q", "vi-noaccent", "in", ["abc"], ["9"])),
        ({"question": "q", "lang": "en-US", "passages": ["a", "b"], "answer_contains": ["x"]},
         QAItem("q", "en", "in", ["a", "b"], ["x"])),
        ({"question": "q", "lang": "vi", "out_of_scope": True}, QAItem("q", "vi", "out", [], [])),
        ({"question": "q", "lang": "vi", "answerable": False}, QAItem("q", "vi", "out", [], [])),
        # no language tag: told from the question
        ({"question": "Nghe An ky ket nam nao", "gold": "x"}, QAItem("Nghe An ky ket nam nao", "vi-noaccent", "in", ["x"], [])),
        ({"question": "When did Nghe An sign?", "gold": "x"}, QAItem("When did Nghe An sign?", "en", "in", ["x"], [])),
    ],
)
def test_load_qa_accepts_the_field_spellings_question_sets_use(tmp_path, row, expected):
    assert load_qa(_write(tmp_path, [row])) == [expected]


@pytest.mark.parametrize("bad, message", [("{not json", "qa.jsonl:2: not valid JSON"),
                                          ('{"lang": "vi"}', 'qa.jsonl:2: no "question" field'),
                                          ("[1, 2]", 'qa.jsonl:2: no "question" field')])
def test_load_qa_names_the_bad_line(tmp_path, bad, message):
    path = _write(tmp_path, [{"question": "q"}, bad])
    with pytest.raises(ValueError, match=message):
        load_qa(path)


ITEMS = [
    QAItem("Nghệ An ký kết hợp tác với TP.HCM từ năm nào?", "vi", "in", ["như tỉnh Nghệ An – năm 2003"], ["2003"]),
    QAItem("Lâm Đồng và TP.HCM cam kết xây bao nhiêu vườn ươm hoa?", "vi", "in", ["37 vườn ươm"], ["37"]),
    QAItem("Giá vàng hôm nay bao nhiêu?", "vi", "out"),
]


def test_figures_count_ranks_facts_and_abstentions(built):
    result = evaluate_assistant(built, ITEMS)
    assert result.ranks[:2] == [1, 1], result.ranks
    assert result.fact_ok == [True, True, False], "an abstention never has the facts"
    assert result.abstained == [False, False, True]
    figures = Report(ITEMS, result, None).figures(result)["vi"]
    assert (figures["questions"], figures["hit@1"], figures["mrr@5"], figures["facts"]) == (2, 1.0, 1.0, 1.0)
    assert (figures["out_of_scope"], figures["abstained_out"], figures["false_abstentions"]) == (1, 1, 0)


def test_a_gold_the_articles_lack_has_no_rank(built):
    item = QAItem("Nghệ An ký kết năm nào?", "vi", "in", ["một câu không có trong bài"], ["2003"])
    assert evaluate_assistant(built, [item]).ranks == [None]


def test_eval_command_prints_json_figures(built, tmp_path):
    path = _write(tmp_path, [{"question": i.question, "lang": i.lang, "scope": i.scope, "gold": i.gold,
                              "facts": i.facts} for i in ITEMS])
    s = built.settings
    out = run_cli("eval", "--qa", str(path), "--no-baseline", "--json", "--corpus", str(s.corpus_dir),
                  "--index", str(s.index_dir))
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["baseline"] is None
    assert figures["ours"]["vi"]["mrr@5"] == 1.0 and figures["ours"]["vi"]["abstained_out"] == 1


def test_eval_command_reports_a_bad_question_set_plainly(built, tmp_path):
    path = _write(tmp_path, ["{not json"])
    s = built.settings
    out = run_cli("eval", "--qa", str(path), "--no-baseline", "--corpus", str(s.corpus_dir), "--index", str(s.index_dir))
    assert out.returncode != 0
    assert "qa.jsonl:1: not valid JSON" in out.stderr and "Traceback" not in out.stderr, out.stderr
