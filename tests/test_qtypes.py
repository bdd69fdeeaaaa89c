"""What a question asks for, and whether a sentence holds it."""

import pytest

from assistant.qtypes import question_types, satisfies


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Tổng kinh phí của chương trình là bao nhiêu?", {"money", "count"}),
        # the budget is the topic; who is asked for
        ("TP.HCM kêu gọi ai hỗ trợ kinh phí an sinh xã hội?", {"person"}),
        ("How long has the partnership lasted?", {"duration"}),
        ("hop tac bao lau roi", {"duration"}),
    ],
)
def test_question_types(question, expected):
    assert question_types(question) == expected


def test_a_who_question_about_helpers_is_answered_by_groups_but_an_identity_question_needs_a_name():
    groups = "TP.HCM mời gọi các tập đoàn, các doanh nghiệp, các nhà hảo tâm hỗ trợ kinh phí."
    assert satisfies("person", groups, "TP.HCM kêu gọi ai hỗ trợ kinh phí?")
    assert not satisfies("person", groups, "Ai là giám đốc Sở Y tế?")
    assert satisfies("person", "Giám đốc Sở Y tế Nguyễn Văn An cho biết.", "Ai là giám đốc Sở Y tế?")


@pytest.mark.parametrize(
    "kind, text, question, expected",
    [
        ("year", "ký kết lần đầu năm 2003", "năm nào?", True),
        ("year", "ký kết lần đầu", "năm nào?", False),
        ("duration", "đã tròn 20 năm", "bao lâu?", True),
        ("money", "tổng vốn 3.426 tỷ đồng", "bao nhiêu tiền?", True),
        ("money", "3.426 dự án", "bao nhiêu tiền?", False),
        ("percent", "chiếm khoảng 18% GRDP", "bao nhiêu phần trăm?", True),
        # a number the question itself names is not the count it asks for
        ("count", "giai đoạn 2 của dự án", "giai đoạn 2 có bao nhiêu hạng mục?", False),
        ("count", "giai đoạn 2 có 5 hạng mục", "giai đoạn 2 có bao nhiêu hạng mục?", True),
        ("province", "hợp tác với tỉnh Nghệ An", "tỉnh nào?", True),
        ("place", "diễn ra tại TP Buôn Ma Thuột", "ở đâu?", True),
        # naming a province is not saying where something happens
        ("place", "Dự lễ có Phó Chủ tịch UBND TP.HCM Lâm Quốc Bảo", "Lễ ký kết diễn ra ở đâu?", False),
    ],
)
def test_satisfies(kind, text, question, expected):
    assert satisfies(kind, text, question) is expected
