"""Lexical keys: the terms questions and passages are matched on, and BM25 over them."""

import pytest

from assistant.lexical import BM25, key_version, terms, words


@pytest.mark.parametrize(
    "text, folded, expected",
    [
        # one tone-mark convention in the exact key space; counts without leading zeros
        ("hoá chất ký lần 02", False, ["hóa", "chất", "ký", "lần", "2"]),
        ("hoá chất ký lần 02", True, ["hoa", "chat", "ky", "lan", "2"]),
        # every alias of a province becomes the same single term
        ("TP.HCM và Sài Gòn", True, ["provtphcm", "va", "provtphcm"]),
    ],
)
def test_words(text, folded, expected):
    assert words(text, folded) == expected


def test_query_terms_drop_stop_words_but_keep_them_inside_bigrams():
    assert terms("vốn đầu tư là gì", folded=False, query=True) == ["vốn", "đầu", "tư", "vốn đầu", "đầu tư", "tư là"]
    # accent-free, "dau" and "tu" are also the stop words "đâu" and "từ": the bigram is kept
    assert terms("von dau tu la gi", folded=True, query=True) == ["von", "von dau", "dau tu", "tu la", "la gi"]


def test_a_count_written_with_a_leading_zero_matches_one_without():
    bm25 = BM25([terms("TP.HCM và 09 tỉnh đã ký kết", folded=False), terms("Các tỉnh ký kết", folded=False)])
    scores = bm25.scores(terms("9 tỉnh ký kết", folded=False, query=True))
    assert scores[0] > scores[1], scores


def test_key_version_changes_with_the_ablation_switches():
    from assistant.tuning import LexicalKeys

    default = key_version()
    assert key_version(LexicalKeys()) == default
    assert key_version(LexicalKeys(bigrams=False)) != default, "saved indexes built with bigrams must not be reused without them"
    assert key_version(LexicalKeys(segmenter="underthesea")) != default
    assert terms("ký kết", folded=True, keys=LexicalKeys(bigrams=False)) == ["ky", "ket"]
    assert terms("ký kết", folded=True) == ["ky", "ket", "ky ket"]


def test_folded_words_strip_leading_zeros_of_numbers():
    assert words("09 tỉnh, 05 địa phương, 0 và 2003", folded=True) == ["9", "tinh", "5", "dia", "phuong", "0", "va", "2003"]


def test_a_province_glued_to_the_word_before_is_still_found():
    assert words("TP.HCM - tỉnhHà Tĩnh:", folded=True) == ["provtphcm", "tinh", "provhatinh"]


def test_folded_words_are_the_same_for_accented_unaccented_and_nfd_text():
    import unicodedata

    expected = ["provnghean", "ky", "ket", "nam", "2003"]
    assert words("Nghệ An ký kết năm 2003", folded=True) == expected
    assert words("nghe an KY KET nam 2003", folded=True) == expected
    assert words(unicodedata.normalize("NFD", "Nghệ An ký kết năm 2003"), folded=True) == expected
