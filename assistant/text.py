"""Vietnamese text normalisation for matching: NFC, one tone-mark convention, accent folding, tokens.

Displayed passages are never changed by anything here; these functions only build the keys that
questions and passages are compared on.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_TONE_DIGIT = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
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


def syllable_key(word: str) -> str:
    """A tone-placement-independent key: folded syllable plus tone digit ("hoá", "hóa" -> "hoa1")."""
    tone = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_DIGIT:
            tone = _TONE_DIGIT[ch]
    return fold(word) + tone


def _canonical_number(token: str) -> str:
    # "09 tỉnh" and "9 tỉnh" are the same count
    return token.lstrip("0") or "0" if token.isdigit() else token


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


def folded_words(text: str) -> list[str]:
    """Accent-folded lower-case words, numbers without leading zeros ("TP.HCM" -> ["tp", "hcm"])."""
    return [_canonical_number(w) for w in _WORD_RE.findall(fold(unglue(text))) if w != "_"]


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
