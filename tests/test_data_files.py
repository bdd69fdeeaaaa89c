"""The word data files of assistant/data: format, exact sizes and cross-file consistency."""

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from assistant import glossary, language, lexicon, provinces
from assistant.text import fold

DATA = resources.files("assistant") / "data"


def _lines(name: str) -> list[str]:
    return (DATA / name).read_bytes().decode("utf-8").split("\n")


# --- every file ----------------------------------------------------------------------------

# read by answerability.default_scorer, checked below, not by lexicon.py
SCORER_FILE = "answerability.json"


def test_every_file_of_the_data_folder_has_a_loader():
    on_disk = sorted(p.name for p in DATA.iterdir() if p.is_file())
    expected = sorted([*lexicon.DATA_FILES, SCORER_FILE])
    assert on_disk == expected, f"data files {on_disk} != loaders {expected}"


def test_the_answerability_weights_match_the_signals_the_answerer_computes():
    import json
    import math

    from assistant.answerability import FEATURES, scorer_from_dict

    data = json.loads((DATA / SCORER_FILE).read_text(encoding="utf-8"))
    scorer = scorer_from_dict(data)
    assert len(scorer.weights) == len(scorer.means) == len(scorer.scales) == len(FEATURES)
    assert all(math.isfinite(v) for v in (*scorer.weights, *scorer.means, scorer.bias)), "finite weights"
    assert all(s > 0 for s in scorer.scales), "positive scales"
    assert 0.0 < scorer.threshold < 1.0, scorer.threshold
    assert data["fitted"]["cross_validated"]["pooled"]["false_abstentions"] <= 0.04, data["fitted"]


@pytest.mark.parametrize("name", sorted(lexicon.DATA_FILES))
def test_file_is_clean_utf8_nfc_text(name):
    raw = (DATA / name).read_bytes()
    text = raw.decode("utf-8")
    assert not text.startswith("\ufeff"), f"{name}: byte-order mark"
    assert "\r" not in text, f"{name}: CR line ends"
    assert text.endswith("\n") and not text.endswith("\n\n"), f"{name}: must end with exactly one newline"
    assert unicodedata.normalize("NFC", text) == text, f"{name}: not NFC"
    for number, line in enumerate(text.split("\n"), 1):
        assert line == line.rstrip(), f"{name}, line {number}: trailing whitespace {line!r}"
        if line and not line.startswith("#"):
            assert line == line.lstrip(), f"{name}, line {number}: leading whitespace {line!r}"
            assert "\t\t" not in line and not line.endswith("\t"), f"{name}, line {number}: empty field {line!r}"
            assert "  " not in line, f"{name}, line {number}: double space {line!r}"
    assert text.startswith("# "), f"{name}: must start with comments describing its columns"


@pytest.mark.parametrize("name", sorted(lexicon.DATA_FILES))
def test_file_parses(name):
    data = lexicon.DATA_FILES[name].__wrapped__()  # uncached: really read and check every row
    assert len(data) > 0, f"{name}: no rows"


# --- sizes: the entries the Python literals held ---------------------------------------------

@pytest.mark.parametrize("name, size", [
    ("glossary.tsv", 1277),
    ("synonyms.tsv", 287),
    ("chat_shorthand.tsv", 18),
    ("acronyms.tsv", 37),
    ("unit_spellings.tsv", 4),
    ("provinces.tsv", 63),
    ("provinces_2025.tsv", 34),
    ("foreign_places.tsv", 26),
    ("english_words.txt", 152),
    ("vietnamese_words.txt", 205),
])
def test_exact_sizes(name, size):
    assert len(lexicon.DATA_FILES[name]()) == size, f"{name}: {len(lexicon.DATA_FILES[name]())} rows, expected {size}"


# --- glossary ------------------------------------------------------------------------------

def test_glossary_keys_and_equivalents():
    entries = lexicon.glossary()
    for key, equivalents in entries.items():
        assert re.fullmatch(r"[a-z0-9' -]+", key), f"glossary key {key!r}: lower-case ASCII words only"
        assert 1 <= len(key.replace("-", " ").split()) <= 3, f"glossary key {key!r}: 1 to 3 words"
        assert language.english_tokens(key), f"glossary key {key!r} has no English token"
        assert equivalents, f"glossary key {key!r}: no Vietnamese equivalent"
        for vi in equivalents:
            assert vi and vi == vi.strip() and "  " not in vi, f"glossary {key!r}: bad equivalent {vi!r}"
    # two keys tokenised alike would leave one of them unreachable
    assert len(glossary._matcher()) == len(entries) == 1277, len(glossary._matcher())


def test_glossary_keeps_the_order_of_rows_and_of_equivalents():
    items = list(lexicon.glossary().items())
    assert items[:3] == [("cooperation", ("hợp tác",)), ("cooperate", ("hợp tác",)),
                         ("collaboration", ("hợp tác", "phối hợp"))], items[:3]
    assert items[-1] == ("heat", ("nắng nóng", "nhiệt")), items[-1]
    assert lexicon.glossary()["agreement"] == ("thỏa thuận", "thoả thuận", "hợp tác")


# --- synonyms ------------------------------------------------------------------------------

def test_synonym_groups():
    groups = lexicon.synonyms()
    for number, group in enumerate(groups):
        assert len(group) >= 2, f"synonym group {number} {group}: fewer than two members"
        for member in group:
            assert member == member.lower(), f"synonym {member!r}: not lower-case"
    assert groups[0] == ("sáp nhập", "hợp nhất"), groups[0]
    assert len(set(groups)) == len(groups), "the same synonym group twice"
    # a phrase in two groups is matched to the first only: these are the known ones
    shared = sorted(m for m, n in Counter(m for g in groups for m in g).items() if n > 1)
    assert shared == ["kinh phí", "nhà máy", "nhân lực"], shared


