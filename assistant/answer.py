"""The extractive answerer: the sentence(s) that answer, with [n] markers, or a plain abstention.

No language model: candidate sentences from the top passages are scored by how much of the
question they cover (IDF-weighted, in the key space the question was typed in), whether they hold
what the question asks for (a year, a count, a province, a person) and the passage's rank.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from . import glossary, lexical
from .language import syllable_shaped
from .provinces import find_provinces, foreign_places, province_mentions
from .backend import ReadIndex
from .qtypes import NUMBER_WORDS, NUMBER_WORDS_EN, number_near, satisfies
from .questions import Question
from .store import Hit
from .text import LIST_LINE_RE, fold, has_diacritics, split_sentences, unglue
from .tuning import DEFAULT_TUNING, Tuning

NOT_FOUND = {
    "vi": "Không tìm thấy thông tin này trong các bài viết đã lập chỉ mục.",
    "en": "Not found in the indexed articles.",
}
# A question about the chairman is not answered by a sentence about a vice-chairman.
_ROLES = (("chu tich", "chairman"), ("giam doc", "director"), ("bi thu", "secretary"))


@dataclass
class Support:
    """How well the retrieved passages support an answer; decides abstention."""

    coverage: float  # IDF-weighted share of the question's terms found in a top passage
    dense: float  # cosine similarity of the top passage
    type_ok: bool  # the answer sentence holds what was asked (a year, a count, ...)
    province_ok: bool  # the passages are about the province the question names
    # names and numbers asked about that the answering article lacks (a year: its passage)
    missing: list[str] = field(default_factory=list)
    phrase_coverage: float = 1.0  # share of an accent-free question's word pairs found in a top passage
    features: dict[str, float] = field(default_factory=dict)  # answerability.FEATURES
    probability: float | None = None  # P(answerable) by the learned scorer
    draft: str = ""  # the chosen sentences, shown unless it abstains (what the scorer judged)

    def ok(self, kind: str, tuning: Tuning = DEFAULT_TUNING) -> bool:
        """Whether to answer rather than abstain (the learned scorer, or the older fixed thresholds)."""
        if tuning.answerability == "learned":
            from .answerability import default_scorer, vetoed

            if vetoed(self.features):
                self.probability = 0.0
                return False
            scorer = default_scorer()
            self.probability = scorer.probability(self.features)
            threshold = scorer.threshold if tuning.answer_threshold is None else tuning.answer_threshold
            return self.probability >= threshold
        return (
            self.type_ok
            and self.province_ok
            and not self.missing
            and self.coverage >= tuning.per_kind("min_coverage", kind)
            and self.phrase_coverage >= tuning.min_phrase_coverage
            and self.dense >= tuning.per_kind("min_dense", kind)
        )


@dataclass
class Citation:
    """A passage the answer cites, numbered as its [n] marker."""

    n: int
    hit: Hit
    highlights: list[tuple[int, int]] = field(default_factory=list)  # sentence spans in the text

    def as_dict(self) -> dict:
        """The JSON shape of a citation (keys fixed by the CLI contract)."""
        p = self.hit.passage
        return {
            "id": self.n,
            "article": p.article,
            "title": p.title,
            "section": p.section,
            "text": p.text,
            "start": p.start,
            "end": p.end,
            "score": round(self.hit.score, 4),
        }


@dataclass
class Answer:
    """An answer with its citations; `nearest` holds passages shown when it abstained."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    nearest: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lang: str = "vi"
    support: Support | None = None
    standalone_question: str = ""  # the question actually searched (follow-ups are rewritten)
    quoted: bool = True  # the answer quotes the articles' sentences (False: an LLM wrote it)

    def as_dict(self) -> dict:
        """The JSON shape of an answer (keys fixed by the CLI contract)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.as_dict() for c in self.citations],
        }


def source_lines(label: str, hit: Hit, with_text: bool = True) -> list[str]:
    """A cited or nearest passage as plain text: "[1] title › section (file:start-end)", then the text."""
    p = hit.passage
    where = (p.title or p.article) + (f" › {p.section}" if p.section else "")
    lines = [f"{label} {where} ({p.article}:{p.start}-{p.end})"]
    return lines + (["    " + " ".join(p.text.split())] if with_text else [])


def roles_match(question: Question, text: str) -> bool:
    """A role the question asks about (chairman...) appears in the text with the same rank."""
    q, t = " " + question.folded + " ", " " + fold(text) + " "
    for vi_role, en_role in _ROLES:
        for cue in (vi_role, en_role):
            m = re.search(rf"(\w+)?\s*\b{cue}\b", q)
            if not m:
                continue
            deputy = m.group(1) in ("pho", "vice", "deputy")
            plain_in_text = re.search(rf"(?<!pho )\b{vi_role}\b", t) is not None
            deputy_in_text = re.search(rf"\bpho {vi_role}\b", t) is not None
            if deputy and not deputy_in_text or not deputy and not plain_in_text:
                return False
    return True


@dataclass
class _Candidate:
    hit_rank: int
    start: int
    end: int
    text: str
    score: float
    coverage: float
    satisfied: bool
    has_province: bool
    clause: bool = False
    held: set = field(default_factory=set)  # the asked-for kinds this sentence holds
    # the sentence's terms, and with its context (the sentence before, the title): for coverage
    terms: tuple[set, set] = field(default_factory=lambda: (set(), set()))


def extract_answer(question: Question, hits: list[Hit], index: ReadIndex, tuning: Tuning = DEFAULT_TUNING) -> Answer:
    """Pick the answering sentence(s) from the hits, or abstain when support is weak."""
    lang = question.lang
    if not hits:
        return Answer(question.asked, NOT_FOUND[lang], True, lang=lang)
    asked_text = question.text  # chat shorthand spelled out ("bn" -> "bao nhiêu")
    folded = question.kind != "vi"
    keys = tuning.lexical
    max_chars = tuning.max_answer_chars
    corpus_stats: dict = {}
    kinds = set(question.types)
    asked = list(question.provinces)
    # typed without diacritics, a province's name may be part of another name in the passages
    # (a road or a port named after a place): then the question is not about the province
    not_provinces = question.kind == "vi-noaccent" and _names_not_provinces(
        _province_phrases(asked_text, asked), " ".join(h.passage.text for h in hits))
    # A descriptive question (what areas, how, what commitments) about particular provinces is
    # answered from the best passages about them, without the roll of every partner (it names them
    # among many others and shares the question's words, but says nothing of them in particular),
    # and its whole answer comes from one passage. A question about a group of provinces ("ba
    # tỉnh", "the four provinces") may be answered by a roll; a factoid (a year, an amount, a
    # person) may take its sentence from any of the top passages.
    descriptive = (tuning.descriptive_one_passage and not kinds and bool(asked) and not not_provinces
                   and not _GROUP_RE.search(question.folded.lower()))
    items = coverage_items(question, index, folded, keys, corpus_stats, skip_answer_noun=False)
    # the noun naming the kind of answer ("lĩnh vực" in "lĩnh vực nào") helps pick the sentence that
    # names it, but a province's own passage need not use it: answer-or-abstain leaves it out (and
    # reads the sentence with its article's title)
    support_items = items
    if descriptive:
        support_items = coverage_items(question, index, folded, keys, None, skip_answer_noun=True)
    ranks = list(range(min(len(hits), tuning.answer_passages)))
    if descriptive:
        ranks = _subject_ranks(hits, asked, index, ranks)

    terms_of: dict[int, set[str]] = {}

    def passage_terms(rank: int) -> set[str]:
        """A retrieved passage's terms in the question's key space (extracted once per passage)."""
        if rank not in terms_of:
            p = hits[rank].passage
            terms_of[rank] = set(lexical.terms(p.section + "\n" + p.text, folded=folded, keys=keys))
        return terms_of[rank]

    focus = list(question.counted)
    candidates: list[_Candidate] = []
    for rank in ranks:
        hit = hits[rank]
        text = hit.passage.text
        label = passage_label(text)
        about_asked = all(p in index.provinces_of(hit.id) for p in asked) or not_provinces
        # a list ("... cụ thể: - Gia Lai: ...; - Đắk Lắk: ..."): each item is read with the intro,
        # which says what the items are, and the items say whose each is
        list_items = _list_items(text)
        intro: set[str] = set()
        items_named: set[str] = set()
        if list_items:
            intro = set(lexical.terms(text[:list_items[0][0]], folded=folded, keys=keys))
            items_named = set().union(*(found for _, _, found in list_items))
        # a sentence is read with the one before it, which often names the subject it speaks of
        # only implicitly (a list label, "hai bên", "dự án")
        previous: set[str] = set()
        for s, e in _answer_units(text, max_chars):
            sentence = text[s:e]
            # "X - tỉnh Y: ..." — later sentences of the paragraph inherit its list label
            shown = f"{label}: {sentence}" if label and s > len(label) else sentence
            present = set(lexical.terms(hit.passage.section + "\n" + shown, folded=folded, keys=keys))
            # "Hệ thống ... sẽ được mở rộng lên 80 điểm cầu": the subject is often named only in the
            # sentence before, so the sentence in its context counts for part of its coverage
            item = next((i for i, (start, end, _) in enumerate(list_items) if start <= s < end), None)
            if item is not None and s == list_items[item][0]:
                previous = intro  # an item's first sentence: read with the intro, not the item before
            context = present | previous
            coverage = _context_coverage(items, present, context, tuning.context_share)
            previous = present
            held = {k for k in kinds if satisfies(k, shown, question)}
            if "person" in held and not roles_match(question, shown):
                held.discard("person")
            ok = held == kinds
            score_bonus = 0.3 if held and focus and number_near(shown, focus) else 0.0
            share = len(held) / len(kinds) if kinds else 1.0
            about_unit = about_asked
            if asked and about_asked and not not_provinces and any(p in items_named for p in asked):
                # the list has an item of a province asked: an item, or a sentence outside the items
                # (the intro), is about the provinces asked only if it names one of them itself
                named = list_items[item][2] if item is not None else set(find_provinces(unglue(sentence)))
                about_unit = any(p in named for p in asked)
            score = coverage + (0.5 * share - 0.25 if kinds else 0) + (0.3 if asked and about_unit else 0)
            score += 0.08 / (rank + 1) + score_bonus
            candidates.append(_Candidate(rank, s, e, shown, score, coverage, ok, about_unit, held=held,
                                         terms=(present, context)))
    # a question naming a province is answered from a passage about it, when one was retrieved
    about = [c for c in candidates if c.has_province] if asked else []
    best = max(about or candidates, key=lambda c: c.score)
    if descriptive:  # the rest of the answer comes from the same passage
        about = [c for c in about or candidates if c.hit_rank == best.hit_rank]
    chosen = [best]
    if kinds and not best.satisfied:
        # the best-matching sentence names the subject (or holds one of two asked-for things), a
        # neighbour holds the rest ("... Vành đai phía Tây 2 ... dài 34 km" / "... hoàn thành năm 2028")
        missing_kinds = kinds - best.held
        holders = [c for c in candidates if c.held >= missing_kinds and c.has_province and c is not best
                   and (c.hit_rank == best.hit_rank or c.coverage >= tuning.holder_coverage * best.coverage)]
        if holders:
            holder = max(holders, key=lambda c: (c.hit_rank == best.hit_rank, c.score))
            fits = len(best.text) + len(holder.text) + 8 <= max_chars
            if best.held and fits:
                chosen = [best, holder]
                best = _Candidate(best.hit_rank, best.start, best.end, best.text, best.score,
                                  best.coverage, True, best.has_province, held=kinds, terms=best.terms)
            elif holder.hit_rank == best.hit_rank and fits:
                chosen = [best, holder]
                best = holder
            else:
                chosen = [holder]
                best = holder
    support = Support(
        coverage=max(covered_share(support_items, passage_terms(r)) for r in ranks),
        dense=hits[0].score,
        type_ok=best.satisfied,
        province_ok=best.has_province,
    )
    if question.kind == "vi-noaccent":
        # accent-free syllables match almost anything one by one; two in a row must match
        # somewhere (chit-chat whose syllables each occur in some word finds none of its pairs)
        pairs = [(w, alts) for w, alts in items if any(" " in t for alt in alts for t in alt)]
        if pairs:
            support.phrase_coverage = max(covered_share(pairs, passage_terms(r))
                                          for r in range(min(len(hits), tuning.answer_passages)))
        elif any(" " in t for t in lexical.terms(asked_text, folded=True, query=True, keys=keys)):
            support.phrase_coverage = 0.0  # it has word pairs, and the corpus has none of them
    answering = hits[best.hit_rank].passage
    missing = []
    if tuning.use_year_check:
        # "năm 2023" asked, the answering passage is about 2024: a figure for another year
        missing = sorted(set(_YEAR_RE.findall(asked_text)) - set(_YEAR_RE.findall(answering.text)))
    # "giá điện hôm nay", "tomorrow's ferry times": the reader's day, which an archived article
    # speaks of only when it says so itself
    missing += [said for said in _days_asked(question.folded.lower()) if said not in fold(answering.text).lower()]
    missing += unknown_mentions(
        question, index.article_words(answering.article), index.article_text(answering.article))
    support.missing = list(dict.fromkeys(missing))
    answering_terms = passage_terms(best.hit_rank)
    uncovered = [w for w, alts in support_items if not any(alt <= answering_terms for alt in alts)]
    answer_text = " ".join(c.text for c in chosen)
    sentence_terms = set(lexical.terms(answer_text, folded=folded, keys=keys))
    sentence_uncovered = [w for w, alts in support_items if not any(alt <= sentence_terms for alt in alts)]
    sentence_coverage = best.coverage
    if support_items is not items:
        # a province's own paragraph rarely repeats what its article's title says ("ký kết hợp tác")
        own_terms, context_terms = best.terms
        context_terms = context_terms | set(lexical.terms(answering.title, folded=folded, keys=keys))
        sentence_coverage = _context_coverage(support_items, own_terms, context_terms, tuning.context_share)
    max_idf = max(corpus_stats["max_idf"], 1e-6)
    support.draft = answer_text
    support.features = {
        "coverage": support.coverage,
        "sentence_coverage": sentence_coverage,
        "uncovered_idf": max(uncovered, default=0.0) / max_idf,
        "sentence_uncovered_idf": max(sentence_uncovered, default=0.0) / max_idf,
        # a count asked about a noun: is a number next to that noun in the answer?
        "focus_near": float(number_near(answer_text, focus)) if focus else 0.5,
        "unseen_share": corpus_stats["unseen_share"],
        "dense": support.dense,
        "dense_margin": hits[0].score - hits[-1].score,
        "type_asked": float(bool(kinds)),
        "type_ok": float(support.type_ok),
        "province_asked": float(bool(asked)),
        "province_ok": float(support.province_ok),
        "missing": float(min(3, len(support.missing))),
        "phrase_coverage": support.phrase_coverage,
        "kind_noaccent": float(question.kind == "vi-noaccent"),
        "kind_en": float(question.kind == "en"),
        "terms": math.log1p(len(items)),
    }
    if not support.ok(question.kind, tuning):
        return Answer(question.asked, NOT_FOUND[lang], True, nearest=hits, lang=lang, support=support)

    narrowed = None
    if asked and kinds & {"year", "duration", "count", "money", "percent"} and len(chosen) == 1:
        # a province its article's title names is the article's backdrop, not what a clause is about
        title_named = find_provinces(hits[best.hit_rank].passage.title)
        specific = [p for p in asked if p not in title_named] or asked
        narrowed = _narrow_to_clause(best, hits[best.hit_rank].passage.text, specific, kinds, question)
        if narrowed is not None:
            chosen = [narrowed]
    if narrowed is None and len(chosen) == 1:
        # more sentences when they score nearly as well and all fit the length limit (a
        # descriptive answer may take several sentences of its passage)
        length = len(best.text)
        for other in sorted((c for c in about or candidates if c is not best), key=lambda c: -c.score):
            if other.score < best.score * tuning.second_sentence or length + len(other.text) + 8 > max_chars:
                break
            chosen.append(other)
            length += len(other.text) + 8
            if not descriptive:
                break
    chosen.sort(key=lambda c: (c.hit_rank, c.start))
    citations: list[Citation] = []
    parts = []
    for cand in chosen:
        cit = next((c for c in citations if c.hit.id == hits[cand.hit_rank].id), None)
        if cit is None:
            cit = Citation(len(citations) + 1, hits[cand.hit_rank])
            citations.append(cit)
        cit.highlights.append((cand.start, cand.end))
        text = _clip(cand.text, max_chars)
        if cand.clause:
            text = f"… {text} …"  # a clause cut from a longer sentence
        parts.append(f"{text} [{cit.n}]")
    return Answer(question.asked, " ".join(parts), False, citations, lang=lang, support=support)


_NUMBER_WORDS = {str(n): fold(word) for n, word in NUMBER_WORDS.items()}  # folded, as article_words are
_COUNT_RE = re.compile(r"(?<![\w/.,])(\d{1,2})\s+(?=[^\W\d_])")
# Days relative to the reader ("hôm nay", "tomorrow"), accent-folded, and how an article of that
# day says it
_READER_DAYS = {"hom nay": "hom nay", "toi nay": "toi nay", "ngay mai": "ngay mai", "cuoi tuan nay": "cuoi tuan nay",
                "hom qua": "hom qua", "toi qua": "toi qua", "tuan sau": "tuan sau", "tuan toi": "tuan toi",
                "today": "hom nay", "todays": "hom nay", "tonight": "toi nay", "tomorrow": "ngay mai",
                "this weekend": "cuoi tuan nay", "yesterday": "hom qua", "yesterdays": "hom qua",
                "last night": "toi qua", "next week": "tuan toi"}
_READER_DAY_RE = re.compile(r"\b(" + "|".join(_READER_DAYS) + r")\b")


def _days_asked(folded_question: str) -> list[str]:
    """The days relative to the reader a question asks about, as an article would write them."""
    return list(dict.fromkeys(_READER_DAYS[m.group(1)]
                              for m in _READER_DAY_RE.finditer(folded_question.replace("'", "").replace("’", ""))))


# a year, also closing a date ("8/2026", "30/11/2025"), not inside a document number ("136/2024/QH15")
_YEAR_RE = re.compile(r"(?:(?<![\d/.,])|(?<=\b\d/)|(?<=\b\d\d/))(?:19|20)\d\d(?![\d.,]\d)(?!/)")
# "bao nhiêu tấn 1 năm", "giá vé bao nhiêu 1 lượt": a one before a unit of time or measure means
# "per", which the article writes as "mỗi năm" or "/lượt"
_PER_ONE_RE = re.compile(
    r"(?<![\w/.,])1\s+(?:nam|thang|quy|ngay|tuan|gio|tieng|luot|nguoi|kg|ky|ki|tan|ha|lan|chuyen|xe|can|khach|ho|"
    r"con|cay|km|m2|suat|ve|chiec|lo|thung|year|month|day|week|hour|person|visitor|tonne|ton|trip|kilo)\b"
)
_NAME_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


def unknown_mentions(question: Question, article_words: set[str], article_text: str = "") -> list[str]:
    """Names (capitalised words) and numbers in the question that the answering article never uses.

    A named industrial park, place, festival or figure the article does not contain means it is
    about something else, whatever the word overlap. English questions are checked only for
    numbers, words with Vietnamese diacritics and Vietnamese names typed without them (as a
    phrase), because their capitalised English words ("Department", "Committee") are not
    expected in the article.
    """
    text = unglue(question.text)
    for start, end, _ in province_mentions(text):
        text = text[:start] + " " * (end - start) + text[end:]  # provinces are checked elsewhere
    tokens = _NAME_TOKEN_RE.findall(text)
    counts = {n.lstrip("0") for n in _COUNT_RE.findall(text)}  # "3 tỉnh", not "tuyến số 1" or "m2"
    # an acronym the article writes out in words ("CNTT" for "công nghệ thông tin") is known
    spelled_out = {
        fold(part) for acronym, words in question.acronyms
        if all(w in article_words for w in lexical.surface_words(words))
        for part in _NAME_TOKEN_RE.findall(acronym)
    }
    per_one = bool(_PER_ONE_RE.search(fold(text)))
    missing = []
    for i, token in enumerate(tokens):
        if fold(token) in spelled_out:
            continue
        if token[0].isdigit():
            wanted = token.lstrip("0") or "0"
            if wanted == "1" and per_one:
                continue
            # "3 tỉnh" asked, "ba tỉnh" written: small numbers are usually spelled out in the press
            spelled = _NUMBER_WORDS.get(wanted) if wanted in counts else None
            plain = _plain_number(wanted)
            if not any(_plain_number(w.lstrip("0")) == plain for w in article_words if w[:1].isdigit()) \
                    and spelled not in article_words \
                    and not _period_known(fold(" ".join(tokens[max(0, i - 2):i])).lower(), wanted, article_words):
                missing.append(token)
            continue
        if not token[0].isupper():
            continue
        if re.fullmatch(r"[A-Z]{2,}s", token):
            token = token[:-1]  # "MOUs", "SMEs": the acronym's plural
        acronym = (
            len(token) > 1
            and any(ch.isupper() for ch in token[1:])  # FIT, CSGT, VNeID
            and token.lower() not in lexical.STOPWORDS_EN  # "IT"
            and token.lower() not in glossary.EN_TO_VI  # "AI", "FDI": translated by the glossary
        )
        if acronym and token.isupper() and article_text and _written_out(token, article_text):
            continue  # "BHXH" / "bảo hiểm xã hội", "HN" / "Hà Nội"
        if question.kind == "en" and not has_diacritics(token) and not acronym:
            continue
        folded = fold(token)
        if i == 0 and (folded in lexical.STOP_FOLDED or len(tokens) > 1 and not tokens[1][:1].isupper()):
            continue  # the sentence's first word is capitalised for grammar, not as a name
        if folded not in article_words and not _misspelt(folded, article_words, article_text):
            missing.append(token)
    if question.kind == "en" and article_text:
        # a Vietnamese name typed without diacritics in an English question must occur as a
        # phrase in the article, not word by word (each syllable alone is found almost anywhere)
        for phrase in _vietnamese_names(tokens):
            if f" {fold(phrase)} " not in article_text and phrase not in missing:
                missing.append(phrase)
    for name, spellings in foreign_places(question.text):
        # a country abroad the article never names (exports to it, visitors from it)
        if not any(all(w in article_words for w in spelling) for spelling in spellings) and name not in missing:
            missing.append(name)
    return missing


def _written_out(acronym: str, article_text: str) -> bool:
    """Whether the article writes an acronym (capitals only) out as words with its initials: any
    words for three letters or more ("BHXH", "bảo hiểm xã hội"); for two, which are too few for any
    words, a province's name ("HN", "Hà Nội")."""
    initials = r"\w* ".join(fold(acronym).lower()) + r"\w*"
    if len(acronym) >= 3:
        return re.search(f" {initials} ", article_text) is not None
    return any(find_provinces(m.group(1)) for m in re.finditer(rf"(?<= )({initials})(?= )", article_text))


