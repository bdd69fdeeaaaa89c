"""Vietnamese province gazetteer: the 63 pre-2025 provincial-level units and the July 2025 mergers.

Matching is done on accent-folded text (lower case, đ -> d, no combining marks) on word
boundaries, with one precompiled regex (a token trie, longest alias first) built lazily on
first use.  A few guards keep common-word collisions out:

* when the matched span carries diacritics, every accented word must agree with the
  diacritics of an alias (tone placement "hoà"/"hòa" is ignored), so "hai đường" (two roads)
  is not Hải Dương, "sơn là" is not Sơn La and the given name "Huệ" is not Huế;
* "Hòa Bình", "Thái Bình" and "Cao Bằng" are also ordinary words ("peace", "peaceful",
  "as high as"): they count only when every word is capitalised or when preceded by
  "tỉnh"/"province" or followed by "province";
* "Thái Bình Dương" (Pacific Ocean) and "Hải Dương học" (oceanography) are not provinces;
* a bare "Hồ Chí Minh" right after "Chủ tịch", "Bác", "tư tưởng", "lăng", "President", ...
  is the person, not the city.

Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .phrases import PhraseMatcher
from .text import fold, nfc

__all__ = ["Province", "find_provinces", "province_mentions", "get_province", "all_provinces", "related_provinces"]


@dataclass(frozen=True)
class Province:
    """A pre-2025 provincial-level unit and its fate in the July 2025 reorganisation.

    ``aliases`` are alternative spellings (the canonical ``name`` is not repeated there).
    ``post2025`` is True for the 34 names that exist after 1 July 2025.  For a province
    absorbed into another one, ``merged_into`` is the surviving name.  For a surviving
    province that absorbed others, ``merged_from`` lists every pre-2025 unit of the new one,
    itself first (e.g. Ninh Bình -> ("Ninh Bình", "Hà Nam", "Nam Định")); it is empty otherwise.
    """

    name: str
    aliases: tuple[str, ...]
    english: str
    pre2025: bool
    post2025: bool
    merged_into: str | None
    merged_from: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# Matching rules. The gazetteer itself is data (data/provinces.tsv, data/provinces_2025.tsv,
# data/foreign_places.tsv, read by lexicon.py on first use); Province objects and the regex
# are built lazily from it.

# Folded aliases that are also ordinary words: need capitals or a "tỉnh"/"province" context.
_NEEDS_CAPITALS: frozenset[tuple[str, ...]] = frozenset({
    ("hoa", "binh"), ("thai", "binh"), ("cao", "bang"),
})
# Folded alias -> pattern which, right after the alias, turns the whole thing into a non-province.
_STOP_SUFFIX: dict[tuple[str, ...], str] = {
    ("thai", "binh"): r"\s+duong(?![^\W_])",   # Thái Bình Dương = Pacific Ocean
    ("hai", "duong"): r"\s+hoc(?![^\W_])",     # Hải Dương học = oceanography
}
# Bare "Hồ Chí Minh" preceded by these (folded) words is the person, not the city.
_HCM_PERSON_BEFORE = (
    r"(?<![^\W_])(?:chu\s+tich|bac|tu\s+tuong|lang|bao\s+tang|nha\s+tuong\s+niem|tncs|cong\s+san"
    r"|duong|president|uncle)\s*$"
)
_HCM_PERSON_AFTER = r"\s+(?:trail|mausoleum|museum|thought)(?![^\W_])"
_PROVINCE_BEFORE = r"(?<![^\W_])(?:tinh|province(?:\s+of)?)\s*$"
_PROVINCE_AFTER = r"\s+province(?![^\W_])"
# Typed without diacritics and capitals ("hop tac voi cao bang"), an ambiguous name is a place
# after a preposition that takes a place or a partner: with, at, in, to, between.
_PLACE_BEFORE = r"(?<![^\W_])(?:voi|tai|o|den|giua)\s*$"

_TOKEN_RE = re.compile(r"[^\W_]+")
# Separator allowed between the words of an alias: spaces, a hyphen/dash or a dot.
_SEP = r"(?:\s*[-\u2013\u2014]\s*|\.\s?|\s+)"
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _fold(text: str) -> str:
    """Accent-fold (text.fold), recomposed to NFC."""
    # fold() of Latin text in NFC has one character per original character; recomposing keeps
    # that true of scripts whose marks lie outside the combining block (Hangul, kana), so an
    # offset in the folded text is an offset in the original
    return nfc(fold(text))


def _key(text: str) -> tuple[str, ...]:
    """Folded word tokens: the lookup key of a name/alias."""
    return tuple(_TOKEN_RE.findall(_fold(text)))


def _accent_key(word: str) -> str:
    """Lower-case word with diacritics, tone position made irrelevant ("hoà" == "hòa")."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", word).lower())
    tones = "".join(sorted(c for c in decomposed if c in _TONE_MARKS))
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return base + "/" + tones


