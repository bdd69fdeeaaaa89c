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
# Data (plain literals; Province objects and the regex are built lazily).
# (canonical name, English name, aliases).  Diacritic-free spellings of the name and of
# the aliases are matched automatically thanks to folding.
_RAW: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Red River Delta & North
    ("Hà Nội", "Hanoi", ("Hanoi", "Ha Noi")),
    ("Hải Phòng", "Hai Phong", ("Haiphong",)),
    ("Hà Giang", "Ha Giang", ("Hagiang",)),
    ("Cao Bằng", "Cao Bang", ()),
    ("Bắc Kạn", "Bac Kan", ("Bắc Cạn", "Backan")),
    ("Tuyên Quang", "Tuyen Quang", ()),
    ("Lào Cai", "Lao Cai", ("Laocai",)),
    ("Điện Biên", "Dien Bien", ()),
    ("Lai Châu", "Lai Chau", ()),
    ("Sơn La", "Son La", ()),
    ("Yên Bái", "Yen Bai", ()),
    ("Hòa Bình", "Hoa Binh", ("Hoà Bình",)),
    ("Thái Nguyên", "Thai Nguyen", ()),
    ("Lạng Sơn", "Lang Son", ()),
    ("Quảng Ninh", "Quang Ninh", ()),
    ("Bắc Giang", "Bac Giang", ()),
    ("Phú Thọ", "Phu Tho", ()),
    ("Vĩnh Phúc", "Vinh Phuc", ()),
    ("Bắc Ninh", "Bac Ninh", ()),
    ("Hải Dương", "Hai Duong", ()),
    ("Hưng Yên", "Hung Yen", ()),
    ("Thái Bình", "Thai Binh", ()),
    ("Hà Nam", "Ha Nam", ()),
    ("Nam Định", "Nam Dinh", ()),
    ("Ninh Bình", "Ninh Binh", ()),
    # North Central & Central Coast
    ("Thanh Hóa", "Thanh Hoa", ("Thanh Hoá",)),
    ("Nghệ An", "Nghe An", ()),
    ("Hà Tĩnh", "Ha Tinh", ()),
    ("Quảng Bình", "Quang Binh", ()),
    ("Quảng Trị", "Quang Tri", ()),
    ("Thừa Thiên Huế", "Thua Thien Hue",
     ("Huế", "TT-Huế", "TT Huế", "Thừa Thiên - Huế", "Thừa Thiên-Huế", "Hue city", "Hue")),
    ("Đà Nẵng", "Da Nang", ("Danang", "Da Nang")),
    ("Quảng Nam", "Quang Nam", ()),
    ("Quảng Ngãi", "Quang Ngai", ()),
    ("Bình Định", "Binh Dinh", ()),
    ("Phú Yên", "Phu Yen", ()),
    ("Khánh Hòa", "Khanh Hoa", ("Khánh Hoà",)),
    ("Ninh Thuận", "Ninh Thuan", ()),
    ("Bình Thuận", "Binh Thuan", ()),
    # Central Highlands
    ("Kon Tum", "Kon Tum", ("Kontum",)),
    ("Gia Lai", "Gia Lai", ()),
    ("Đắk Lắk", "Dak Lak", ("Đắc Lắc", "Dak Lak", "Daklak", "Đăk Lăk", "Đắk Lăk", "Darlac")),
    ("Đắk Nông", "Dak Nong", ("Dak Nong", "Đăk Nông", "Daknong")),
    ("Lâm Đồng", "Lam Dong", ()),
    # South East
    ("TP.HCM", "Ho Chi Minh City",
     ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "TP Hồ Chí Minh", "Hồ Chí Minh", "HCM", "HCMC",
      "TPHCM", "TP. HCM", "Sài Gòn", "Saigon", "Ho Chi Minh City")),
    ("Bình Phước", "Binh Phuoc", ()),
    ("Bình Dương", "Binh Duong", ()),
    ("Đồng Nai", "Dong Nai", ()),
    ("Tây Ninh", "Tay Ninh", ()),
    ("Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau",
     ("Bà Rịa–Vũng Tàu", "Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu", "BR-VT", "BRVT")),
    # Mekong Delta
    ("Long An", "Long An", ()),
    ("Tiền Giang", "Tien Giang", ()),
    ("Bến Tre", "Ben Tre", ()),
    ("Trà Vinh", "Tra Vinh", ()),
    ("Vĩnh Long", "Vinh Long", ()),
    ("Đồng Tháp", "Dong Thap", ()),
    ("An Giang", "An Giang", ()),
    ("Kiên Giang", "Kien Giang", ()),
    ("Cần Thơ", "Can Tho", ("Cantho",)),
    ("Hậu Giang", "Hau Giang", ()),
    ("Sóc Trăng", "Soc Trang", ()),
    ("Bạc Liêu", "Bac Lieu", ()),
    ("Cà Mau", "Ca Mau", ()),
)

# The 11 units left unchanged on 1 July 2025 (Thừa Thiên Huế continues as Huế city).
_UNCHANGED_2025: tuple[str, ...] = (
    "Hà Nội", "Thừa Thiên Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
)

