"""Tests for assistant.provinces (gazetteer of Vietnamese provinces and the 2025 mergers)."""

import unicodedata

import pytest

from assistant import provinces
from assistant.provinces import (
    Province,
    all_provinces,
    find_provinces,
    get_province,
    related_provinces,
)


# --- data --------------------------------------------------------------------------------

def test_exact_counts():
    entries = all_provinces()
    assert len(entries) == 63, f"expected 63 pre-2025 units, got {len(entries)}"
    assert all(isinstance(p, Province) for p in entries)
    assert all(p.pre2025 for p in entries), "every entry is a pre-2025 unit"
    post = [p.name for p in entries if p.post2025]
    assert len(post) == 34, f"expected 34 post-2025 units, got {len(post)}: {post}"
    absorbed = [p.name for p in entries if p.merged_into]
    assert len(absorbed) == 63 - 34, f"expected 29 absorbed units, got {len(absorbed)}"
    survivors_with_merge = [p.name for p in entries if p.merged_from]
    assert len(survivors_with_merge) == 23, f"expected 23 merged units, got {survivors_with_merge}"


def test_names_unique_and_centrally_run_cities_present():
    names = [p.name for p in all_provinces()]
    assert len(set(names)) == 63, "duplicate canonical names"
    for city in ("Hà Nội", "TP.HCM", "Hải Phòng", "Đà Nẵng", "Cần Thơ"):
        assert city in names, f"{city} missing"
    assert "Thừa Thiên Huế" in names
    assert "Huế" not in names, "Huế is an alias of Thừa Thiên Huế, not an entry"


def test_post2025_flags_are_consistent():
    by_name = {p.name: p for p in all_provinces()}
    for p in all_provinces():
        if p.merged_into:
            assert not p.post2025, f"{p.name} was absorbed, must not be post-2025"
            assert by_name[p.merged_into].post2025, f"{p.merged_into} must survive"
            assert p.name in by_name[p.merged_into].merged_from
        else:
            assert p.post2025, f"{p.name} neither absorbed nor surviving"
        if p.merged_from:
            assert p.merged_from[0] == p.name, f"{p.name}: merged_from must start with itself"
    unchanged = {p.name for p in all_provinces() if p.post2025 and not p.merged_from}
    assert unchanged == {
        "Hà Nội", "Thừa Thiên Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn",
        "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
    }, f"unexpected unchanged set: {sorted(unchanged)}"


def test_province_is_frozen():
    p = get_province("Hà Nội")
    with pytest.raises(Exception):
        p.name = "x"  # type: ignore[misc]


def test_aliases_are_unambiguous():
    # building the index raises if a folded alias belongs to two provinces
    index = provinces._alias_index()
    assert len(index) >= 63


# --- merge relations ---------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("Bắc Kạn", ("Thái Nguyên",)),
    ("Thái Nguyên", ("Bắc Kạn",)),
    ("Ninh Bình", ("Hà Nam", "Nam Định")),
    ("Hà Nam", ("Ninh Bình", "Nam Định")),
    ("TP.HCM", ("Bình Dương", "Bà Rịa - Vũng Tàu")),
    ("Ba Ria - Vung Tau", ("TP.HCM", "Bình Dương")),
    ("Phú Thọ", ("Vĩnh Phúc", "Hòa Bình")),
    ("lam dong", ("Đắk Nông", "Bình Thuận")),
    ("Hà Nội", ()),
    ("Huế", ()),
    ("Atlantis", ()),
])
def test_related_provinces(name, expected):
    got = related_provinces(name)
    assert got == expected, f"related_provinces({name!r}) = {got}, expected {expected}"


def test_merge_fields():
    assert get_province("Bắc Kạn").merged_into == "Thái Nguyên"
    assert get_province("Ninh Bình").merged_from == ("Ninh Bình", "Hà Nam", "Nam Định")
    assert get_province("Hà Nội").merged_from == ()
    assert get_province("Hà Nội").merged_into is None


# --- lookup ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("Hà Nội", "Hà Nội"),
    ("hanoi", "Hà Nội"),
    ("Huế", "Thừa Thiên Huế"),
    ("Hue city", "Thừa Thiên Huế"),
    ("TT-Huế", "Thừa Thiên Huế"),
    ("Sài Gòn", "TP.HCM"),
    ("Ho Chi Minh City", "TP.HCM"),
    ("tp. hồ chí minh", "TP.HCM"),
    ("BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Bắc Cạn", "Bắc Kạn"),
    ("Dak Lak", "Đắk Lắk"),
    ("Đắc Lắc", "Đắk Lắk"),
    ("Thanh Hoá", "Thanh Hóa"),
    ("tỉnh Nghệ An", "Nghệ An"),
    ("thành phố Đà Nẵng", "Đà Nẵng"),
    ("Can Tho city", "Cần Thơ"),
    ("Danang", "Đà Nẵng"),
])
def test_get_province(query, expected):
    p = get_province(query)
    assert p is not None, f"get_province({query!r}) returned None"
    assert p.name == expected, f"get_province({query!r}) = {p.name}, expected {expected}"