def _misspelt(word: str, article_words: set[str], article_text: str = "") -> bool:
    """A foreign name one typing slip from the article's spelling ("Maastrich", "Sheeshanks",
    "Bedigo"): a letter left out, added, changed or two swapped, a plural s ("Merits" / "Merit"),
    or words run together ("Superbowl" / "Super Bowl"). Folded Vietnamese syllables are short and
    differ from each other by one letter, so only names of five letters or more that are no
    Vietnamese syllable are read so ("nguyen" is not "nguyet")."""
    if len(word) < 5 or syllable_shaped(word):
        return False
    if word.endswith("s") and word[:-1] in article_words or word + "s" in article_words:
        return True
    if article_text and len(word) >= 6 and re.search(" " + " ?".join(word) + " ", article_text):
        return True
    return any(
        other[:1] == word[:1] and abs(len(other) - len(word)) <= 1 and len(other) >= 5
        and not syllable_shaped(other) and _one_edit(word, other)
        for other in article_words
    )


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one insertion, deletion, substitution or swap of neighbours."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
                                          and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:]


_ROMAN = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(number: int) -> str:
    """A small number in Roman numerals, lower-case ("15" -> "xv")."""
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _period_known(before: str, number: str, article_words: set[str]) -> bool:
    """A century or decade the article writes otherwise: "thế kỷ 15" as "thế kỷ XV", "những năm 70"
    or "thập niên 80" as "1970", "1980"."""
    if before.endswith("the ky") and number.isdigit() and 0 < int(number) <= 30:
        return _roman(int(number)) in article_words
    if before.endswith(("nhung nam", "thap nien", "thap ky")) and len(number) == 2 and number.endswith("0"):
        return any(f"{century}{number}" in article_words for century in ("19", "20"))
    return False