# --- text.py word data ---------------------------------------------------------------------

@pytest.mark.parametrize("loader", [lexicon.chat_shorthand, lexicon.acronyms, lexicon.unit_spellings])
def test_question_word_keys_are_folded_lower_case_letters(loader):
    for key, words in loader().items():
        assert re.fullmatch(r"[a-z]+", key), f"{loader.__name__}: key {key!r} must be folded lower-case letters"
        assert words, f"{loader.__name__}: {key!r} stands for nothing"


def test_no_two_acronyms_stand_for_the_same_words():
    # the acronym matcher keeps one acronym per wording
    wordings = Counter(fold(words).replace("-", " ") for words in lexicon.acronyms().values())
    assert [w for w, n in wordings.items() if n > 1] == []
    assert lexicon.acronyms()["ktxh"] == "kinh tế - xã hội"


def test_shorthand_and_acronyms_do_not_overlap():
    overlap = set(lexicon.chat_shorthand()) & (set(lexicon.acronyms()) | set(lexicon.unit_spellings()))
    assert overlap == set(), f"keys both shorthand and acronym/unit: {sorted(overlap)}"


# --- gazetteer -----------------------------------------------------------------------------

def test_provinces_rows():
    names = [name for name, _, _ in lexicon.provinces()]
    assert len(set(names)) == len(names) == 63
    assert names[0] == "Hà Nội" and names[-1] == "Cà Mau", (names[0], names[-1])
    for name, english, aliases in lexicon.provinces():
        assert english.isascii(), f"{name}: English name {english!r} not ASCII"
        assert name not in aliases, f"{name}: the name repeated among its aliases"
    # building the alias index raises when a folded spelling belongs to two provinces
    index = provinces._alias_index()
    assert len({p.name for p, _ in index.values()}) == 63


def test_every_name_of_the_2025_units_is_a_known_province_and_each_province_is_placed_once():
    known = {name for name, _, _ in lexicon.provinces()}
    units = lexicon.provinces_2025()
    placed = [unit for unit, _ in units] + [name for _, merged in units for name in merged]
    unknown = sorted(set(placed) - known)
    assert unknown == [], f"provinces_2025.tsv names unknown provinces: {unknown}"
    twice = sorted(n for n, c in Counter(placed).items() if c > 1)
    assert twice == [], f"provinces_2025.tsv places these twice: {twice}"
    assert sorted(placed) == sorted(known), "every pre-2025 province must be in provinces_2025.tsv"
    assert len([u for u, merged in units if not merged]) == 11
    assert len([u for u, merged in units if merged]) == 23
    assert dict(units)["Ninh Bình"] == ("Hà Nam", "Nam Định")


def test_foreign_places():
    places = lexicon.foreign_places()
    names = [name for name, _ in places]
    assert len(set(names)) == len(names) == 26
    # a folded spelling of two places would be matched to the first only
    owners: dict[tuple[str, ...], str] = {}
    for name, others in places:
        for spelling in (name, *others):
            key = provinces._key(spelling)
            assert key, f"foreign place {name}: spelling {spelling!r} has no word"
            assert owners.setdefault(key, name) == name, f"{spelling!r}: both {owners[key]} and {name}"
    # and a place is no province
    assert not set(owners) & set(provinces._alias_index()), "a foreign place spelled like a province"


# --- word lists of the language guess --------------------------------------------------------

def test_word_lists():
    english, vietnamese = lexicon.english_words(), lexicon.vietnamese_words()
    for word in english:
        assert re.fullmatch(r"[a-z]+(?:'s)?", word), f"english_words.txt: {word!r}"
    for word in vietnamese:
        assert re.fullmatch(r"[a-z]+", word), f"vietnamese_words.txt: {word!r}"
    assert english & vietnamese == set(), f"in both word lists: {sorted(english & vietnamese)}"


# --- the loader ------------------------------------------------------------------------------

def test_no_data_file_is_read_at_import():
    code = (
        "import assistant.glossary, assistant.synonyms, assistant.text, assistant.provinces, assistant.language\n"
        "from assistant import lexicon\n"
        "read = [n for n, f in lexicon.DATA_FILES.items() if f.cache_info().currsize]\n"
        "assert read == [], read\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("content, problem", [
    ("cooperation\thợp tác\textra\n", "3 TAB-separated fields"),
    ("cooperation\n", "1 TAB-separated fields"),
    ("cooperation\t\n", "empty vietnamese"),
    ("cooperation \thợp tác\n", "whitespace around english"),
    ("cooperation\t hợp tác\n", "whitespace around vietnamese"),
    ("cooperation\thợp tác |phối hợp\n", "whitespace around an item"),
    ("cooperation\t" + unicodedata.normalize("NFD", "hợp tác") + "\n", "not in Unicode NFC"),
    ("cooperation\thợp tác||phối hợp\n", "empty item"),
    ("cooperation\thợp tác|hợp tác\n", "the same item twice"),
    ("cooperation\thợp tác\ncooperation\tphối hợp\n", "line 3: english 'cooperation' already on line 2"),
])
def test_a_malformed_row_names_the_file_and_the_line(tmp_path, monkeypatch, content, problem):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "glossary.tsv").write_text("# english<TAB>vietnamese\n" + content, encoding="utf-8")
    monkeypatch.setattr(lexicon, "resources", type("R", (), {"files": staticmethod(lambda package: tmp_path)}))
    with pytest.raises(lexicon.DataFileError, match=r"^glossary\.tsv, line \d+: ") as raised:
        lexicon.glossary.__wrapped__()
    assert problem in str(raised.value), str(raised.value)
    assert "line 2" in str(raised.value) or "line 3" in str(raised.value), str(raised.value)
