"""Vietnamese text normalisation for matching: NFC, one tone-mark convention, accent folding, tokens.

Displayed passages are never changed by anything here; these functions only build the keys that
questions and passages are compared on.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}  # â ê ô / ă / ơ ư
_VOWELS = set("aeiouy")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# every combining mark Vietnamese uses (tones, circumflex, breve, horn) lies in this block;
# a regex strips them far faster than testing each character
_COMBINING_RE = re.compile("[\u0300-\u036f]")
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


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) inside text; also splits long enumerations at ';'."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
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


# Shorthand people type in chat ("cao bang dc chuyen giao gi", "bn tinh"): never written in press
# text, so a question's shorthand is simply replaced. Keys are folded and lower-case.
CHAT_SHORTHAND = {
    "dc": "được", "ko": "không", "k": "không", "khg": "không", "kh": "không", "bn": "bao nhiêu",
    "bnh": "bao nhiêu", "j": "gì", "vs": "với", "ntn": "như thế nào", "ng": "người", "nc": "nước",
    "trc": "trước", "cty": "công ty", "tgian": "thời gian", "nhg": "nhưng", "wa": "quá",
    "tp": "thành phố",
}
# Acronyms of the press ("CNTT", "KCN", "KT-XH"): an article may use either the acronym or the
# words, so a question's acronym (or its words) is matched as one term with two alternatives.
ACRONYMS = {
    "ubnd": "ủy ban nhân dân", "hdnd": "hội đồng nhân dân", "cntt": "công nghệ thông tin",
    "kcn": "khu công nghiệp", "kkt": "khu kinh tế", "ccn": "cụm công nghiệp", "kcnc": "khu công nghệ cao",
    "dn": "doanh nghiệp", "dnnvv": "doanh nghiệp nhỏ và vừa", "ktxh": "kinh tế - xã hội",
    "htx": "hợp tác xã", "nsnn": "ngân sách nhà nước", "dbscl": "đồng bằng sông Cửu Long",
    "khcn": "khoa học và công nghệ", "khkt": "khoa học kỹ thuật", "gddt": "giáo dục - đào tạo",
    "csgt": "cảnh sát giao thông", "atgt": "an toàn giao thông", "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế", "gpmb": "giải phóng mặt bằng", "xk": "xuất khẩu", "nk": "nhập khẩu",
    "xnk": "xuất nhập khẩu", "sx": "sản xuất", "tw": "trung ương", "qh": "Quốc hội",
    "bql": "ban quản lý", "nltt": "năng lượng tái tạo", "cds": "chuyển đổi số",
    "gtvt": "giao thông vận tải", "nld": "người lao động", "thpt": "trung học phổ thông",
    "dh": "đại học", "bv": "bệnh viện", "tthc": "thủ tục hành chính", "ktnn": "kiểm toán nhà nước",
}
# Units spelled out in a question that the press writes as symbols ("héc-ta" for "ha"): matched
# like an acronym, either form.
UNIT_SPELLINGS = {"hecta": "ha", "kilomet": "km", "megawatt": "MW", "megaoat": "MW"}
# an acronym may be written with hyphens or an ampersand between its parts ("KT-XH", "KH&CN")
_SHORT_RE = re.compile(r"(?<![\w.-])([^\W\d_]+(?:\s*[-&]\s*[^\W\d_]+)*)(?![\w.-])", re.UNICODE)
# "tp hcm", "tp Huế": part of a city's name (the province gazetteer reads it), not "thành phố"
_CITY_NAME_RE = re.compile(r"\s+(?:(?i:hcm|ho\b|hồ\b)|[A-ZĐ])")
_ACRONYM_WORDS = {key: fold(words).replace("-", " ").split() for key, words in ACRONYMS.items()}


# "bn" closing a question after "ko", "không", "nhé"... is "bạn" (you), not "bao nhiêu"
_YOU_AT_END_RE = re.compile(r"\s*[?!.]*\s*$")
_YOU_BEFORE_RE = re.compile(r"\b(?:ko|k|khong|hong|hok|chua|nhe|nha|voi|a|ha|di|oi|cam on|bao nhieu)\s*[?,]?\s*$")


def expand_shorthand(question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question with chat shorthand spelled out, and the (acronym, words) pairs it names.

    Pairs come both ways: "CNTT" in the question gives ("CNTT", "công nghệ thông tin"), and
    "công nghệ thông tin" gives ("CNTT", ...) too, so either form in an article matches.
    """
    pairs: list[tuple[str, str]] = []

    def replace(match: re.Match) -> str:
        token = match.group(1)
        key = re.sub(r"[\s&-]", "", fold(token))
        if key in CHAT_SHORTHAND and token.islower() and " " not in token:
            if key == "tp" and _CITY_NAME_RE.match(question, match.end()):
                return token
            if key == "bn" and _YOU_AT_END_RE.match(question, match.end()) and _YOU_BEFORE_RE.search(
                    fold(question[:match.start()])):
                return "bạn"  # "có trận nào hay ko bn?": a question ending in "you", not "how many"
            return CHAT_SHORTHAND[key]
        if key in ACRONYMS and (len(key) > 2 or not token.islower() or "-" in token):
            # two lower-case letters are too often an ordinary word typed without accents
            # ("dn" excepted: typed lower-case it is still "doanh nghiệp")
            pairs.append((token, ACRONYMS[key]))
        elif key == "dn" and token.islower():
            pairs.append((token, ACRONYMS[key]))
        elif key in UNIT_SPELLINGS:
            pairs.append((token, UNIT_SPELLINGS[key]))
        return token

    text = _SHORT_RE.sub(replace, question)
    words = fold(text).replace("-", " ").split()
    for key, expansion in _ACRONYM_WORDS.items():
        n = len(expansion)
        if n > 1 and any(words[i:i + n] == expansion for i in range(len(words) - n + 1)):
            if not any(fold(a).replace("-", "").replace("&", "") == key for a, _ in pairs):
                pairs.append((key.upper(), ACRONYMS[key]))
    return text, pairs
