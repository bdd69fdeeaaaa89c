"""Vietnamese text normalisation for matching: NFC, one tone-mark convention, accent folding, tokens.

Displayed passages are never changed by anything here; these functions only build the keys that
questions and passages are compared on.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import lexicon
from .phrases import PhraseMatcher

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}  # â ê ô / ă / ơ ư
_VOWELS = set("aeiouy")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# every combining mark Vietnamese uses (tones, circumflex, breve, horn) lies in this block;
# a regex strips them far faster than testing each character
_COMBINING_RE = re.compile("[\u0300-\u036f]")
# zero-width characters, soft hyphen, and bidirectional controls (LRM/RLM, embeddings, overrides,
# isolates, Arabic letter mark): invisible in a terminal or a browser, so text hidden (or reordered)
# with them could say something else to a model or an index than to a reader
INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”’»)]*(?=\s|$)")


def nfc(text: str) -> str:
    """Unicode NFC composition (the form Vietnamese press text is compared in)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, including đ -> d ("Nghệ An" -> "nghe an")."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return _COMBINING_RE.sub("", decomposed).replace("đ", "d")


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """fold() for one word, cached: article vocabularies are small and words repeat."""
    return fold(word)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (so it was not typed accent-free)."""
    return fold(text) != text.lower()


def _split_marks(word: str) -> list[list[str]]:
    """NFD letters of a word as [base, mark, mark...] groups."""
    groups: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and groups:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return groups


def _tone_position(groups: list[list[str]]) -> int | None:
    """Index of the letter that carries the tone under the traditional convention (hóa, thủy)."""
    bases = [g[0].lower() for g in groups]
    vowels = [i for i, b in enumerate(bases) if b in _VOWELS]
    if not vowels:
        return None
    # "qu" and "gi" + vowel: that u / i belongs to the consonant, not the vowel cluster.
    if len(vowels) > 1 and vowels[0] == 1 and (
        (bases[0] == "q" and bases[1] == "u") or (bases[0] == "g" and bases[1] == "i")
    ):
        vowels = vowels[1:]
    # the vowel cluster is the first contiguous run of vowels
    cluster = [vowels[0]]
    for i in vowels[1:]:
        if i == cluster[-1] + 1:
            cluster.append(i)
    marked = [i for i in cluster if any(m in _QUALITY_MARKS for m in groups[i][1:])]
    if marked:
        return marked[-1]  # ươ -> ơ; otherwise the single â/ê/ô/ă/ơ/ư
    has_final_consonant = cluster[-1] < len(groups) - 1
    if has_final_consonant or len(cluster) == 1:
        return cluster[-1]
    if len(cluster) == 3:
        return cluster[1]
    return cluster[0]


@lru_cache(maxsize=200_000)
def normalize_tone_word(word: str) -> str:
    """Put a word's tone mark on the letter the traditional convention uses (hoá -> hóa)."""
    groups = _split_marks(word)
    tones = [m for g in groups for m in g[1:] if m in _TONE_MARKS]
    if len(tones) != 1:
        return nfc(word)
    target = _tone_position(groups)
    if target is None:
        return nfc(word)
    for g in groups:
        g[1:] = [m for m in g[1:] if m not in _TONE_MARKS]
    groups[target].append(tones[0])
    return nfc("".join("".join(g) for g in groups))


def normalize(text: str) -> str:
    """NFC plus one tone-mark placement convention, for embedding and matching (not display)."""
    text = nfc(text)
    return _WORD_RE.sub(lambda m: normalize_tone_word(m.group(0)) if not m.group(0).isascii() else m.group(0), text)


def _letter_class(pred) -> str:
    """A regex character class of the Latin letters (with Vietnamese diacritics) matching pred."""
    chars = [chr(c) for c in range(0x41, 0x250) if chr(c).isalpha() and pred(chr(c))]
    chars += [chr(c) for c in range(0x1E00, 0x1F00) if chr(c).isalpha() and pred(chr(c))]
    return "[" + "".join(re.escape(c) for c in chars) + "]"


_LOWER = _letter_class(str.islower)
_UPPER = _letter_class(str.isupper)
# two lower-case letters, then a capital followed by a lower-case one: a word glued to the next
# one ("tỉnhHà"); not camel-case brands ("iPhone") or acronyms ("OCOP")
_GLUED_RE = re.compile(f"(?<={_LOWER}{_LOWER})(?={_UPPER}{_LOWER})")


def unglue(text: str) -> str:
    """Separate words a typo glued together ("tỉnhHà Tĩnh" -> "tỉnh Hà Tĩnh"), for matching only."""
    return _GLUED_RE.sub(" ", nfc(text))


