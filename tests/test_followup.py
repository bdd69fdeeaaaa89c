"""Follow-up questions without an LLM: the previous question with the new province in place."""

from assistant.followup import condense_followup

PREVIOUS = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def test_the_most_specific_province_of_the_previous_question_is_the_one_replaced():
    # TP.HCM is what nearly every passage is about; Nghệ An is the subject that changes
    counts = {"TP.HCM": 21, "Nghệ An": 3, "Hà Tĩnh": 2}
    assert condense_followup("Còn Hà Tĩnh thì sao?", [PREVIOUS], counts) == "Hà Tĩnh ký kết hợp tác với TP.HCM từ năm nào?"
    # the same question about a corpus where Nghệ An is the backdrop swaps the other one
    counts = {"TP.HCM": 2, "Nghệ An": 30}
    assert condense_followup("Còn Hà Tĩnh thì sao?", [PREVIOUS], counts) == "Nghệ An ký kết hợp tác với Hà Tĩnh từ năm nào?"


def test_accent_free_follow_ups_and_back_references():
    counts = {"TP.HCM": 21, "Nghệ An": 3}
    assert condense_followup("con ha tinh thi sao", [PREVIOUS], counts) == "Hà Tĩnh ký kết hợp tác với TP.HCM từ năm nào?"
    assert condense_followup("Tỉnh đó có bao nhiêu dự án?", ["Hà Nam có khu công nghệ cao không?"], counts) == (
        "Tỉnh đó có bao nhiêu dự án (Hà Nam)?")


def test_a_question_that_stands_alone_is_kept():
    question = "Quảng Trị ký kết hợp tác với TP.HCM từ năm nào?"
    assert condense_followup(question, [PREVIOUS], {"TP.HCM": 21}) == question
    assert condense_followup(question, [], {}) == question
