"""Hybrid retrieval: question analysis and the ordering of what the answerer reads."""

from assistant.chunking import Passage
from assistant.questions import analyse_question
from assistant.retrieval import _prefer_answer_type, dense_question, search
from assistant.store import Hit


def _hit(text: str) -> Hit:
    p = Passage("a.txt", "Title", "", text, 0, len(text))
    return Hit(p.id, p, 0.8)


def test_among_the_top_three_a_passage_holding_the_asked_year_comes_first():
    hits = [_hit("Lễ ký kết có lãnh đạo hai tỉnh."), _hit("Quy chế phối hợp ký năm 2016."),
            _hit("Hai bên thống nhất phân vai."), _hit("Cảng khởi công năm 2021.")]
    ordered = _prefer_answer_type(hits, analyse_question("Hai bên ký quy chế phối hợp từ năm nào?"), 3)
    texts = [h.passage.text for h in ordered]
    assert texts == ["Quy chế phối hợp ký năm 2016.", "Lễ ký kết có lãnh đạo hai tỉnh.",
                     "Hai bên thống nhất phân vai.", "Cảng khởi công năm 2021."], (
        "the year-holding passage moves up within the top three only; the fourth stays fourth")


def test_questions_without_such_a_type_keep_the_fused_order():
    hits = [_hit("Lễ ký kết có lãnh đạo hai tỉnh."), _hit("Quy chế phối hợp ký năm 2016.")]
    assert _prefer_answer_type(hits, analyse_question("Hai bên hợp tác về lĩnh vực gì?"), 3) == hits


def test_analyse_question_tells_the_three_kinds_and_spells_out_shorthand():
    assert analyse_question("Nghệ An ký kết năm nào?").kind == "vi"
    assert analyse_question("When did Nghe An sign?").kind == "en"
    info = analyse_question("nghe an dc ho tro CNTT gi")
    assert info.kind == "vi-noaccent"
    assert info.text == "nghe an được ho tro CNTT gi"
    assert info.acronyms == (("CNTT", "công nghệ thông tin"),)
    assert info.provinces == ("Nghệ An",)
    assert info.folded == "nghe an duoc ho tro cntt gi"


def test_an_english_question_is_embedded_with_the_glossary_equivalents_of_its_terms(e5):
    import numpy as np

    from assistant.embedded import PassageIndex

    texts = ["Cà Mau đặt mục tiêu đến năm 2027 có 150.000 ha nuôi tôm sinh thái.",
             "Đà Nẵng khai mạc lễ hội pháo hoa quốc tế với 8 đội trình diễn."]
    passages = [Passage("a.txt", "Title", "", t, 0, len(t)) for t in texts]
    index = PassageIndex([p.id for p in passages], passages, e5.embed_passages(texts), e5)
    question = "How many hectares of shrimp farming does Ca Mau target?"
    info = dense_question(index, analyse_question(question))
    hits = search(index, analyse_question(question), k=2)
    assert info.dense_text == question + " (ha, nuôi tôm, mục tiêu)", info.dense_text
    assert hits[0].passage.text == texts[0]
    # the Vietnamese words bring the question closer to the Vietnamese passage it is about
    plain = float(index.vectors[0] @ e5.embed_question(question))
    assert hits[0].score > plain, (hits[0].score, plain)
    assert np.isclose(hits[0].score, float(index.vectors[0] @ e5.embed_question(info.dense_text)))