@pytest.mark.parametrize("query", ["", "Nam", "Bắc", "Paris", "tỉnh"])
def test_get_province_unknown(query):
    assert get_province(query) is None, f"get_province({query!r}) should be None"


# --- find_provinces ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # with diacritics
    ("UBND tỉnh Thái Nguyên và UBND tỉnh Bắc Kạn ký kết thỏa thuận hợp tác.",
     ["Thái Nguyên", "Bắc Kạn"]),
    ("Đoàn công tác của Đà Nẵng làm việc với Quảng Nam và Kon Tum.",
     ["Đà Nẵng", "Quảng Nam", "Kon Tum"]),
    # without diacritics
    ("UBND tinh Thai Nguyen va tinh Bac Kan ky ket thoa thuan hop tac",
     ["Thái Nguyên", "Bắc Kạn"]),
    ("hop tac giua ha noi va can tho", ["Hà Nội", "Cần Thơ"]),
    # English / variants
    ("Nghe An signs agreement with nghệ an partners", ["Nghệ An"]),
    ("Tourism in Hue is growing", ["Thừa Thiên Huế"]),
    ("Thua Thien Hue province", ["Thừa Thiên Huế"]),
    ("Lãnh đạo TT-Huế tiếp đoàn", ["Thừa Thiên Huế"]),
    ("Investors from Ho Chi Minh City and Danang", ["TP.HCM", "Đà Nẵng"]),
    ("du khach tphcm", ["TP.HCM"]),
    ("Sai Gon xua", ["TP.HCM"]),
    ("tinh Bac Can", ["Bắc Kạn"]),
    ("Tổng công ty du lịch Sài Gòn", ["TP.HCM"]),
    ("HANOI, HAIPHONG and CAN THO", ["Hà Nội", "Hải Phòng", "Cần Thơ"]),
])
def test_find_provinces(text, expected):
    got = find_provinces(text)
    assert got == expected, f"find_provinces({text!r}) = {got}, expected {expected}"


@pytest.mark.parametrize("text, expected", [
    ("Thừa Thiên Huế", ["Thừa Thiên Huế"]),
    ("Thừa Thiên - Huế và Huế", ["Thừa Thiên Huế"]),
    ("tỉnh Bà Rịa - Vũng Tàu", ["Bà Rịa - Vũng Tàu"]),
    ("Bà Rịa–Vũng Tàu, BR-VT", ["Bà Rịa - Vũng Tàu"]),
    ("Thành phố Hồ Chí Minh", ["TP.HCM"]),
    ("TP.HCM và TP. HCM", ["TP.HCM"]),
])
def test_longest_alias_wins(text, expected):
    got = find_provinces(text)
    assert got == expected, f"find_provinces({text!r}) = {got}, expected {expected}"


def test_order_and_deduplication():
    text = ("Cần Thơ hợp tác với Hà Nội; Ha Noi và CẦN THƠ cùng An Giang, "
            "sau đó Hà Nội lại làm việc với an giang.")
    got = find_provinces(text)
    assert got == ["Cần Thơ", "Hà Nội", "An Giang"], f"got {got}"


@pytest.mark.parametrize("text", [
    "Hợp tác phát triển kinh tế nam bộ và bắc bộ",
    "Hop tac phat trien kinh te nam bo va bac bo",
    "Doanh nghiệp an tâm đầu tư, năm nay tăng trưởng tốt.",
    "Việt Nam thúc đẩy hợp tác vì hòa bình và phát triển",       # hòa bình = peace
    "Diễn đàn hợp tác kinh tế châu Á - Thái Bình Dương",          # Pacific Ocean
    "Tòa nhà cao bằng 20 tầng",                                    # cao bằng = as high as
    "Xây dựng hai đường băng mới",                                 # hai đường != Hải Dương
    "Tư tưởng Hồ Chí Minh và lời dạy của Chủ tịch Hồ Chí Minh",    # the person
    "Chị Huệ bán hàng",                                            # given name, not Huế
    "Viện Hải dương học",                                          # oceanography
    "",
])
def test_no_false_positives(text):
    got = find_provinces(text)
    assert got == [], f"find_provinces({text!r}) should be empty, got {got}"