_GROUPED_NUMBER_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def _plain_number(number: str) -> str:
    """A number without thousands separators: "2.400" (press) and "2,400" (English) are "2400"; a
    decimal is written with a comma ("1.2" in English is "1,2" in the press)."""
    if _GROUPED_NUMBER_RE.fullmatch(number):
        return re.sub(r"[.,]", "", number)
    return number.replace(".", ",") if re.fullmatch(r"\d+\.\d{1,2}", number) else number


def _vietnamese_names(tokens: list[str]) -> list[str]:
    """Runs of two or more capitalised Vietnamese syllables in an English question."""
    names, run = [], []
    for token in tokens + [""]:
        if token and glossary.vietnamese_name_word(token):
            run.append(token)
            continue
        if len(run) >= 2:
            names.append(" ".join(run))
        run = []
    return names


def _province_phrases(question: str, asked: list[str]) -> dict[str, list[str]]:
    """Each asked province's words in an accent-free question with the word after or before it."""
    words = _NAME_TOKEN_RE.findall(fold(question))
    phrases: dict[str, list[str]] = {}
    for start, end, name in province_mentions(question):
        if name not in asked:
            continue
        before = _NAME_TOKEN_RE.findall(fold(question[:start]))
        span = _NAME_TOKEN_RE.findall(fold(question[start:end]))
        after = words[len(before) + len(span):]
        options = phrases.setdefault(name, [])
        if after:
            options.append(" ".join(span + after[:1]))
        if before:
            options.append(" ".join(before[-1:] + span))
    return phrases


