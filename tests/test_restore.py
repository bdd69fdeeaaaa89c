"""Diacritic restoration of accent-free questions from the corpus's own vocabulary."""

from assistant.restore import DiacriticRestorer

TEXTS = [
    "TP.HCM và tỉnh Hà Nam ký kết hợp tác năm 2003.",
    "Hà Nam kết nối doanh nghiệp; nội dung hợp tác gồm đầu tư và du lịch.",
    "Năm 2004, các bên ký kết lần 02.",
]


def test_words_take_the_corpus_form_and_pairs_settle_ambiguity():
    restorer = DiacriticRestorer(TEXTS)
    # "nam" stays "nam" after "ha" (the corpus pair "hà nam") but is "năm" before "nao"
    assert restorer.restore("ha nam ky ket nam nao") == "hà nam ký kết năm nào"
    assert restorer.restore("noi dung hop tac gom gi") == "nội dung hợp tác gồm gì"


def test_words_the_corpus_lacks_fall_back_to_common_question_words_or_stay_as_typed():
    restorer = DiacriticRestorer(TEXTS)
    # "nói" and "muốn" are question words the news text lacks; "xyz" is kept as typed
    assert restorer.restore("ong noi gi, muon xyz") == "ong nói gì, muốn xyz"
    assert restorer.restore("hop tac bao lau roi") == "hợp tác bao lâu rồi"


def test_case_of_the_typed_word_is_kept():
    restorer = DiacriticRestorer(TEXTS)
    assert restorer.restore("Ha Nam DAU TU") == "Hà Nam ĐẦU TƯ"
