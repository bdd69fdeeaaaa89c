"""Tests for assistant.glossary (English -> Vietnamese question expansion) and assistant.language
(English tokens, the language guess)."""

import unicodedata

import pytest

from assistant import glossary, language, lexicon
from assistant.glossary import EN_TO_VI, expand_english, looks_english


# --- the dictionary ----------------------------------------------------------------------

def test_glossary_size_and_shape():
    assert len(EN_TO_VI) >= 200, f"glossary too small: {len(EN_TO_VI)}"
    for key, values in EN_TO_VI.items():
        assert key == key.lower().strip(), f"key not lower-case/stripped: {key!r}"
        assert 1 <= len(key.replace("-", " ").split()) <= 3, f"key too long: {key!r}"
        assert isinstance(values, tuple) and values, f"{key!r}: values must be a non-empty tuple"
        for v in values:
            assert isinstance(v, str) and v.strip() == v and v, f"{key!r}: bad value {v!r}"
            assert unicodedata.normalize("NFC", v) == v, f"{key!r}: value not NFC: {v!r}"
        assert len(set(values)) == len(values), f"{key!r}: duplicate values"


@pytest.mark.parametrize("key", [
    "cooperation", "agreement", "sign", "memorandum", "province", "city", "locality", "region",
    "central", "north", "south", "investment", "investor", "enterprise", "business", "company",
    "corporation", "group", "tourism", "eco-tourism", "heritage", "culture", "agriculture",
    "forestry", "fishery", "seafood", "aquaculture", "livestock", "food processing",
    "slaughterhouse", "animal feed", "industry", "industrial park", "industrial cluster",
    "economic zone", "high-tech park", "factory", "plant", "glass", "sand", "trade", "commerce",
    "supermarket", "shopping centre", "entertainment", "export", "science", "technology",
    "innovation", "startup", "digital transformation", "information technology",
    "software park", "artificial intelligence", "automation", "biotechnology", "education",
    "training", "university", "institute", "health", "healthcare", "medical", "hospital",
    "examination and treatment", "infrastructure", "planning", "transport", "social welfare",
    "social security", "housing", "poor households", "charity", "philanthropist", "product",
    "specialty products", "ocop", "market", "consumption", "promotion", "people's committee",
    "vice chairman", "chairman", "conference", "summary conference", "leader", "year",
    "first time", "twice", "second time", "anniversary", "brand", "branding", "identity",
    "growth pillar", "economic centre", "corridor", "development", "field", "area", "sector",
    "price", "electricity", "solar", "rooftop", "police", "traffic police", "inspection",
    "dispute", "court", "judgment", "goods", "origin",
])
def test_required_topics_present(key):
    assert key in EN_TO_VI, f"glossary misses {key!r}"


def test_some_exact_entries():
    assert EN_TO_VI["tourism"] == ("du lịch",)
    assert EN_TO_VI["sign"] == ("ký kết", "ký")
    assert EN_TO_VI["agreement"] == ("thỏa thuận", "thoả thuận", "hợp tác")
    assert EN_TO_VI["people's committee"] == ("Ủy ban nhân dân", "UBND")


# --- expand_english ----------------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("Which provinces signed cooperation agreements with Hanoi in 2023?",
     ["tỉnh", "ký kết", "ký", "thỏa thuận hợp tác", "thoả thuận hợp tác", "hợp tác"]),
    ("What is the total investment in the industrial park?",
     ["tổng vốn đầu tư", "tổng mức đầu tư", "khu công nghiệp", "KCN"]),
    ("Who is the vice chairman of the provincial People's Committee?",
     ["Phó Chủ tịch", "tỉnh", "Ủy ban nhân dân", "UBND"]),
    ("Who is the Vice Chairman of the People\u2019s Committee?",
     ["Phó Chủ tịch", "Ủy ban nhân dân", "UBND"]),
    ("Which investors are building industrial parks and slaughterhouses?",
     ["nhà đầu tư", "xây dựng", "khu công nghiệp", "KCN", "lò giết mổ", "cơ sở giết mổ", "giết mổ"]),
    ("Was the memorandum signed for the first time?",
     ["biên bản ghi nhớ", "ghi nhớ", "ký kết", "ký", "lần đầu", "lần đầu tiên", "lần thứ nhất"]),
    ("Is this the second time the two provinces held a summary conference?",
     ["lần thứ hai", "lần thứ 2", "tỉnh", "hội nghị tổng kết"]),
    ("What did the traffic police inspection find about rooftop solar electricity prices?",
     ["cảnh sát giao thông", "CSGT", "thanh tra", "kiểm tra", "điện mặt trời áp mái", "điện", "giá"]),
    ("Eco-tourism and specialty products: OCOP promotion at supermarkets and shopping centres",
     ["du lịch sinh thái", "đặc sản", "sản phẩm đặc trưng", "OCOP", "Mỗi xã một sản phẩm",
      "xúc tiến", "quảng bá", "siêu thị", "trung tâm thương mại"]),
    ("court judgment on the dispute over goods origin",
     ["tòa án", "toà án", "tòa", "toà", "bản án", "phán quyết", "tranh chấp", "hàng hóa",
      "hàng hoá", "xuất xứ", "nguồn gốc"]),
    ("When did Thai Nguyen and Bac Kan merge?", ["sáp nhập", "hợp nhất"]),
    ("TOURISM COOPERATION between provinces", ["du lịch", "hợp tác", "tỉnh"]),
    ("industries and businesses", ["công nghiệp", "ngành", "doanh nghiệp", "kinh doanh"]),
    ("the signing ceremony", ["lễ ký kết"]),
    ("They were signing it", ["ký kết", "ký"]),
    ("memorandum of understanding", ["biên bản ghi nhớ", "ghi nhớ"]),
    ("How many times? Twice.", ["lần", "hai lần", "2 lần", "lần thứ hai"]),
    ("Hello there, what is up?", []),
    ("", []),
])
def test_expand_english(question, expected):
    got = expand_english(question)
    assert got == expected, f"expand_english({question!r}) = {got}, expected {expected}"


