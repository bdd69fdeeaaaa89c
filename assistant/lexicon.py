"""The word data of assistant/data (glossary, synonym groups, acronyms, gazetteer, word lists).

Each file is read on first use and kept. Format of every file: UTF-8 in NFC; a line starting
with "#" is a comment and blank lines are skipped; any other line is a row of fields separated
by one TAB, and a field holding a list separates its items with "|". Trailing optional columns
are left out rather than left empty. The comments at the top of each file name its columns.
A malformed row raises DataFileError naming the file and the line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = [
    "DataFileError", "DATA_FILES", "glossary", "synonyms", "chat_shorthand", "acronyms", "unit_spellings",
    "provinces", "provinces_2025", "foreign_places", "english_words", "vietnamese_words",
]


class DataFileError(ValueError):
    """A malformed data file; the message names the file and the line."""


def _rows(name: str, columns: tuple[str, ...], required: int) -> list[tuple[int, tuple[str, ...]]]:
    """(line number, fields) of the rows of data file ``name``; missing optional fields come back as ""."""
    try:
        text = (resources.files(__package__) / "data" / name).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{name}: not UTF-8 ({exc})") from None
    if text.startswith("\ufeff"):
        raise DataFileError(f"{name}, line 1: byte-order mark (save as UTF-8 without BOM)")
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line.startswith("#"):
            continue
        fields = tuple(line.split("\t"))
        if not required <= len(fields) <= len(columns):
            raise DataFileError(
                f"{name}, line {number}: {len(fields)} TAB-separated fields, expected "
                f"{'<TAB>'.join(columns)} (at least {required}): {line!r}")
        for column, field in zip(columns, fields):
            if not field:
                raise DataFileError(f"{name}, line {number}: empty {column} (leave a trailing optional column out)")
            if field != field.strip():
                raise DataFileError(f"{name}, line {number}: whitespace around {column} {field!r}")
            if unicodedata.normalize("NFC", field) != field:
                raise DataFileError(f"{name}, line {number}: {column} {field!r} is not in Unicode NFC")
        rows.append((number, fields + ("",) * (len(columns) - len(fields))))
    return rows


def _keyed_rows(name: str, columns: tuple[str, ...], required: int) -> list[tuple[int, tuple[str, ...]]]:
    """_rows, checking that no two rows have the same first field."""
    rows = _rows(name, columns, required)
    seen: dict[str, int] = {}
    for number, fields in rows:
        if fields[0] in seen:
            raise DataFileError(f"{name}, line {number}: {columns[0]} {fields[0]!r} already on line {seen[fields[0]]}")
        seen[fields[0]] = number
    return rows


def _items(name: str, number: int, column: str, field: str) -> tuple[str, ...]:
    """The "|"-separated items of a field ("" gives no items)."""
    if not field:
        return ()
    items = tuple(field.split("|"))
    for item in items:
        if not item or item != item.strip():
            raise DataFileError(f"{name}, line {number}: empty item or whitespace around an item in {column} {field!r}")
    if len(set(items)) != len(items):
        raise DataFileError(f"{name}, line {number}: the same item twice in {column} {field!r}")
    return items


def _pairs(name: str, columns: tuple[str, str]) -> dict[str, str]:
    """A two-column file as a dict, in file order."""
    return {key: value for _, (key, value) in _keyed_rows(name, columns, 2)}


@lru_cache(maxsize=None)
def glossary() -> dict[str, tuple[str, ...]]:
    """English term -> Vietnamese equivalents (the first one is the preferred one), in file order."""
    name, columns = "glossary.tsv", ("english", "vietnamese")
    return {english: _items(name, number, columns[1], vietnamese)
            for number, (english, vietnamese) in _keyed_rows(name, columns, 2)}


@lru_cache(maxsize=None)
def synonyms() -> list[tuple[str, ...]]:
    """Vietnamese synonym groups, in file order (a phrase in two groups belongs to the first)."""
    name = "synonyms.tsv"
    return [_items(name, number, "members", members) for number, (members,) in _rows(name, ("members",), 1)]


@lru_cache(maxsize=None)
def chat_shorthand() -> dict[str, str]:
    """Chat shorthand (folded, lower-case) -> the words it stands for."""
    return _pairs("chat_shorthand.tsv", ("shorthand", "words"))


@lru_cache(maxsize=None)
def acronyms() -> dict[str, str]:
    """Press acronym (folded, lower-case, no hyphens) -> the words it stands for, in file order."""
    return _pairs("acronyms.tsv", ("acronym", "words"))


@lru_cache(maxsize=None)
def unit_spellings() -> dict[str, str]:
    """A unit spelled out (folded, lower-case) -> the symbol the press writes."""
    return _pairs("unit_spellings.tsv", ("spelling", "symbol"))


@lru_cache(maxsize=None)
def provinces() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The 63 pre-2025 units as (canonical name, English name, other spellings), in file order."""
    name, columns = "provinces.tsv", ("name", "english", "aliases")
    return tuple((province, english, _items(name, number, columns[2], aliases))
                 for number, (province, english, aliases) in _keyed_rows(name, columns, 2))


@lru_cache(maxsize=None)
def provinces_2025() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The 34 units after July 2025 as (the pre-2025 unit it continues, the other units merged into it)."""
    name, columns = "provinces_2025.tsv", ("unit", "merged")
    return tuple((unit, _items(name, number, columns[1], merged))
                 for number, (unit, merged) in _keyed_rows(name, columns, 1))


@lru_cache(maxsize=None)
def foreign_places() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Countries and regions abroad as (Vietnamese name, other spellings), in file order."""
    name, columns = "foreign_places.tsv", ("name", "spellings")
    return tuple((place, _items(name, number, columns[1], spellings))
                 for number, (place, spellings) in _keyed_rows(name, columns, 1))


@lru_cache(maxsize=None)
def english_words() -> frozenset[str]:
    """Frequent English words of questions (evidence that a text is English)."""
    return frozenset(word for _, (word,) in _keyed_rows("english_words.txt", ("word",), 1))


@lru_cache(maxsize=None)
def vietnamese_words() -> frozenset[str]:
    """Frequent Vietnamese syllables typed without diacritics (evidence that a text is Vietnamese)."""
    return frozenset(word for _, (word,) in _keyed_rows("vietnamese_words.txt", ("word",), 1))


# every data file and the function that reads it
DATA_FILES = {
    "glossary.tsv": glossary,
    "synonyms.tsv": synonyms,
    "chat_shorthand.tsv": chat_shorthand,
    "acronyms.tsv": acronyms,
    "unit_spellings.tsv": unit_spellings,
    "provinces.tsv": provinces,
    "provinces_2025.tsv": provinces_2025,
    "foreign_places.tsv": foreign_places,
    "english_words.txt": english_words,
    "vietnamese_words.txt": vietnamese_words,
}
