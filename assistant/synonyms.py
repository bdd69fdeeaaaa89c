"""Vietnamese synonym groups of news reporting ("khởi công" / "động thổ", "du khách" / "khách du
lịch"): a question worded differently from the article still covers the same idea.

Only phrases a journalist uses interchangeably in this domain; loose pairs (tỉnh / địa phương) and
bare syllables inside unrelated compounds ("chi" in "chi nhánh") are left out on purpose.
A press acronym and its words (UBND / ủy ban nhân dân, KCN) are matched by text.ACRONYMS, not
listed here; groups here may still hold an acronym beside other wording ("thpt", "cấp 3").
The groups are data/synonyms.tsv, read on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .phrases import PhraseMatcher
from .text import fold, normalize

SYNONYMS: list[tuple[str, ...]]  # provided by __getattr__ below, without reading the file at import


def __getattr__(name: str):
    """SYNONYMS (the list of synonym groups), read from its data file on first use."""
    if name == "SYNONYMS":
        return lexicon.synonyms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_WORD_RE = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _matchers() -> tuple[PhraseMatcher[int], PhraseMatcher[int]]:
    """Group members as words -> group number: with diacritics (tone-normalised), and folded."""
    groups = lexicon.synonyms()
    exact = PhraseMatcher(
        (_WORD_RE.findall(normalize(member).lower()), i) for i, group in enumerate(groups) for member in group)
    folded_members = ((_WORD_RE.findall(fold(member)), i) for i, group in enumerate(groups) for member in group)
    # one folded syllable is too ambiguous ("lon": lợn or lớn)
    folded = PhraseMatcher((words, i) for words, i in folded_members if len(words) > 1)
    return exact, folded


def synonym_groups(question: str, accent_free: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(the question's words, their synonym group) for each group member the question uses."""
    exact, folded = _matchers()
    words = _WORD_RE.findall(fold(question) if accent_free else normalize(question).lower())
    groups = lexicon.synonyms()
    return [(" ".join(words[m.start:m.end]), groups[m.value])
            for m in (folded if accent_free else exact).longest_matches(words)]