def test_expand_english_word_boundaries():
    # "plant" must not fire inside "plantation"-like words, nor "sign" inside "design".
    assert expand_english("designers and plantations") == []
    assert expand_english("signature") == []


def test_expand_english_deduplicates_in_order():
    got = expand_english("cooperation, cooperation and more cooperation with partners")
    assert got == ["hợp tác", "đối tác"], got


@pytest.mark.parametrize("token, base", [
    ("signed", "sign"), ("provinces", "province"), ("investors", "investor"),
    ("industries", "industry"), ("businesses", "business"), ("merged", "merge"),
    ("signing", "sign"), ("planned", "plan"), ("merging", "merge"),
])
def test_candidates(token, base):
    assert base in language.base_forms(token), f"{token} -> {language.base_forms(token)}"


def test_candidates_keep_short_and_ss_words():
    assert language.base_forms("is") == ("is",)
    assert language.base_forms("business") == ("business",)


# --- looks_english -------------------------------------------------------------------------

ENGLISH = [
    "Which provinces signed cooperation agreements with Hanoi in 2023?",
    "How many tourists visited Hue last year?",
    "What is the total investment in the industrial park?",
    "Who is the vice chairman of the provincial People's Committee?",
    "When did Thai Nguyen and Bac Kan merge?",
    "How much did the company invest in solar power?",
    "What products were promoted at the trade fair?",
    "Was the memorandum signed for the first time?",
    "Which fields does the agreement cover?",
    "Where is the new high-tech park located?",
    "How many agreements did Đà Nẵng sign with Quảng Nam?",   # Vietnamese names, English question
    "tourism cooperation between provinces",
]

VIETNAMESE_PLAIN = [
    "Tinh nao da ky thoa thuan hop tac voi Ha Noi?",
    "Nam 2023 co bao nhieu du khach den Hue?",
    "Ai la pho chu tich UBND tinh?",
    "Tong von dau tu cua du an la bao nhieu?",
    "Hai tinh hop tac trong nhung linh vuc nao?",
    "Khi nao Thai Nguyen va Bac Kan sap nhap?",
    "Doanh nghiep nao dau tu nha may kinh?",
    "Hoi nghi tong ket duoc to chuc o dau?",
    "Tai sao gia dien mat troi tang?",
    "San pham OCOP cua tinh duoc tieu thu the nao?",
    "cong an xu phat bao nhieu truong hop vi pham",
    "Can Tho co bao nhieu khu cong nghiep",
]

VIETNAMESE_ACCENTED = [
    "Tỉnh nào đã ký thỏa thuận hợp tác với Hà Nội?",
    "Năm 2023 có bao nhiêu du khách đến Huế?",
    "Ai là phó chủ tịch UBND tỉnh?",
    "Tổng vốn đầu tư của dự án là bao nhiêu?",
    "Hai tỉnh hợp tác trong những lĩnh vực nào?",
    "Sản phẩm OCOP được tiêu thụ thế nào?",
    # an English name in a Vietnamese question frame ("nằm ở đâu", "là gì")
    "Green Valley Day School nằm ở đâu?",
    "Global Trade Review Company là gì?",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_looks_english_true(text):
    assert looks_english(text) is True, f"should be English: {text!r} score={language._score(text)}"


@pytest.mark.parametrize("text", VIETNAMESE_PLAIN + VIETNAMESE_ACCENTED)
def test_looks_english_false(text):
    assert looks_english(text) is False, f"should be Vietnamese: {text!r} score={language._score(text)}"


@pytest.mark.parametrize("text", ["", "   ", "2023", "?!", "Hà Nội", "Ha Noi"])
def test_looks_english_degenerate(text):
    assert looks_english(text) is False


@pytest.mark.parametrize("word, expected", [
    ("Ha", True), ("Tho", True), ("Long", True), ("Nguyen", True),
    ("City", False), ("Bay", False), ("The", False), ("Province", False), ("ha", False), ("Hà", False),
])
def test_vietnamese_name_word(word, expected):
    assert language.vietnamese_name_word(word) is expected, word


def test_an_inflected_word_matches_its_base_form_and_the_longest_phrase_wins():
    assert expand_english("The planned signing of industrial parks") == [
        "kế hoạch", "ký kết", "ký", "khu công nghiệp", "KCN"]


def test_word_lists_disjoint():
    overlap = lexicon.english_words() & lexicon.vietnamese_words()
    assert not overlap, f"English/Vietnamese word lists overlap: {sorted(overlap)}"


def test_language_guess_is_still_importable_from_glossary():
    # callers import the language guess from glossary, where it used to live
    assert glossary.looks_english is language.looks_english
    assert glossary.vietnamese_name_word is language.vietnamese_name_word
    assert glossary.EN_TO_VI is lexicon.glossary()
