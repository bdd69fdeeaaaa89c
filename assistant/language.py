"""English or Vietnamese: the guess that decides how a question is searched, and the English
word tokens (with light lemmatisation) that the guess and the glossary lookup share.

The word lists are data files (data/english_words.txt, data/vietnamese_words.txt), read on
first use. Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import lexicon

__all__ = ["english_tokens", "base_forms", "looks_english", "vietnamese_name_word"]

# ---------------------------------------------------------------------------------------
# Tokenisation and light English lemmatisation.

_WORD_RE = re.compile(r"[a-z0-9]+")
_POSSESSIVE_RE = re.compile(r"(?<=[a-z])['\u2019]s\b")


def english_tokens(text: str) -> list[str]:
    """Lower-case ASCII word tokens; possessive 's dropped; hyphens split words."""
    text = _POSSESSIVE_RE.sub("", text.lower())
    return _WORD_RE.findall(text)


def base_forms(token: str) -> tuple[str, ...]:
    """The token followed by plausible base forms (plural, -ed, -ing)."""
    out = [token]
    n = len(token)
    if n > 4 and token.endswith("ies"):
        out.append(token[:-3] + "y")                     # industries -> industry
    if n > 4 and token.endswith("es"):
        out.append(token[:-2])                           # businesses -> business
    if n > 3 and token.endswith("s") and not token.endswith("ss"):
        out.append(token[:-1])                           # provinces -> province
    if n > 4 and token.endswith("ied"):
        out.append(token[:-3] + "y")                     # supplied -> supply
    if n > 4 and token.endswith("ed"):
        out += [token[:-2], token[:-1]]                  # signed -> sign, merged -> merge
        if token[-3] == token[-4]:
            out.append(token[:-3])                       # planned -> plan
    if n > 5 and token.endswith("ing"):
        out += [token[:-3], token[:-3] + "e"]            # signing -> sign, merging -> merge
        if token[-4] == token[-5]:
            out.append(token[:-4])                       # planning -> plan
    seen: list[str] = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return tuple(seen)


# ---------------------------------------------------------------------------------------
# Language guess.

_VN_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_VN_LETTERS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
_ANY_WORD_RE = re.compile(r"[^\W\d_]+")
# Vietnamese function and question words written with diacritics: the frame of a Vietnamese
# question, so they outweigh an English name it asks about ("Green Valley School nằm ở đâu?")
_VN_FRAME_WORDS = frozenset("là gì nào đâu của các những và với được đã để về ở tại có không thế sao mấy nhiêu".split())
# English geographic words shaped like Vietnamese syllables, which follow Vietnamese names in
# English text (a bay, a dam, a beach, a sea): never part of the Vietnamese name itself
_NAME_SUFFIXES = frozenset({"bay", "dam", "beach", "sea"})


@lru_cache(maxsize=None)
def _glossary_words() -> frozenset[str]:
    """Single English words of the glossary keys (content-word evidence for English)."""
    words = {t for key in lexicon.glossary() for t in english_tokens(key) if len(t) > 2}
    return frozenset(words - lexicon.vietnamese_words() - {"ocop", "fdi", "mou"})


def _score(text: str) -> tuple[float, float]:
    """(English evidence, Vietnamese evidence) summed over the word tokens of ``text``."""
    en = vi = 0.0
    glossary_words = _glossary_words()
    english_words, vietnamese_words = lexicon.english_words(), lexicon.vietnamese_words()
    for word in _ANY_WORD_RE.findall(unicodedata.normalize("NFC", text).lower()):
        if any(c in _VN_LETTERS for c in word):
            vi += 2 if word in _VN_FRAME_WORDS else 1
        elif not word.isascii():
            continue                                  # another script: no evidence
        elif word in vietnamese_words:
            vi += 1
        elif word in english_words or any(c in glossary_words for c in base_forms(word)):
            en += 1
        elif _VN_SYLLABLE_RE.fullmatch(word):
            vi += 0.5                                 # shaped like a Vietnamese syllable
        elif len(word) > 1:
            en += 0.5                                 # un-Vietnamese shape: English word or name
    return en, vi


def syllable_shaped(word: str) -> bool:
    """Whether a lower-case word without diacritics is shaped like a Vietnamese syllable ("nguyen", "truong")."""
    return _VN_SYLLABLE_RE.fullmatch(word) is not None


def vietnamese_name_word(word: str) -> bool:
    """A capitalised Vietnamese syllable without diacritics in English text ("Ha", "Tho"), not English ("City", "Bay")."""
    lower = word.lower()
    return (
        word[:1].isupper() and word.isascii() and lower not in lexicon.english_words()
        and lower not in _NAME_SUFFIXES and lower not in _glossary_words()
        and _VN_SYLLABLE_RE.fullmatch(lower) is not None
    )


def looks_english(text: str) -> bool:
    """True when ``text`` is most likely English rather than Vietnamese (with or without diacritics)."""
    en, vi = _score(text or "")
    return en >= 1 and en > vi
