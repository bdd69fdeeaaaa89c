"""Tests for assistant.text: folding, tone-mark normalisation, matching keys, sentence spans."""

import unicodedata

import pytest

from assistant.text import (
    expand_shorthand,
    fold,
    has_diacritics,
    nfc,
    normalize,
    normalize_tone_word,
    split_sentences,
    unglue,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- fold / has_diacritics ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nghệ An", "nghe an"),
        ("Đà Nẵng", "da nang"),
        ("ĐỒNG THÁP", "dong thap"),
        ("đường Điện Biên Phủ", "duong dien bien phu"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("TP.HCM 2003", "tp.hcm 2003"),
        ("người", "nguoi"),
    ],
)
def test_fold_strips_every_diacritic_including_d_bar_and_lowercases(text, expected):
    assert fold(text) == expected, f"fold({text!r})"


def test_fold_gives_the_same_key_for_nfc_and_nfd_input():
    assert fold(nfd("Quảng Ngãi")) == "quang ngai", "NFD input must fold like NFC input"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nghệ An", True),
        ("Nghe An", False),
        ("đi", True),  # đ alone is a diacritic
        ("NGHE AN ky ket", False),
        ("What year?", False),
        ("2003", False),
        (nfd("hóa"), True),
    ],
)
def test_has_diacritics(text, expected):
    assert has_diacritics(text) is expected, f"has_diacritics({text!r})"


# --- tone-mark normalisation ----------------------------------------------------------------

@pytest.mark.parametrize(
    "word, expected",
    [
        ("hoá", "hóa"),  # new-style placement moved to the traditional one
        ("Hoá", "Hóa"),
        ("HOÁ", "HÓA"),
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("uỷ", "ủy"),
        ("Thuý", "Thúy"),
        # already traditional or unambiguous: unchanged
        ("hóa", "hóa"),
        ("thủy", "thủy"),
        ("quý", "quý"),  # qu: the u belongs to the consonant
        ("già", "già"),  # gi: the i belongs to the consonant
        ("gìn", "gìn"),
        ("người", "người"),  # ươ: the tone sits on ơ
        ("giường", "giường"),
        ("quốc", "quốc"),
        ("của", "của"),
        ("hoa", "hoa"),
    ],
)
def test_normalize_tone_word(word, expected):
    got = normalize_tone_word(word)
    assert got == expected, f"normalize_tone_word({word!r}) = {got!r}, expected {expected!r}"
    assert unicodedata.is_normalized("NFC", got), f"{got!r} must be NFC"


def test_normalize_tone_word_accepts_nfd_input():
    assert normalize_tone_word(nfd("hoá")) == "hóa"
    assert normalize_tone_word(nfd("người")) == "người"


def test_normalize_rewrites_only_the_tone_placement_and_keeps_punctuation():
    text = "Thanh Hoá phát triển thuỷ sản, sức khoẻ; TP.HCM - năm 2003!"
    assert normalize(text) == "Thanh Hóa phát triển thủy sản, sức khỏe; TP.HCM - năm 2003!"


def test_normalize_composes_nfd_text():
    text = nfd("Nghệ An ký kết hợp tác với Thanh Hoá")
    got = normalize(text)
    assert got == "Nghệ An ký kết hợp tác với Thanh Hóa"
    assert unicodedata.is_normalized("NFC", got)


def test_nfc_composes():
    assert nfc(nfd("Đắk Lắk")) == "Đắk Lắk"
    assert len(nfc(nfd("Đắk Lắk"))) == 7


# --- unglue ------------------------------------------------------------------------------------

def test_unglue_separates_a_typo_glued_capitalised_word():
    assert unglue("TP.HCM - tỉnhHà Tĩnh:") == "TP.HCM - tỉnh Hà Tĩnh:"


@pytest.mark.parametrize("text", ["iPhone", "OCOP", "McDonald", "TP.HCM", "eKYC"])
def test_unglue_leaves_camel_and_all_caps_tokens_alone(text):
    assert unglue(text) == text, f"{text!r} must not be split"


# --- split_sentences ------------------------------------------------------------------------

def test_split_sentences_spans_cover_each_sentence_exactly():
    text = "Câu một. Câu hai! Câu ba? “Trích dẫn.” Cuối"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Câu một.", "Câu hai!", "Câu ba?", "“Trích dẫn.”", "Cuối"]


def test_split_sentences_does_not_split_abbreviations_or_numbers():
    text = "Năm 2003, TP.HCM và Nghệ An ký kết; vốn 150.000 tỷ đồng. Xong…"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Năm 2003, TP.HCM và Nghệ An ký kết; vốn 150.000 tỷ đồng.",
        "Xong…",
    ]


