"""Hybrid retrieval: question analysis and the ordering of what the answerer reads."""

from assistant.chunking import Passage
from assistant.retrieval import _prefer_answer_type, analyse_question
from assistant.store import Hit


def _hit(text: str) -> Hit:
    p = Passage("a.txt", "Title", "", text, 0, len(text))
    return Hit(p.id, p, 0.8)


def test_among_the_top_three_a_passage_holding_the_asked_year_comes_first():
    hits = [_hit("Lễ ký kết có lãnh đạo hai tỉnh."), _hit("Quy chế phối hợp ký năm 2016."),
            _hit("Hai bên thống nhất phân vai."), _hit("Cảng khởi công năm 2021.")]
    ordered = _prefer_answer_type(hits, "Hai bên ký quy chế phối hợp từ năm nào?")
    texts = [h.passage.text for h in ordered]
    assert texts == ["Quy chế phối hợp ký năm 2016.", "Lễ ký kết có lãnh đạo hai tỉnh.",
                     "Hai bên thống nhất phân vai.", "Cảng khởi công năm 2021."], (
        "the year-holding passage moves up within the top three only; the fourth stays fourth")


def test_questions_without_such_a_type_keep_the_fused_order():
    hits = [_hit("Lễ ký kết có lãnh đạo hai tỉnh."), _hit("Quy chế phối hợp ký năm 2016.")]
    assert _prefer_answer_type(hits, "Hai bên hợp tác về lĩnh vực gì?") == hits


def test_analyse_question_tells_the_three_kinds_and_spells_out_shorthand():
    assert analyse_question("Nghệ An ký kết năm nào?").kind == "vi"
    assert analyse_question("When did Nghe An sign?").kind == "en"
    info = analyse_question("nghe an dc ho tro CNTT gi")
    assert info.kind == "vi-noaccent"
    assert info.text == "nghe an được ho tro CNTT gi"
    assert info.acronyms == [("CNTT", "công nghệ thông tin")]
    assert info.provinces == ["Nghệ An"]