def test_ambiguous_names_found_in_province_context():
    assert find_provinces("tỉnh hòa bình") == ["Hòa Bình"]
    assert find_provinces("tinh thai binh va tinh cao bang") == ["Thái Bình", "Cao Bằng"]
    assert find_provinces("Hòa Bình, Hoà Bình và Thái Bình") == ["Hòa Bình", "Thái Bình"]
    assert find_provinces("Cao Bằng giáp Trung Quốc") == ["Cao Bằng"]
    assert find_provinces("Bình Dương và Hải Dương") == ["Bình Dương", "Hải Dương"]


def test_word_boundaries():
    assert find_provinces("Ninh Thuận") == ["Ninh Thuận"]
    assert find_provinces("Hà Nam") == ["Hà Nam"]
    assert find_provinces("xHà Nộix") == []
    assert find_provinces("Hà Nội2025") == []
    assert find_provinces("(Hà Nội)") == ["Hà Nội"]


def test_every_canonical_name_is_found():
    for p in all_provinces():
        assert find_provinces(f"Làm việc với {p.name}.") == [p.name], p.name
        assert find_provinces(f"lam viec voi {p.english}") == [p.name], p.english
        assert find_provinces(f"lam viec voi tinh {p.english.lower()}") == [p.name], p.english


def test_regex_is_built_lazily_and_once():
    provinces._matcher.cache_clear()
    assert provinces._matcher.cache_info().currsize == 0
    find_provinces("Hà Nội")
    find_provinces("Huế")
    info = provinces._matcher.cache_info()
    assert info.currsize == 1 and info.misses == 1, info


def test_fold():
    assert provinces._fold("Đắk Lắk") == "dak lak"
    assert provinces._fold("THỪA THIÊN HUẾ") == "thua thien hue"
    assert provinces._fold("Thanh Hoá") == provinces._fold("Thanh Hóa") == "thanh hoa"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("man hau xuat khau sang uc duoc bao nhieu tan", ["Úc"]),
        ("Mận hậu xuất khẩu sang Úc bao nhiêu tấn?", ["Úc"]),
        ("exports to Australia and the United States", ["Hoa Kỳ", "Úc"]),
        ("Hợp tác với Hàn Quốc, Nhật Bản", ["Hàn Quốc", "Nhật Bản"]),
        # with diacritics the marks must agree: "ức" (memory) is not Úc
        ("những ký ức về hợp tác", []),
        # ... but not in where the tone mark sits ("hoà" / "hòa")
        ("Xuất khẩu sang Cộng hoà Pháp", ["Cộng hòa Pháp"]),
        ("Nghệ An ký kết năm nào?", []),
    ],
)
def test_foreign_places(text, expected):
    from assistant.provinces import foreign_places

    assert sorted(name for name, _ in foreign_places(text)) == expected


def test_foreign_places_come_longest_spelling_first():
    names = [name for name, _ in provinces.foreign_places("Xuất khẩu sang Úc và Hàn Quốc, Cộng hòa Liên bang Đức")]
    assert names == ["Cộng hòa Liên bang Đức", "Hàn Quốc", "Úc"], names
    assert [name for name, _ in provinces.foreign_places("xuat khau sang uc va han quoc")] == ["Hàn Quốc", "Úc"]


def test_foreign_places_is_still_importable_and_is_the_data_file():
    from assistant import lexicon
    from assistant.provinces import FOREIGN_PLACES

    assert FOREIGN_PLACES is lexicon.foreign_places()
    assert FOREIGN_PLACES[0] == ("Úc", ("Australia", "Ôxtrâylia")), FOREIGN_PLACES[0]


def test_fold_is_text_fold_in_nfc():
    # offsets into the folded text must stay offsets into the original, whatever the script
    from assistant.text import fold

    for text in ("Đắk Lắk", "Thanh Hoá", "서울 và Hà Nội", "ガイド"):
        assert provinces._fold(text) == unicodedata.normalize("NFC", fold(text))
        assert len(provinces._fold(text)) == len(unicodedata.normalize("NFC", text)), text
    assert provinces.province_mentions("서울 và Hà Nội") == [(6, 12, "Hà Nội")]


def test_an_ambiguous_name_typed_without_marks_is_a_place_after_a_preposition():
    assert find_provinces("tphcm hop tac voi cao bang trong linh vuc nao") == ["TP.HCM", "Cao Bằng"]
    assert find_provinces("du an thuc hien tai thai binh") == ["Thái Bình"]
    assert find_provinces("cao bang") == [], "alone, it is as likely 'as high as'"
    assert find_provinces("vi hoa binh va phat trien") == [], "'for peace' is no place"
    assert find_provinces("hợp tác với hòa bình") == [], "typed with marks but no capitals: the word, not the province"