def test_split_sentences_trims_whitespace_and_handles_line_breaks():
    text = "  Dòng một bị ngắt\ngiữa câu. Câu hai.  \n"
    spans = split_sentences(text)
    first = "Dòng một bị ngắt\ngiữa câu."
    second = "Câu hai."
    expected = [(2, 2 + len(first)), (text.index(second), text.index(second) + len(second))]
    assert spans == expected, spans
    assert [text[s:e] for s, e in spans] == [first, second]


def test_split_sentences_reads_each_list_item_line_as_a_sentence():
    text = "Mỗi tỉnh nhận việc cụ thể:\n- Gia Lai: trồng 400 ha sâm dây;\n- Đắk Lắk: lập 6 vườn giống\n+ Lâm Đồng: mở 3 chợ"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mỗi tỉnh nhận việc cụ thể:", "- Gia Lai: trồng 400 ha sâm dây;", "- Đắk Lắk: lập 6 vườn giống", "+ Lâm Đồng: mở 3 chợ",
    ]
    wrapped = "Hai tỉnh hợp tác về du lịch\nvà nông nghiệp - công nghiệp chế biến."
    assert split_sentences(wrapped) == [(0, len(wrapped))], "a line break inside a sentence is not an item"


def test_split_sentences_on_blank_text_is_empty():
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


# --- expand_shorthand -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "question, expected_text",
    [
        ("cao bang dc chuyen giao gi", "cao bang được chuyen giao gi"),
        ("ko biet bn tinh", "không biet bao nhiêu tinh"),
        # closing a question after "ko" (or after "bao nhieu"), "bn" is "bạn", you
        ("toi nay co tran nao hay ko bn?", "toi nay co tran nao hay không bạn?"),
        ("gia ve bao nhieu bn?", "gia ve bao nhieu bạn?"),
        ("gia ve bn?", "gia ve bao nhiêu?"),
        ("tp can ky ket voi tinh nao", "thành phố can ky ket voi tinh nao"),
        # part of a city's name: left for the province gazetteer
        ("tp hcm ky voi may tinh", "tp hcm ky voi may tinh"),
        ("TP.HCM ký với mấy tỉnh", "TP.HCM ký với mấy tỉnh"),
        # shorthand typed in capitals is not chat shorthand ("K" as in "Vitamin K")
        ("Vitamin K la gi", "Vitamin K la gi"),
    ],
)
def test_expand_shorthand_spells_out_chat_shorthand(question, expected_text):
    text, _ = expand_shorthand(question)
    assert text == expected_text


def test_expand_shorthand_pairs_an_acronym_with_its_words_both_ways():
    assert expand_shorthand("Trung tâm CNTT của Huế")[1] == [("CNTT", "công nghệ thông tin")]
    assert expand_shorthand("phat trien KT-XH ra sao")[1] == [("KT-XH", "kinh tế - xã hội")]
    assert expand_shorthand("Ủy ban nhân dân tỉnh là ai")[1] == [("UBND", "ủy ban nhân dân")]
    assert expand_shorthand("ket noi bao nhieu dn")[1] == [("dn", "doanh nghiệp")]


def test_expand_shorthand_leaves_two_letter_lower_case_words_alone():
    # "sx" could be shorthand, but two lower-case letters are too often a word typed without accents
    assert expand_shorthand("sx ra sao") == ("sx ra sao", [])


def test_expand_shorthand_finds_the_words_of_every_acronym_in_the_order_of_the_acronym_data():
    # words inside longer words count too: "doanh nghiệp nhỏ và vừa" also names "doanh nghiệp"
    assert expand_shorthand("hỗ trợ doanh nghiệp nhỏ và vừa ở Hà Nội")[1] == [
        ("DN", "doanh nghiệp"), ("DNNVV", "doanh nghiệp nhỏ và vừa")]
    assert expand_shorthand("khu công nghệ cao và khu công nghiệp")[1] == [
        ("KCN", "khu công nghiệp"), ("KCNC", "khu công nghệ cao")]


def test_expand_shorthand_pairs_a_spelled_out_unit_with_its_symbol():
    assert expand_shorthand("dự án rộng 20 hecta, dài 3 kilomet")[1] == [("hecta", "ha"), ("kilomet", "km")]


def test_word_data_is_still_importable_from_text():
    from assistant import lexicon
    from assistant.text import ACRONYMS, CHAT_SHORTHAND, UNIT_SPELLINGS

    assert ACRONYMS is lexicon.acronyms() and ACRONYMS["kcn"] == "khu công nghiệp"
    assert CHAT_SHORTHAND is lexicon.chat_shorthand() and CHAT_SHORTHAND["dc"] == "được"
    assert UNIT_SPELLINGS is lexicon.unit_spellings() and UNIT_SPELLINGS["hecta"] == "ha"
