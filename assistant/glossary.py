"""English -> Vietnamese glossary lookup for expanding English questions over Vietnamese news.

The glossary itself (general vocabulary of government, economy and cooperation-policy
reporting) is data/glossary.tsv, read on first use; ``EN_TO_VI`` still gives it as a dict.
The English/Vietnamese guess lives in language.py.

Stdlib only.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon
from .language import base_forms, english_tokens
# the language guess moved to language.py; callers still import it from here
from .language import looks_english, vietnamese_name_word  # noqa: F401
from .phrases import PhraseMatcher

__all__ = ["EN_TO_VI", "expand_english", "looks_english"]

EN_TO_VI: dict[str, tuple[str, ...]]  # provided by __getattr__ below, without reading the file at import


def __getattr__(name: str):
    """EN_TO_VI (English term -> Vietnamese equivalents), read from its data file on first use."""
    if name == "EN_TO_VI":
        return lexicon.glossary()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=None)
def _matcher() -> PhraseMatcher[str]:
    """The glossary keys, as English tokens."""
    return PhraseMatcher((english_tokens(key), key) for key in lexicon.glossary())


def _find_terms(question: str) -> list[str]:
    """Glossary keys found in the question, longest phrase first, in order of appearance."""
    # each word also matches a key through its base forms ("signed" -> "sign")
    forms = [base_forms(token) for token in english_tokens(question)]
    return [match.value for match in _matcher().longest_matches_of_forms(forms)]


def expand_english_groups(question: str) -> list[tuple[str, ...]]:
    """For each glossary term of an English question, its Vietnamese equivalents (one group per term)."""
    glossary = lexicon.glossary()
    return [glossary[key] for key in _find_terms(question or "")]


def expand_english(question: str) -> list[str]:
    """Vietnamese equivalents of the glossary terms in an English question, de-duplicated, in order."""
    glossary = lexicon.glossary()
    out: list[str] = []
    for key in _find_terms(question or ""):
        for vi in glossary[key]:
            if vi not in out:
                out.append(vi)
    return out