def _names_not_provinces(phrases: dict[str, list[str]], text: str) -> bool:
    """Every asked province's words occur in the text with the same neighbouring word as in the
    question, so they are part of another name there."""
    if not phrases:
        return False
    passage = " " + " ".join(_NAME_TOKEN_RE.findall(fold(text))) + " "
    return all(any(f" {p} " in passage for p in options) for options in phrases.values())


# a group of provinces: "ba tỉnh", "các địa phương", "the three northern provinces"
_GROUP_RE = re.compile(
    rf"\b(?:\d+|{'|'.join(_NUMBER_WORDS.values())}|cac|nhung|may)\s+(?:tinh|dia phuong|thanh pho|tinh thanh)\b"
    rf"|\b(?:\d+|{'|'.join(NUMBER_WORDS_EN.values())}|the|all|both|other)\s+(?:[a-z]+\s+){{0,3}}"
    r"(?:provinces|localities|cities)\b")


def _subject_ranks(hits: list[Hit], asked: list[str], index: ReadIndex, ranks: list[int]) -> list[int]:
    """The top passages a descriptive question about the provinces asked is answered from.

    The passages naming the most other provinces (at least two) among those about the provinces
    asked are rolls of every partner and are left out; a list, whose items name each its own
    province, is not a roll. When no passage about the provinces is
    left among the top ones, the best retrieved one about them: one that itself names them before
    one about them only through its article's title, a roll last, then retrieval order.
    """
    about = [(rank, set(h.passage.provinces)) for rank, h in enumerate(hits)
             if all(p in index.provinces_of(h.id) for p in asked)]
    if not about:
        return ranks
    # a list names each province in an item of its own: not a roll
    others = {rank: 0 if _list_items(hits[rank].passage.text) else len(own - set(asked)) for rank, own in about}
    most = max(others.values())
    rolls = {rank for rank, n in others.items() if n == most and most >= 2}
    kept = [r for r in ranks if r not in rolls]
    if any(r in others for r in kept):
        return kept
    return [min((not set(asked) <= own, rank in rolls, rank) for rank, own in about)[2]]


