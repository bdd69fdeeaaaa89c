"""Follow-up questions without an LLM: "Còn Hà Tĩnh thì sao?" after a question about Nghệ An
becomes the previous question with Hà Tĩnh in place of Nghệ An."""

from __future__ import annotations

import re

from .provinces import find_provinces, get_province
from .text import fold

_FOLLOWUP_CUES = (
    "con ", "thi sao", "the nao", "ra sao", "what about", "how about", "and ", "same for", "va ",
    "con voi", "doi voi",
)
_BACK_REFERENCES = ("tinh do", "tinh nay", "o do", "dia phuong do", "dia phuong nay", "that province",
                    "this province", "there", " it ", " it?", "they")


def _is_short(question: str) -> bool:
    return len(fold(question).split()) <= 7


def condense_followup(question: str, history: list[str], province_counts: dict[str, int] | None = None) -> str:
    """A stand-alone version of a follow-up question, using the previous question as context.

    `province_counts` (passages about each province in the index) tells which of the previous
    question's provinces the follow-up replaces: the most specific one, the one fewest passages
    are about; a province nearly every passage is about is the corpus's backdrop, not a subject.
    """
    previous = next((h for h in reversed(history) if h and h.strip()), "")
    if not previous:
        return question
    counts = province_counts or {}
    q_fold = " " + " ".join(fold(question).split()) + " "
    named = find_provinces(question)
    prev_named = sorted(find_provinces(previous), key=lambda p: counts.get(p, 0))  # most specific first
    looks_followup = _is_short(question) and any(cue in q_fold for cue in _FOLLOWUP_CUES)
    if named and (looks_followup or (_is_short(question) and len(fold(question).split()) <= 4)):
        replaced = [p for p in prev_named if p not in named][:len(named)]
        if replaced:
            return _swap_provinces(previous, replaced, [p for p in named if p not in prev_named] or named)
        return f"{previous.rstrip(' ?')} ({', '.join(named)})?"
    if not named and prev_named and any(ref in q_fold for ref in _BACK_REFERENCES):
        return f"{question.rstrip(' ?')} ({', '.join(prev_named)})?"
    return question


def _swap_provinces(previous: str, old: list[str], new: list[str]) -> str:
    """Replace the mentions of the old provinces in a question by the new ones."""
    text = previous
    replacement = ", ".join(new)
    for i, name in enumerate(old):
        province = get_province(name)
        aliases = [name] + list(province.aliases if province else [])
        pattern = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
        text, n = re.subn(rf"(?i)(?<!\w)({pattern})(?!\w)", replacement if i == 0 else "", text, count=1)
        if n == 0:
            # typed without diacritics: match on the folded form, same length, same positions
            folded = fold(text)
            for alias in aliases:
                m = re.search(rf"(?<!\w){re.escape(fold(alias))}(?!\w)", folded)
                if m:
                    text = text[: m.start()] + (replacement if i == 0 else "") + text[m.end():]
                    break
    return " ".join(text.split())