# A list item opening a line: "- Gia Lai: ...", "• ...", "1. ...", "a) ..."
LIST_ITEM_RE = re.compile(r"[-–—+•*]\s|\(?(?:\d{1,2}|[a-zđ])[.)]\s")
LIST_LINE_RE = re.compile(r"\n[ \t]*(?=" + LIST_ITEM_RE.pattern + ")")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) inside text; a list item on its own line is a sentence too."""
    spans: list[tuple[int, int]] = []
    start = 0
    ends = sorted({m.end() for m in _SENTENCE_END_RE.finditer(text)} | {m.start() for m in LIST_LINE_RE.finditer(text)})
    for end in ends:
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    # trim surrounding whitespace so spans point at the words themselves
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


# Word data of questions (data/chat_shorthand.tsv, data/acronyms.tsv, data/unit_spellings.tsv,
# read on first use):
# - shorthand people type in chat ("cao bang dc chuyen giao gi", "bn tinh") is never written in
#   press text, so a question's shorthand is simply replaced;
# - acronyms of the press ("CNTT", "KCN", "KT-XH"): an article may use either the acronym or the
#   words, so a question's acronym (or its words) is matched as one term with two alternatives;
# - units spelled out in a question that the press writes as symbols ("héc-ta" for "ha") are
#   matched like an acronym, either form.
# the three dicts are provided by __getattr__ below, without reading the files at import
CHAT_SHORTHAND: dict[str, str]
ACRONYMS: dict[str, str]
UNIT_SPELLINGS: dict[str, str]
_WORD_DATA = {
    "CHAT_SHORTHAND": lexicon.chat_shorthand, "ACRONYMS": lexicon.acronyms, "UNIT_SPELLINGS": lexicon.unit_spellings,
}


def __getattr__(name: str):
    """CHAT_SHORTHAND, ACRONYMS and UNIT_SPELLINGS as dicts, read from their data files on first use."""
    if name in _WORD_DATA:
        return _WORD_DATA[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# an acronym may be written with hyphens or an ampersand between its parts ("KT-XH", "KH&CN")
_SHORT_RE = re.compile(r"(?<![\w.-])([^\W\d_]+(?:\s*[-&]\s*[^\W\d_]+)*)(?![\w.-])", re.UNICODE)
# "tp hcm", "tp Huế": part of a city's name (the province gazetteer reads it), not "thành phố"
_CITY_NAME_RE = re.compile(r"\s+(?:(?i:hcm|ho\b|hồ\b)|[A-ZĐ])")


@lru_cache(maxsize=1)
def _acronym_matcher() -> PhraseMatcher[str]:
    """Acronyms by the folded words they stand for (those of two words or more)."""
    entries = ((fold(words).replace("-", " ").split(), key) for key, words in lexicon.acronyms().items())
    return PhraseMatcher((words, key) for words, key in entries if len(words) > 1)


# "bn" closing a question after "ko", "không", "nhé"... is "bạn" (you), not "bao nhiêu"
_YOU_AT_END_RE = re.compile(r"\s*[?!.]*\s*$")
_YOU_BEFORE_RE = re.compile(r"\b(?:ko|k|khong|hong|hok|chua|nhe|nha|voi|a|ha|di|oi|cam on|bao nhieu)\s*[?,]?\s*$")


def expand_shorthand(question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question with chat shorthand spelled out, and the (acronym, words) pairs it names.

    Pairs come both ways: "CNTT" in the question gives ("CNTT", "công nghệ thông tin"), and
    "công nghệ thông tin" gives ("CNTT", ...) too, so either form in an article matches.
    """
    pairs: list[tuple[str, str]] = []
    shorthand, acronyms, units = lexicon.chat_shorthand(), lexicon.acronyms(), lexicon.unit_spellings()

    def replace(match: re.Match) -> str:
        token = match.group(1)
        key = re.sub(r"[\s&-]", "", fold(token))
        if key in shorthand and token.islower() and " " not in token:
            if key == "tp" and _CITY_NAME_RE.match(question, match.end()):
                return token
            if key == "bn" and _YOU_AT_END_RE.match(question, match.end()) and _YOU_BEFORE_RE.search(
                    fold(question[:match.start()])):
                return "bạn"  # "có trận nào hay ko bn?": a question ending in "you", not "how many"
            return shorthand[key]
        if key in acronyms and (len(key) > 2 or not token.islower() or "-" in token):
            # two lower-case letters are too often an ordinary word typed without accents
            # ("dn" excepted: typed lower-case it is still "doanh nghiệp")
            pairs.append((token, acronyms[key]))
        elif key == "dn" and token.islower():
            pairs.append((token, acronyms[key]))
        elif key in units:
            pairs.append((token, units[key]))
        return token

    text = _SHORT_RE.sub(replace, question)
    # the words of an acronym, anywhere (inside longer ones too: "doanh nghiệp nhỏ và vừa" also
    # names "doanh nghiệp"), give the pair in the order of the acronym data
    words = fold(text).replace("-", " ").split()
    named = {match.value for match in _acronym_matcher().all_matches(words)}
    for key in acronyms:
        if key in named and not any(fold(a).replace("-", "").replace("&", "") == key for a, _ in pairs):
            pairs.append((key.upper(), acronyms[key]))
    return text, pairs
