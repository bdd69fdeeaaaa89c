"""Phrase lookup in a token sequence: the one matcher behind the glossary, the synonym groups,
the press acronyms and the foreign place names.

Callers tokenise and fold (or not) their text themselves; a phrase is a tuple of tokens in the
same form.
"""

from __future__ import annotations

from typing import Generic, Iterable, NamedTuple, Sequence, TypeVar

V = TypeVar("V")


class Match(NamedTuple, Generic[V]):
    """A phrase found at tokens[start:end], and the value it was entered with."""

    start: int
    end: int
    value: V


class PhraseMatcher(Generic[V]):
    """Phrases (token tuples) mapped to values, found in token sequences."""

    def __init__(self, entries: Iterable[tuple[Sequence[str], V]]):
        values: dict[tuple[str, ...], V] = {}
        for tokens, value in entries:
            # the first entry of a phrase wins; a phrase of no tokens ("%" has no word) never matches
            if tokens:
                values.setdefault(tuple(tokens), value)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in values:
            by_first.setdefault(phrase[0], []).append(phrase)
        for phrases in by_first.values():
            phrases.sort(key=len, reverse=True)  # stable: phrases of one length keep entry order
        self._values = values
        self._by_first = by_first

    def __len__(self) -> int:
        return len(self._values)

    def longest_matches(self, tokens: Sequence[str]) -> list[Match[V]]:
        """Non-overlapping matches left to right, each the longest phrase starting at its token."""
        return self.longest_matches_of_forms([(token,) for token in tokens])

    def longest_matches_of_forms(self, forms: Sequence[Sequence[str]]) -> list[Match[V]]:
        """longest_matches where each position offers several forms of its token, in order of preference."""
        # a phrase matches when each of its tokens is one of the forms at its position; of the
        # longest phrases at a position, the one starting with the earliest form wins (the word
        # as written before its base forms: "signing" before "sign"), then the one entered first
        found: list[Match[V]] = []
        i = 0
        while i < len(forms):
            best: tuple[str, ...] | None = None
            for form in forms[i]:
                for phrase in self._by_first.get(form, ()):
                    n = len(phrase)
                    if i + n > len(forms) or (best is not None and n <= len(best)):
                        continue
                    if all(phrase[j] in forms[i + j] for j in range(1, n)):
                        best = phrase
            if best is None:
                i += 1
                continue
            found.append(Match(i, i + len(best), self._values[best]))
            i += len(best)
        return found

    def all_matches(self, tokens: Sequence[str]) -> list[Match[V]]:
        """Every occurrence of every phrase, overlaps included: by start, the longer first at one start."""
        found: list[Match[V]] = []
        for i, token in enumerate(tokens):
            for phrase in self._by_first.get(token, ()):
                n = len(phrase)
                if i + n <= len(tokens) and tuple(tokens[i:i + n]) == phrase:
                    found.append(Match(i, i + n, self._values[phrase]))
        return found
