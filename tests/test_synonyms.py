"""Vietnamese synonym groups found in questions, with and without diacritics."""

from assistant.synonyms import SYNONYMS, synonym_groups


def test_groups_are_found_with_diacritics_and_tone_variants():
    found = dict(synonym_groups("Dự án động thổ năm nào, tốn bao nhiêu kinh phí?", accent_free=False))
    assert "khởi công" in found["động thổ"], found
    assert "chi phí" in found["kinh phí"], found


def test_accent_free_questions_match_only_phrases_of_two_or_more_words():
    found = dict(synonym_groups("du an dong tho nam nao", accent_free=True))
    assert "khởi công" in found["dong tho"], found
    # one folded syllable is ambiguous ("lon" is lợn, pig, or lớn, big)
    assert synonym_groups("du an lon nhat", accent_free=True) == []


def test_every_group_is_lower_case_nfc_with_distinct_members():
    import unicodedata

    for group in SYNONYMS:
        assert len(group) == len(set(group)) >= 2, group
        for member in group:
            assert member == unicodedata.normalize("NFC", member).lower().strip(), member


def test_the_longest_member_wins_and_a_phrase_in_two_groups_belongs_to_the_first():
    found = synonym_groups("Tổng mức đầu tư và kinh phí của nhà máy", accent_free=False)
    assert found == [
        ("tổng mức đầu tư", ("tổng mức đầu tư", "tổng vốn đầu tư", "tổng kinh phí", "tổng chi phí")),
        ("kinh phí", ("kinh phí", "chi phí")),
        ("nhà máy", ("nhà máy", "xưởng", "nhà xưởng")),
    ], found


def test_synonyms_is_still_importable_and_is_the_data_file():
    from assistant import lexicon

    assert SYNONYMS is lexicon.synonyms()