# The 23 merged units: surviving name first, then the provinces merged into it.
_MERGERS_2025: tuple[tuple[str, ...], ...] = (
    ("Tuyên Quang", "Hà Giang"),
    ("Lào Cai", "Yên Bái"),
    ("Thái Nguyên", "Bắc Kạn"),
    ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    ("Bắc Ninh", "Bắc Giang"),
    ("Hưng Yên", "Thái Bình"),
    ("Hải Phòng", "Hải Dương"),
    ("Ninh Bình", "Hà Nam", "Nam Định"),
    ("Quảng Trị", "Quảng Bình"),
    ("Đà Nẵng", "Quảng Nam"),
    ("Quảng Ngãi", "Kon Tum"),
    ("Gia Lai", "Bình Định"),
    ("Khánh Hòa", "Ninh Thuận"),
    ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    ("Đắk Lắk", "Phú Yên"),
    ("TP.HCM", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    ("Đồng Nai", "Bình Phước"),
    ("Tây Ninh", "Long An"),
    ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    ("Đồng Tháp", "Tiền Giang"),
    ("Cà Mau", "Bạc Liêu"),
    ("An Giang", "Kiên Giang"),
)

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

_TOKEN_RE = re.compile(r"[^\W_]+")
# Separator allowed between the words of an alias: spaces, a hyphen/dash or a dot.
_SEP = r"(?:\s*[-\u2013\u2014]\s*|\.\s?|\s+)"
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _fold(text: str) -> str:
    """Accent-fold: NFC, lower case, đ -> d, drop combining marks, NFC."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    # Vietnamese combining marks all lie in U+0300-U+036F; a regex drops them much faster
    stripped = _COMBINING_RE.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped)


_COMBINING_RE = re.compile("[\u0300-\u036f]")


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
    for group in _MERGERS_2025:
        merged_from[group[0]] = group
        for absorbed in group[1:]:
            merged_into[absorbed] = group[0]
    survivors = set(_UNCHANGED_2025) | set(merged_from)
    out = []
    for name, english, aliases in _RAW:
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
                  or ctx["prov_after"].match(folded, m.end()) is not None)
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


# Countries and regions abroad that Vietnamese economic news names, as (Vietnamese name, other
# spellings). Only to notice a question about a place its answering article never mentions
# ("mận hậu xuất khẩu sang Úc"), so names that are also common words accent-free ("Anh", "Ý",
# "Mỹ", "Nga", "Pháp", "Đức") appear only in their longer forms; a text with diacritics must
# also agree in its marks ("Úc", not "ức").
FOREIGN_PLACES = (
    ("Úc", ("Australia", "Ôxtrâylia")), ("Hoa Kỳ", ("United States", "USA", "America")),
    ("Nhật Bản", ("Japan",)), ("Hàn Quốc", ("Korea", "South Korea")), ("Trung Quốc", ("China",)),
    ("Campuchia", ("Cambodia",)), ("Thái Lan", ("Thailand",)), ("Singapore", ()),
    ("Malaysia", ()), ("Indonesia", ()), ("Philippines", ()), ("Myanmar", ()), ("Ấn Độ", ("India",)),
    ("Liên bang Nga", ("Russia",)), ("Cộng hòa Pháp", ("France",)), ("Cộng hòa Liên bang Đức", ("Germany",)),
    ("Canada", ()),
    ("Châu Âu", ("Europe", "EU")), ("Đài Loan", ("Taiwan",)), ("Hồng Kông", ("Hong Kong",)),
    ("Trung Đông", ("Middle East",)), ("Châu Phi", ("Africa",)), ("Hà Lan", ("Netherlands",)),
    ("Tây Ban Nha", ("Spain",)), ("Israel", ()), ("Brazil", ()),
)


@lru_cache(maxsize=1)
def _foreign_spellings() -> tuple[tuple[list[tuple[str, ...]], list[tuple[str, ...]]], ...]:
    """Per place: its spellings as typed words (accent keys: "hoà" == "hòa") and as folded words."""
    return tuple(
        ([tuple(_accent_key(w) for w in _TOKEN_RE.findall(s)) for s in (name,) + others],
         [_key(s) for s in (name,) + others])
        for name, others in FOREIGN_PLACES
    )


@lru_cache(maxsize=1)
def _foreign_index() -> dict[tuple[str, ...], int]:
    return {key: n for n, (_, keys) in enumerate(_foreign_spellings()) for key in keys}


def foreign_places(text: str) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Countries and regions abroad a text names: (Vietnamese name, every spelling as folded words)."""
    typed = _TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())
    words = _key(text)
    if len(typed) != len(words):  # tokenisation differs only for exotic input: match nothing
        return []
    index = _foreign_index()
    found: dict[int, None] = {}
    marked = any(_fold(w) != w for w in typed)
    for size in (5, 4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            n = index.get(tuple(words[i:i + size]))
            if n is None:
                continue
            if marked and tuple(_accent_key(w) for w in typed[i:i + size]) not in _foreign_spellings()[n][0]:
                continue  # "ức" is not "Úc"
            found.setdefault(n)
    return [(FOREIGN_PLACES[n][0], _foreign_spellings()[n][1]) for n in found]