def _list_items(text: str) -> list[tuple[int, int, set[str]]]:
    """(start, end, provinces named) of each list item line of a passage ("- Tỉnh X: ..."); [] if fewer than two."""
    starts = [m.end() for m in LIST_LINE_RE.finditer(text)]
    if len(starts) < 2:
        return []
    ends = starts[1:] + [len(text)]
    return [(s, e, set(find_provinces(unglue(text[s:e])))) for s, e in zip(starts, ends)]


def passage_label(text: str) -> str:
    """The "X - tỉnh Y" label that opens an enumerated paragraph ("X - tỉnh Y: ..."), or ''."""
    head, sep, _ = text.partition(":")
    if sep and len(head) <= 60 and "\n" not in head and not head.rstrip().endswith((".", "?", "!")):
        # only list labels such as "X - tỉnh Y", not "Ông A cho biết"
        if " - " in head or " – " in head or find_provinces(head):
            return head.strip()
    return ""


_LONG_SENTENCE = 250


def _narrow_to_clause(cand: _Candidate, passage_text: str, asked: list[str], kinds: set[str], question: Question):
    """In a long enumeration of provinces separated by ';', the one clause about the province
    asked, if it alone holds what the question asks for."""
    if cand.end - cand.start <= _LONG_SENTENCE:
        return None
    sentence = passage_text[cand.start:cand.end]
    pos = 0
    for m in list(re.finditer(r";\s*", sentence)) + [None]:
        stop = m.start() if m else len(sentence)
        clause = sentence[pos:stop].strip(" ,.")
        if clause and len(clause) < len(sentence) - 10 and all(p in find_provinces(unglue(clause)) for p in asked) and all(
            satisfies(k, clause, question) for k in kinds
        ):
            start = cand.start + sentence.index(clause, pos)
            return _Candidate(cand.hit_rank, start, start + len(clause), clause, cand.score,
                              cand.coverage, True, True, clause=True)
        pos = m.end() if m else pos
    return None