# ---------------------------------------------------------------------------------------
# Lazily built indexes.

@lru_cache(maxsize=None)
def _provinces() -> tuple[Province, ...]:
    """Build the 63 Province records."""
    merged_into: dict[str, str] = {}
    merged_from: dict[str, tuple[str, ...]] = {}
    for unit, absorbed in lexicon.provinces_2025():
        if absorbed:
            merged_from[unit] = (unit, *absorbed)
        for name in absorbed:
            merged_into[name] = unit
    survivors = {unit for unit, _ in lexicon.provinces_2025()}
    out = []
    for name, english, aliases in lexicon.provinces():
        extra = tuple(a for a in (english,) if a not in aliases and _key(a) != _key(name))
        out.append(Province(
            name=name,
            aliases=tuple(aliases) + extra,
            english=english,
            pre2025=True,
            post2025=name in survivors,
            merged_into=merged_into.get(name),
            merged_from=merged_from.get(name, ()),
        ))
    return tuple(out)


@lru_cache(maxsize=None)
def _by_name() -> dict[str, Province]:
    return {p.name: p for p in _provinces()}


@lru_cache(maxsize=None)
def _alias_index() -> dict[tuple[str, ...], tuple[Province, tuple[tuple[str, ...], ...]]]:
    """Folded alias key -> (province, word lists of every spelling with that key)."""
    spellings: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    owner: dict[tuple[str, ...], Province] = {}
    for p in _provinces():
        for alias in (p.name, *p.aliases):
            key = _key(alias)
            if key in owner and owner[key] is not p:
                raise ValueError(f"alias {alias!r} is ambiguous: {owner[key].name} / {p.name}")
            owner[key] = p
            words = tuple(_TOKEN_RE.findall(unicodedata.normalize("NFC", alias)))
            spellings.setdefault(key, []).append(words)
    return {k: (owner[k], tuple(v)) for k, v in spellings.items()}


def _trie_regex(node: dict) -> str:
    alts = []
    for token in sorted((t for t in node if t), key=lambda t: (-len(t), t)):
        child = node[token]
        children = [t for t in child if t]
        piece = re.escape(token)
        if children:
            cont = _SEP + "(?:" + _trie_regex(child) + ")"
            piece += "(?:" + cont + ")?" if "" in child else cont
        alts.append(piece)
    return "|".join(alts)


@lru_cache(maxsize=None)
def _matcher() -> re.Pattern[str]:
    """One regex over all folded aliases (token trie => longest alias wins at a position)."""
    trie: dict = {}
    for key in _alias_index():
        node = trie
        for token in key:
            node = node.setdefault(token, {})
        node[""] = {}
    return re.compile(r"(?<![^\W_])(?:" + _trie_regex(trie) + r")(?![^\W_])")


@lru_cache(maxsize=None)
def _context_res() -> dict[str, re.Pattern[str]]:
    return {
        "hcm_before": re.compile(_HCM_PERSON_BEFORE),
        "hcm_after": re.compile(_HCM_PERSON_AFTER),
        "prov_before": re.compile(_PROVINCE_BEFORE),
        "prov_after": re.compile(_PROVINCE_AFTER),
        "place_before": re.compile(_PLACE_BEFORE),
        **{"stop:" + " ".join(k): re.compile(v) for k, v in _STOP_SUFFIX.items()},
    }


def _accents_agree(span: str, spellings: tuple[tuple[str, ...], ...]) -> bool:
    """True if each accented word of ``span`` has the diacritics of some spelling's word."""
    words = _TOKEN_RE.findall(span)
    if all(_fold(w) == w.lower() for w in words):
        return True
    for spelling in spellings:
        if len(spelling) != len(words):
            continue
        if all(_fold(w) == w.lower() or _accent_key(w) == _accent_key(s)
               for w, s in zip(words, spelling)):
            return True
    return False


# ---------------------------------------------------------------------------------------
# Public API.

def find_provinces(text: str) -> list[str]:
    """Canonical names of provinces mentioned in ``text``, in order of first mention, no duplicates."""
    return list(dict.fromkeys(name for _, _, name in province_mentions(text)))


