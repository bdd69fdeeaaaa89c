#!/usr/bin/env python3
"""Validate the independent held-out QA set (qa.jsonl) against the article.

Checks:
  * every line parses as a JSON object; required fields present, no unknown fields
  * lang in {vi, vi-noaccent, en}; scope in {in, out}
  * vi-noaccent questions contain no diacritics; vi questions do contain diacritics
  * in-scope: gold is a non-empty list of 20-80 char strings, each occurring
    verbatim in exactly one body line of the article (not a '>>>' teaser, not
    the 'Có thể bạn quan tâm' related-links block)
  * in-scope: 1-3 short facts, each present (accent/case-insensitively) in the
    same body line as the gold
  * out-of-scope: no gold/facts
  * no duplicate questions
  * counts per lang/scope: vi 22, vi-noaccent 18, en 18 in-scope; 12 out-of-scope
  * corpus/ holds an identical copy of the article
Usage: python3 validate.py [qa.jsonl] [article.txt]
"""
import filecmp
import glob
import json
import os
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
QA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "qa.jsonl")
if len(sys.argv) > 2:
    ARTICLE = sys.argv[2]
else:
    cands = sorted(glob.glob(os.path.join(HERE, "corpus", "*.txt")))
    ARTICLE = cands[0] if cands else None

EXPECTED_IN = {"vi": 22, "vi-noaccent": 18, "en": 18}
EXPECTED_OUT = 12
LANGS = set(EXPECTED_IN)
RELATED_MARK = "Có thể bạn quan tâm"


def fold(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", s).lower()


def has_diacritics(s: str) -> bool:
    s = unicodedata.normalize("NFC", s)
    return fold(s) != s.lower()


def body_lines(path):
    out = []
    with open(path, encoding="utf-8") as fh:
        for ln in fh:
            ln = ln.rstrip("\n")
            if ln.strip() == RELATED_MARK:
                break
            if ln.startswith(">>>") or not ln.strip():
                continue
            out.append(ln)
    return out


def main():
    errors = []
    if not ARTICLE or not os.path.exists(ARTICLE):
        print("FAIL: article not found (expected corpus/*.txt)")
        return 1
    src = sorted(glob.glob("/work/main/corpus/*.txt"))
    if src and len(sys.argv) <= 2 and not filecmp.cmp(src[0], ARTICLE, shallow=False):
        errors.append("corpus/ copy differs from /work/main/corpus article")
    body = body_lines(ARTICLE)
    if not body:
        errors.append("no body lines found in article")

    counts = Counter()
    seen_q = set()
    with open(QA, encoding="utf-8") as fh:
        raw = fh.read().splitlines()
    for n, line in enumerate(raw, 1):
        def err(msg):
            errors.append(f"line {n}: {msg}")
        if not line.strip():
            err("blank line")
            continue
        try:
            obj = json.loads(line)
        except Exception as e:  # noqa: BLE001
            err(f"JSON parse error: {e}")
            continue
        if not isinstance(obj, dict):
            err("not a JSON object")
            continue
        q, lang, scope = obj.get("question"), obj.get("lang"), obj.get("scope")
        if not isinstance(q, str) or not q.strip():
            err("missing/empty question")
            continue
        if lang not in LANGS:
            err(f"bad lang {lang!r}")
            continue
        if scope not in ("in", "out"):
            err(f"bad scope {scope!r}")
            continue
        counts[(lang, scope)] += 1
        key = fold(q).strip()
        if key in seen_q:
            err("duplicate question")
        seen_q.add(key)
        if lang == "vi-noaccent" and has_diacritics(q):
            err(f"vi-noaccent question has diacritics: {q}")
        if lang == "vi" and not has_diacritics(q):
            err(f"vi question lacks diacritics: {q}")

        if scope == "out":
            allowed = {"question", "lang", "scope"}
            extra = set(obj) - allowed
            if extra:
                err(f"out-of-scope line has extra fields {sorted(extra)}")
            continue

        allowed = {"question", "lang", "scope", "gold", "facts"}
        extra = set(obj) - allowed
        if extra:
            err(f"unknown fields {sorted(extra)}")
        gold, facts = obj.get("gold"), obj.get("facts")
        if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
            err("gold must be a non-empty list of strings")
            continue
        if not isinstance(facts, list) or not (1 <= len(facts) <= 3) or not all(
            isinstance(f, str) and f.strip() for f in facts
        ):
            err("facts must be a list of 1-3 non-empty strings")
            continue
        for g in gold:
            if not (20 <= len(g) <= 80):
                err(f"gold length {len(g)} not in 20..80: {g!r}")
            hits = [b for b in body if g in b]
            if len(hits) != 1:
                err(f"gold found in {len(hits)} body lines (need exactly 1): {g!r}")
                continue
            fb = fold(hits[0])
            for f in facts:
                if len(f) > 40:
                    err(f"fact too long ({len(f)}): {f!r}")
                if fold(f) not in fb:
                    err(f"fact {f!r} not in gold's line")

    for lang, exp in EXPECTED_IN.items():
        if counts[(lang, "in")] != exp:
            errors.append(f"count {lang}/in = {counts[(lang, 'in')]}, expected {exp}")
    n_out = sum(v for (l, s), v in counts.items() if s == "out")
    if n_out != EXPECTED_OUT:
        errors.append(f"out-of-scope count = {n_out}, expected {EXPECTED_OUT}")
    if len(raw) != sum(EXPECTED_IN.values()) + EXPECTED_OUT:
        errors.append(f"total lines = {len(raw)}, expected {sum(EXPECTED_IN.values()) + EXPECTED_OUT}")

    print("counts:", {f"{l}/{s}": v for (l, s), v in sorted(counts.items())})
    if errors:
        print(f"FAIL ({len(errors)} problems)")
        for e in errors:
            print("  -", e)
        return 1
    print(f"PASS: {len(raw)} lines OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
