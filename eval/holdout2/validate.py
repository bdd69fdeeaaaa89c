#!/usr/bin/env python3
"""Validate the holdout2 evaluation set (corpus/*.txt + qa.jsonl).

Usage: python3 validate.py   (run from any directory)
Exit code 0 and "VALIDATION PASSED" when everything is consistent.
"""
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
QA = os.path.join(HERE, "qa.jsonl")

LANGS = {"vi", "vi-noaccent", "en"}
RELATED_MARKER = "Có thể bạn quan tâm"
TERMINAL = ('.', '!', '?', ':', '…', ';')
CLOSERS = '"”’\')]'

# expected numbers
EXPECTED_TOTAL = 75
EXPECTED_IN_PER_ARTICLE = {"vi": 7, "vi-noaccent": 6, "en": 6}
EXPECTED_OUT_TOTAL = 18
ARTICLE_CHARS = (5000, 9000)
PARAGRAPHS = (8, 14)
HEADINGS = (1, 3)
TEASERS = (1, 2)
RELATED = (3, 4)
GOLD_LEN = (20, 80)

errors = []


def err(msg):
    errors.append(msg)


def strip_accents(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def norm(s):
    s = strip_accents(unicodedata.normalize("NFC", s)).lower()
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", s).strip()


def has_diacritics(s):
    return strip_accents(s) != s


def is_timestamp(line):
    return re.fullmatch(r"\d{1,2}:\d{2}, \d{1,2}/\d{1,2}/\d{4}", line.strip()) is not None


def parse_article(path):
    """Return dict with title, body lines, headings, teasers, related headlines."""
    text = open(path, encoding="utf-8").read()
    info = {"text": text, "body": [], "headings": [], "teasers": [], "related": []}
    if not unicodedata.is_normalized("NFC", text):
        err(f"{os.path.basename(path)}: text is not NFC-normalized")
    lines = [l.rstrip("\r") for l in text.split("\n")]
    info["title"] = lines[0].strip()
    in_related = False
    for line in lines[1:]:
        s = line.strip()
        if not s:
            continue
        if s == RELATED_MARKER:
            in_related = True
            continue
        if in_related:
            if not is_timestamp(s):
                info["related"].append(s)
            continue
        if s.startswith(">>>"):
            info["teasers"].append(s)
        elif len(s) < 150 and not s.rstrip(CLOSERS).endswith(TERMINAL):
            info["headings"].append(s)
        else:
            info["body"].append(s)
    return info


def check_articles():
    arts = {}
    files = sorted(f for f in os.listdir(CORPUS) if f.endswith(".txt"))
    if len(files) != 3:
        err(f"expected 3 articles in corpus/, found {len(files)}")
    for f in files:
        a = parse_article(os.path.join(CORPUS, f))
        n = len(a["text"])
        if not ARTICLE_CHARS[0] <= n <= ARTICLE_CHARS[1]:
            err(f"{f}: {n} characters, outside {ARTICLE_CHARS}")
        for key, (lo, hi) in (("body", PARAGRAPHS), ("headings", HEADINGS),
                              ("teasers", TEASERS), ("related", RELATED)):
            if not lo <= len(a[key]) <= hi:
                err(f"{f}: {len(a[key])} {key}, expected {lo}-{hi}")
        if RELATED_MARKER not in a["text"]:
            err(f"{f}: missing '{RELATED_MARKER}' block")
        if not has_diacritics(a["text"]):
            err(f"{f}: text has no diacritics")
        arts[f] = a
    return arts


def check_qa(arts):
    rows = []
    with open(QA, encoding="utf-8") as fh:
        for ln, raw in enumerate(fh, 1):
            if not raw.strip():
                err(f"qa line {ln}: empty line")
                continue
            try:
                rows.append((ln, json.loads(raw)))
            except json.JSONDecodeError as e:
                err(f"qa line {ln}: JSON error {e}")
    if len(rows) != EXPECTED_TOTAL:
        err(f"qa: {len(rows)} lines, expected {EXPECTED_TOTAL}")

    seen_q = set()
    in_counts = defaultdict(Counter)
    out_counts = Counter()
    for ln, r in rows:
        scope = r.get("scope")
        req = ["question", "lang", "scope"]
        if scope == "in":
            req += ["article", "gold", "facts"]
        elif scope != "out":
            err(f"qa line {ln}: bad scope {scope!r}")
            continue
        missing = [k for k in req if k not in r]
        extra = [k for k in r if k not in req]
        if missing:
            err(f"qa line {ln}: missing fields {missing}")
            continue
        if extra:
            err(f"qa line {ln}: unexpected fields {extra}")
        q, lang = r["question"], r["lang"]
        if not isinstance(q, str) or not q.strip():
            err(f"qa line {ln}: empty question")
            continue
        if lang not in LANGS:
            err(f"qa line {ln}: bad lang {lang!r}")
            continue
        if norm(q) in seen_q:
            err(f"qa line {ln}: duplicate question")
        seen_q.add(norm(q))
        if lang == "vi" and not has_diacritics(q):
            err(f"qa line {ln}: vi question has no diacritics: {q}")
        if lang in ("vi-noaccent", "en") and has_diacritics(q):
            err(f"qa line {ln}: {lang} question contains diacritics: {q}")

        if scope == "out":
            out_counts[lang] += 1
            continue

        art = r["article"]
        if art not in arts:
            err(f"qa line {ln}: unknown article {art!r}")
            continue
        in_counts[art][lang] += 1
        gold, facts = r["gold"], r["facts"]
        if not (isinstance(gold, list) and len(gold) == 1 and isinstance(gold[0], str)):
            err(f"qa line {ln}: gold must be a list with one string")
            continue
        if not (isinstance(facts, list) and 1 <= len(facts) <= 3
                and all(isinstance(x, str) and x.strip() for x in facts)):
            err(f"qa line {ln}: facts must be a list of 1-3 non-empty strings")
            continue
        g = gold[0]
        if not GOLD_LEN[0] <= len(g) <= GOLD_LEN[1]:
            err(f"qa line {ln}: gold length {len(g)} outside {GOLD_LEN}")
        a = arts[art]
        hits = [b for b in a["body"] if g in b]
        if not hits:
            where = []
            for key in ("headings", "teasers", "related"):
                if any(g in x for x in a[key]) or (key == "headings" and g in a["title"]):
                    where.append(key)
            err(f"qa line {ln}: gold not found verbatim in a body line of {art}"
                + (f" (found in {where})" if where else "") + f": {g!r}")
            continue
        if len(hits) > 1:
            err(f"qa line {ln}: gold occurs in {len(hits)} body lines (ambiguous): {g!r}")
        line = norm(hits[0])
        for fact in facts:
            if norm(fact) not in line:
                err(f"qa line {ln}: fact {fact!r} not in gold line")
        if norm(q) in line and len(q) > 30:
            err(f"qa line {ln}: question copied verbatim from article")

    # counts
    for art in arts:
        c = in_counts[art]
        for lang, n in EXPECTED_IN_PER_ARTICLE.items():
            if c[lang] != n:
                err(f"{art}: {c[lang]} in-scope {lang} questions, expected {n}")
    n_out = sum(out_counts.values())
    if n_out != EXPECTED_OUT_TOTAL:
        err(f"out-of-scope total {n_out}, expected {EXPECTED_OUT_TOTAL}")
    for lang in LANGS:
        if out_counts[lang] == 0:
            err(f"no out-of-scope questions in lang {lang}")
    return in_counts, out_counts, len(rows)


def main():
    arts = check_articles()
    in_counts, out_counts, total = check_qa(arts)
    print("Articles:")
    for f, a in arts.items():
        print(f"  {f}: {len(a['text'])} chars, {len(a['body'])} body paragraphs, "
              f"{len(a['headings'])} headings, {len(a['teasers'])} teasers, "
              f"{len(a['related'])} related headlines")
    print(f"QA lines: {total}")
    for f in arts:
        c = in_counts[f]
        print(f"  in-scope {f}: " + ", ".join(f"{l}={c[l]}" for l in sorted(LANGS))
              + f" (total {sum(c.values())})")
    print("  out-of-scope: " + ", ".join(f"{l}={out_counts[l]}" for l in sorted(LANGS))
          + f" (total {sum(out_counts.values())})")
    if errors:
        print(f"\nVALIDATION FAILED ({len(errors)} problems):")
        for e in errors:
            print("  - " + e)
        sys.exit(1)
    print("\nVALIDATION PASSED")


if __name__ == "__main__":
    main()