def province_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every province mention as (start, end, canonical name), offsets into NFC ``text``."""
    if not text:
        return []
    original = unicodedata.normalize("NFC", text)
    folded = _fold(original)
    aligned = len(folded) == len(original)  # positions map 1:1 (always, for Vietnamese text)
    rx, index, ctx = _matcher(), _alias_index(), _context_res()
    found: list[tuple[int, int, str]] = []
    pos = 0
    while True:
        m = rx.search(folded, pos)
        if m is None:
            break
        key = tuple(_TOKEN_RE.findall(m.group()))
        province, spellings = index[key]
        first_word_end = m.start() + len(key[0])
        stop = ctx.get("stop:" + " ".join(key))
        if stop is not None:
            s = stop.match(folded, m.end())
            if s is not None:
                pos = s.end()
                continue
        span = original[m.start():m.end()] if aligned else m.group()
        ok = _accents_agree(span, spellings)
        if ok and key in _NEEDS_CAPITALS:
            words = _TOKEN_RE.findall(span)
            ok = (all(w[0].isupper() for w in words) or not aligned
                  or ctx["prov_before"].search(folded, max(0, m.start() - 20), m.start()) is not None
                  or ctx["prov_after"].match(folded, m.end()) is not None
                  or (span == m.group() and ctx["place_before"].search(folded, max(0, m.start() - 20), m.start())
                      is not None))
        if ok and key == ("ho", "chi", "minh"):
            ok = (ctx["hcm_before"].search(folded, max(0, m.start() - 30), m.start()) is None
                  and ctx["hcm_after"].match(folded, m.end()) is None)
        if not ok:
            pos = first_word_end
            continue
        found.append((m.start(), m.end(), province.name))
        pos = m.end()
    return found


def get_province(name_or_alias: str) -> Province | None:
    """The Province for a canonical name or alias (any case, with or without diacritics), else None."""
    key = _key(name_or_alias or "")
    index = _alias_index()
    if key in index:
        return index[key][0]
    # Tolerate administrative prefixes/suffixes: "tỉnh Nghệ An", "thành phố Đà Nẵng", "Can Tho city".
    for prefix in (("tinh",), ("thanh", "pho"), ("tp",), ("province", "of"), ("city", "of")):
        if key[:len(prefix)] == prefix and key[len(prefix):] in index:
            return index[key[len(prefix):]][0]
    for suffix in (("province",), ("city",)):
        if key[-1:] == suffix and key[:-1] in index:
            return index[key[:-1]][0]
    return None


def all_provinces() -> tuple[Province, ...]:
    """All 63 pre-2025 provincial-level units (post-2025 status recorded on each)."""
    return _provinces()


def related_provinces(name: str) -> tuple[str, ...]:
    """Canonical names merged together with ``name`` in July 2025 (excluding itself), else ()."""
    province = get_province(name)
    if province is None:
        return ()
    survivor = _by_name()[province.merged_into] if province.merged_into else province
    return tuple(n for n in survivor.merged_from if n != province.name)


# Countries and regions abroad that Vietnamese economic news names (data/foreign_places.tsv):
# only to notice a question about a place its answering article never mentions ("mận hậu xuất
# khẩu sang Úc"); a text with diacritics must also agree in its marks ("Úc", not "ức").
FOREIGN_PLACES: tuple[tuple[str, tuple[str, ...]], ...]  # provided by __getattr__ below, without reading the file at import

def __getattr__(name: str):
    """FOREIGN_PLACES ((Vietnamese name, other spellings) per place), read from its data file on first use."""
    if name == "FOREIGN_PLACES":
        return lexicon.foreign_places()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def _foreign_spellings() -> tuple[tuple[list[tuple[str, ...]], list[tuple[str, ...]]], ...]:
    """Per place: its spellings as typed words (accent keys: "hoà" == "hòa") and as folded words."""
    return tuple(
        ([tuple(_accent_key(w) for w in _TOKEN_RE.findall(s)) for s in (name,) + others],
         [_key(s) for s in (name,) + others])
        for name, others in lexicon.foreign_places()
    )


@lru_cache(maxsize=1)
def _foreign_matcher() -> PhraseMatcher[int]:
    """Folded spellings -> place number."""
    return PhraseMatcher((key, n) for n, (_, keys) in enumerate(_foreign_spellings()) for key in keys)


def foreign_places(text: str) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Countries and regions abroad a text names: (Vietnamese name, every spelling as folded words)."""
    typed = _TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())
    words = _key(text)
    if len(typed) != len(words):  # tokenisation differs only for exotic input: match nothing
        return []
    spellings = _foreign_spellings()
    found: dict[int, None] = {}
    marked = any(_fold(w) != w for w in typed)
    # every occurrence, overlaps included, longest spellings first: a longer spelling whose
    # marks disagree does not hide a shorter one inside it, and places come in that order
    for m in sorted(_foreign_matcher().all_matches(words), key=lambda m: m.start - m.end):
        if marked and tuple(_accent_key(w) for w in typed[m.start:m.end]) not in spellings[m.value][0]:
            continue  # "ức" is not "Úc"
        found.setdefault(m.value)
    places = lexicon.foreign_places()
    return [(places[n][0], spellings[n][1]) for n in found]
