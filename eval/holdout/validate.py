"""Validate eval/holdout/qa.jsonl against eval/holdout/corpus/*.txt.

Checks: every line parses; required fields; gold substrings occur verbatim in
a single line of the article (and therefore in the article with line breaks
replaced by spaces); gold is in body text (not a '>>>' teaser or the
'Có thể bạn quan tâm' block); facts occur accent/case-insensitively in the
logical paragraph containing the gold; language tags are consistent.
"""
import json, re, sys, unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
QA = HERE / "qa.jsonl"


def fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.lower()


def has_diacritics(s):
    return fold(s) != s.lower()


def body_lines(text):
    lines = text.split("\n")
    end = next((i for i, l in enumerate(lines) if l.strip() == "Có thể bạn quan tâm"), len(lines))
    return lines[:end]


def paragraphs(lines):
    """Join lines broken mid-sentence: line without final punctuation followed by a lowercase start."""
    paras, cur = [], None
    for l in lines:
        if cur is not None and not re.search(r"[.!?:”\")…]\s*$", cur) and l[:1].islower():
            cur = cur + " " + l
            paras[-1] = cur
        else:
            cur = l
            paras.append(cur)
    return paras


def main():
    arts = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    errors = []
    counts = Counter()
    per_article = Counter()
    golds_seen = Counter()
    for n, raw in enumerate(QA.read_text(encoding="utf-8").splitlines(), 1):
        try:
            r = json.loads(raw)
        except Exception as e:
            errors.append(f"line {n}: parse error {e}")
            continue
        for k in ("question", "lang", "scope"):
            if k not in r:
                errors.append(f"line {n}: missing {k}")
        lang, scope = r.get("lang"), r.get("scope")
        if lang not in ("vi", "vi-noaccent", "en"):
            errors.append(f"line {n}: bad lang {lang}")
        if scope not in ("in", "out"):
            errors.append(f"line {n}: bad scope {scope}")
        qtext = r.get("question", "")
        if lang == "vi" and not has_diacritics(qtext):
            errors.append(f"line {n}: vi question without diacritics")
        if lang == "vi-noaccent" and has_diacritics(qtext):
            errors.append(f"line {n}: vi-noaccent question has diacritics")
        counts[(scope, lang)] += 1
        if scope == "out":
            if r.get("article") not in (None, *arts):
                errors.append(f"line {n}: unknown article {r.get('article')}")
            continue
        art = r.get("article")
        if art not in arts:
            errors.append(f"line {n}: unknown article {art}")
            continue
        per_article[art] += 1
        gold, facts = r.get("gold"), r.get("facts")
        if not (isinstance(gold, list) and 1 <= len(gold) <= 2):
            errors.append(f"line {n}: gold must be list of 1-2")
            continue
        if not (isinstance(facts, list) and 1 <= len(facts) <= 2):
            errors.append(f"line {n}: facts must be list of 1-2")
            continue
        text = arts[art]
        flat = text.replace("\n", " ")
        paras = paragraphs(body_lines(text))
        for g in gold:
            golds_seen[g] += 1
            if not (10 <= len(g) <= 60):
                errors.append(f"line {n}: gold length {len(g)}: {g!r}")
            if "\n" in g or g not in flat:
                errors.append(f"line {n}: gold not verbatim in article: {g!r}")
                continue
            if not any(g in l for l in text.split("\n")):
                errors.append(f"line {n}: gold spans a line break: {g!r}")
            hits = [p for p in paras if g in p]
            if not hits:
                errors.append(f"line {n}: gold only outside body: {g!r}")
                continue
            if hits[0].startswith(">>>"):
                errors.append(f"line {n}: gold is in a teaser line: {g!r}")
            if flat.count(g) > 1:
                print(f"note line {n}: gold occurs {flat.count(g)}x: {g!r}")
            for fct in facts:
                if fold(fct) not in fold(hits[0]):
                    errors.append(f"line {n}: fact {fct!r} not in gold paragraph")
        if len(gold) == 2:
            ps = [next((p for p in paras if g in p), None) for g in gold]
            if ps[0] != ps[1]:
                print(f"note line {n}: two golds in different paragraphs")
    for e in errors:
        print("ERROR", e)
    total = sum(counts.values())
    print(f"total questions: {total}")
    for scope in ("in", "out"):
        sub = {l: counts[(scope, l)] for l in ("vi", "vi-noaccent", "en")}
        print(f"  {scope}: {sum(sub.values())}  {sub}")
    print("in-scope per article:")
    for a in arts:
        words = len(arts[a].split())
        print(f"  {a}: {per_article[a]} questions, {words} words")
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
