"""Lexical keys: the terms questions and passages are matched on, and BM25 over them."""

import pytest

from assistant.lexical import BM25, terms, words


@pytest.mark.parametrize(
    "text, folded, expected",
    [
        # "lần thứ hai" and "lần 02" are the same second time
        ("ký kết lần 02", False, ["ký", "kết", "lần", "2"]),
        ("ký lại lần thứ hai", False, ["ký", "lại", "lần", "thứ", "2"]),
        ("ky lai lan thu hai", True, ["ky", "lai", "lan", "thu", "2"]),
        # an enumeration opening a sentence
        ("Hai là, ký kết song phương", False, ["2", "là", "ký", "kết", "song", "phương"]),
        # not after an ordinal cue: "hai" is a word like any other; unaccented "thu" is not "thứ"
        ("hai địa phương", False, ["hai", "địa", "phương"]),
        ("mùa thu hai năm", False, ["mùa", "thu", "hai", "năm"]),
        ("Bà là ai", False, ["bà", "là", "ai"]),
    ],
)
def test_number_words_after_ordinal_cues_become_digits(text, folded, expected):
    assert words(text, folded) == expected


def test_a_second_time_written_in_words_matches_one_written_in_digits():
    docs = [terms("Có 05 địa phương đã thực hiện ký kết lần 02.", folded=False),
            terms("Các địa phương ký kết hợp tác về du lịch.", folded=False)]
    bm25 = BM25(docs)
    scores = bm25.scores(terms("Mấy địa phương ký kết lần thứ hai?", folded=False, query=True))
    assert scores[0] > scores[1], scores
