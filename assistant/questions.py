"""A question, checked and analysed once: every later step reads this object, none re-derives it.

`checked_question` refuses what no model should see (empty, or a pasted document);
`analyse_question` works out how it was typed, what it names and what it asks for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from . import glossary
from .errors import QuestionError
from .provinces import find_provinces
from .qtypes import asked_measures, asked_units, counted_noun, counted_words, question_types
from .synonyms import synonym_groups
from .text import expand_shorthand, fold, has_diacritics
from .tuning import DEFAULT_TUNING, Tuning

_NUMBER_RE = re.compile(r"\d+")
# a count asked beside a figure of its own kind ("bao nhiêu tiền", "bao nhiêu ha") counts nothing named
_OTHER_FIGURES = frozenset({"money", "percent", "price", "unit", "measure", "length", "duration", "year"})
# The noun that names the kind of answer: "lĩnh vực nào", "những nội dung gì", "what areas",
# "which sectors". The answer is an instance of it, so a passage need not contain the noun itself.
_ANSWER_NOUN_VI_RE = re.compile(r"((?:[^\W\d_]+ ){1,2})(?:nao|gi)\b")
_ANSWER_NOUN_EN_RE = re.compile(r"\b(?:what|which)\s+((?:[a-z]+ ){0,1}[a-z]+)")
_NOT_NOUNS = {"la", "co", "duoc", "lam", "the", "nhu", "o", "cai", "nhung", "cac", "ve", "voi", "vao", "trong",
              "is", "are", "was", "were", "do", "does", "did", "will", "has", "have", "can", "the", "a", "an"}


def checked_question(question: str | None, limit: int) -> str:
    """The question without surrounding space; QuestionError when it is empty or over `limit` characters."""
    question = (question or "").strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > limit:
        raise QuestionError(
            f"the question is {len(question):,} characters long and the limit is {limit:,} "
            "(ASSISTANT_MAX_QUESTION_CHARS): ask about one thing at a time"
        )
    return question


@dataclass(frozen=True)
class Question:
    """What is known about a question before searching (computed once by `analyse_question`)."""

    asked: str  # as typed
    text: str  # NFC, chat shorthand spelled out ("bn" -> "bao nhiêu")
    folded: str  # `text` accent-folded, lower-case, single-spaced
    kind: str  # vi | vi-noaccent | en
    provinces: tuple[str, ...] = ()
    types: frozenset[str] = frozenset()  # what it asks for: year, count, money, person, ... (qtypes)
    units: tuple[str, ...] = ()  # measurement units a count asks in ("ha", "km")
    measures: tuple[str, ...] = ()  # quantities asked without a unit ("population", "area": qtypes._MEASURES)
    numbers: frozenset[str] = frozenset()  # numbers it mentions (they are not answers to "how many")
    # a count, amount or share question: the two folded words after its cue, which a number near
    # them in a sentence favours ("bao nhiêu tiền" -> "tien"; qtypes.counted_words)
    counted: tuple[str, ...] = ()
    # a count question: the words a sentence must name the counted thing by (qtypes.counted_noun) ...
    count_noun: tuple[str, ...] = ()
    count_mass: bool = False  # ... unless a bare noun, which a quantity in a unit may answer ("bao nhiêu xăng")
    expansion: tuple[str, ...] = ()  # English questions: Vietnamese equivalents of its terms
    expansion_groups: tuple[tuple[str, ...], ...] = ()  # ... per English term
    acronyms: tuple[tuple[str, str], ...] = ()  # ("CNTT", "công nghệ thông tin")
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("động thổ", (... "khởi công"))
    answer_noun: tuple[str, ...] = ()  # folded words naming the kind of answer ("linh", "vuc")
    dense_text: str = ""  # what the dense model reads, when not `text` (set by retrieval)

    @property
    def lang(self) -> str:
        """Language to answer in: en for English questions, vi otherwise."""
        return "en" if self.kind == "en" else "vi"

    @property
    def lexical_text(self) -> str:
        """Question plus Vietnamese equivalents of its English terms and both forms of its acronyms."""
        return " ".join([self.text, *self.expansion, *(f"{a} {words}" for a, words in self.acronyms)])

    def with_(self, **changes) -> "Question":
        """A copy with some fields changed."""
        return replace(self, **changes)

    def __str__(self) -> str:
        return self.asked


def analyse_question(question: str, tuning: Tuning = DEFAULT_TUNING) -> Question:
    """Language kind, provinces named, what is asked for, and bilingual expansion of a question."""
    asked = question
    question = unicodedata.normalize("NFC", question)
    if glossary.looks_english(question):
        kind = "en"  # checked first: English questions often name places with diacritics
    elif has_diacritics(question):
        kind = "vi"
    else:
        kind = "vi-noaccent"
    groups = glossary.expand_english_groups(question) if kind == "en" and tuning.use_expansion else []
    acronyms: list[tuple[str, str]] = []
    if kind != "en" and tuning.use_shorthand:
        question, acronyms = expand_shorthand(question)  # "dc" -> "được"; CNTT <-> công nghệ thông tin
    synonyms = synonym_groups(question, accent_free=kind == "vi-noaccent") if kind != "en" and tuning.use_synonyms else []
    types = question_types(question)
    counted = counted_words(question, english=kind == "en") if types & {"count", "money", "percent"} else []
    folded = " ".join(fold(question).split())
    count_noun, count_mass = _count_noun(question, kind, types, acronyms)
    return Question(
        asked=asked,
        text=question,
        folded=folded,
        kind=kind,
        answer_noun=_answer_noun(folded.lower(), kind),
        provinces=tuple(find_provinces(question)),
        types=frozenset(types),
        units=tuple(asked_units(question)),
        measures=asked_measures(question),
        numbers=frozenset(n.lstrip("0") or "0" for n in _NUMBER_RE.findall(question)),
        counted=tuple(counted),
        count_noun=count_noun,
        count_mass=count_mass,
        expansion=tuple(dict.fromkeys(vi for group in groups for vi in group)),
        expansion_groups=tuple(tuple(g) for g in groups),
        acronyms=tuple(acronyms),
        synonyms=tuple((phrase, tuple(group)) for phrase, group in synonyms),
    )


def _count_noun(question: str, kind: str, types: set[str],
                acronyms: list[tuple[str, str]]) -> tuple[tuple[str, ...], bool]:
    """What a count question counts (qtypes.counted_noun), an acronym also as its words ("dn", "doanh nghiệp")."""
    if "count" not in types or types & _OTHER_FIGURES:
        return (), False
    noun, mass = counted_noun(question, kind)
    spelled = [words.lower() if kind == "vi" else fold(words).lower()
               for acronym, words in acronyms if fold(acronym).lower() in {fold(w) for w in noun}]
    return tuple(dict.fromkeys([*noun, *spelled])), mass


def _answer_noun(folded: str, kind: str) -> tuple[str, ...]:
    """The words of the noun naming the kind of answer asked for, or () (see _ANSWER_NOUN_VI_RE)."""
    pattern = _ANSWER_NOUN_EN_RE if kind == "en" else _ANSWER_NOUN_VI_RE
    m = pattern.search(folded)
    if not m:
        return ()
    words = m.group(1).split()
    if kind != "en":
        words.reverse()  # walking back from "nào" / "gì": "những gì" names no noun
    noun = []
    for word in words:
        if word in _NOT_NOUNS:
            break
        noun.append(word)
    return tuple(sorted(noun))