# answer nouns (folded) that ask for anything at all: "Có những thông tin gì về X?", "What information ..."
_NO_KIND_NOUNS = {("thong", "tin"), ("information",)}


def coverage_items(question: Question, index: ReadIndex, folded: bool, keys=DEFAULT_TUNING.lexical,
                   report: dict | None = None, skip_answer_noun: bool = True) -> list[tuple[float, list[frozenset]]]:
    """What a passage must contain to cover the question: (weight, alternative term sets) items.

    Vietnamese questions: every term is an item, weighted by its idf; a term the corpus never
    uses weighs as much as the rarest one (a question about something absent is unsupported).
    English questions: words found in the corpus (names such as "Lao Bao", "OCOP") are items, and
    each glossary term is one item whose Vietnamese equivalents are alternatives, so several
    synonyms do not count several times.
    """
    def terms(text: str, query: bool = False) -> list[str]:
        return lexical.terms(text, folded=folded, query=query, keys=keys)

    # the noun naming the kind of answer ("lĩnh vực" in "lĩnh vực nào") need not be in the passage;
    # "thông tin" (information) names no kind at all, and a sentence that says it ("công nghệ
    # thông tin") is no better an answer
    noun = set(question.answer_noun) if skip_answer_noun or question.answer_noun in _NO_KIND_NOUNS else set()
    asked = [t for t in dict.fromkeys(terms(question.text, query=True)) if not (noun and set(fold(t).split(" ")) <= noun)]
    groups = list(question.acronyms) if question.kind != "en" else list(question.expansion_groups)
    if question.kind == "en" and noun:
        from .glossary import expand_english_groups

        named_kind = set(expand_english_groups(" ".join(question.answer_noun)))
        groups = [g for g in groups if g not in named_kind]
    group_alternatives = [[frozenset(terms(vi)) for vi in group] for group in groups]
    needed = set(asked) | {t for alts in group_alternatives for alt in alts for t in alt}
    stats = index.term_stats(needed, folded)
    unseen = stats.max_idf
    if report is not None:  # corpus statistics the answerability scorer reads
        singles = [t for t in asked if " " not in t]
        report["max_idf"] = unseen
        # English words are not expected in Vietnamese articles: only Vietnamese questions count
        report["unseen_share"] = (sum(not stats.has(t) for t in singles) / len(singles)
                                  if singles and question.kind != "en" else 0.0)
    items: list[tuple[float, list[frozenset]]] = []
    if question.kind != "en":
        # an acronym and its words are one item with two alternatives ("CNTT" / "công nghệ thông tin")
        grouped = {t for a, words in question.acronyms for t in lexical.words(f"{a} {words}", folded, keys)}
        # the words of a phrase with synonyms ("động thổ") are also covered by a synonym ("khởi công")
        synonyms = [
            (set(lexical.words(phrase, folded, keys)),
             [frozenset(terms(other)) for other in group if fold(other) != fold(phrase)])
            for phrase, group in question.synonyms
        ]
        for t in asked:
            if any(part in grouped for part in t.split(" ")):
                continue
            alternatives = [frozenset([t])]
            for phrase_words, others in synonyms:
                if set(t.split(" ")) <= phrase_words:
                    alternatives += others
            if stats.has(t):
                items.append((stats.idf(t), alternatives))
            elif " " not in t:
                items.append((unseen, alternatives))
    else:
        for t in asked:
            if stats.has(t):
                items.append((stats.idf(t), [frozenset([t])]))
    for alternatives in group_alternatives:
        seen = [stats.idf(t) for alt in alternatives for t in alt if stats.has(t) and " " not in t]
        items.append((max(seen) if seen else unseen, alternatives))
    return items


def _context_coverage(items, own: set[str], context: set[str], share: float) -> float:
    """A sentence's coverage: its own terms, and for `share` of it with its context's."""
    return (1 - share) * covered_share(items, own) + share * covered_share(items, context)


def covered_share(items: list[tuple[float, list[frozenset]]], present: set[str]) -> float:
    """Weighted share of the items that the present terms cover."""
    total = sum(w for w, _ in items)
    if not total:
        return 1.0
    return sum(w for w, alts in items if any(alt <= present for alt in alts)) / total


def _answer_units(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentences of a passage; very long ones are cut at ';' so an answer stays readable."""
    units = []
    for s, e in split_sentences(text):
        if e - s <= max_chars - 10:
            units.append((s, e))
            continue
        pos = s
        for m in re.finditer(r";\s*", text[s:e]):
            cut = s + m.start() + 1
            if cut - pos > 40:
                units.append((pos, cut))
                pos = s + m.end()
        units.append((pos, e))
    return units


def _clip(sentence: str, max_chars: int) -> str:
    flat = " ".join(sentence.split())
    if len(flat) <= max_chars - 8:
        return flat
    return flat[: max_chars - 9].rsplit(" ", 1)[0] + "…"
