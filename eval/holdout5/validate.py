#!/usr/bin/env python3
"""Consistency checks for the holdout5 evaluation set (stdlib only).

Usage: python3 validate.py   (run from anywhere)
Prints "VALIDATION PASSED" and exits 0 when qa.jsonl and corpus/ are consistent.
"""
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
QA = os.path.join(HERE, "qa.jsonl")

LANGS = ("vi", "vi-noaccent", "en")
MARKERS = ("Có thể bạn quan tâm", "Tin liên quan", "Xem thêm")
DATELINE_RE = re.compile(r"^\d{2}:\d{2}, \d{2}/\d{2}/\d{4}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.txt$")
TERMINAL = tuple('.:;!?…"”)')
REQUIRED = {"question", "lang", "scope", "article", "gold", "facts"}

errors = []


def err(msg):
    errors.append(msg)


def fold(s):
    """Accent- and case-insensitive form (đ -> d)."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", s).strip().lower()


def parse_article(name, text):
    """Return dict with lines, body paragraph indices and layout info."""
    info = {"name": name}
    if text != unicodedata.normalize("NFC", text):
        err(f"{name}: not NFC")
    n = len(text)
    if not 4500 <= n <= 8500:
        err(f"{name}: length {n} outside 4500-8500 chars")
    lines = text.rstrip("\n").split("\n")
    if any(not l.strip() for l in lines):
        err(f"{name}: contains blank lines")
    if any(l != l.strip() for l in lines):
        err(f"{name}: line with leading/trailing whitespace")
    info["lines"] = lines
    marker_idx = [i for i, l in enumerate(lines) if l in MARKERS]
    if len(marker_idx) != 1:
        err(f"{name}: expected exactly one related-block marker, got {len(marker_idx)}")
        info["body"] = set()
        return info
    m = marker_idx[0]
    related = lines[m + 1:]
    if not 3 <= len(related) <= 4:
        err(f"{name}: {len(related)} related headlines (need 3-4)")
    datelines = [i for i, l in enumerate(lines) if DATELINE_RE.match(l)]
    if len(datelines) != 1:
        err(f"{name}: expected exactly one dateline, got {len(datelines)}")
        info["body"] = set()
        return info
    d = datelines[0]
    if d == 2:
        info["dateline"] = "top"
        start, end = 3, m
    elif d == m - 1:
        info["dateline"] = "end"
        start, end = 2, m - 1
    else:
        err(f"{name}: dateline at line {d + 1}, must be line 3 or just before marker")
        info["body"] = set()
        return info
    title, sapo = lines[0], lines[1]
    if len(title) > 160 or title.endswith("."):
        err(f"{name}: title looks wrong")
    if len(sapo) < 100:
        err(f"{name}: sapo too short")
    teasers, headings, body = [], [], []
    for i in range(start, end):
        l = lines[i]
        if l.startswith(">>>"):
            teasers.append(i)
        elif len(l) <= 80 and not l.endswith(TERMINAL):
            headings.append(i)
        else:
            body.append(i)
    if not 1 <= len(teasers) <= 2:
        err(f"{name}: {len(teasers)} teaser lines (need 1-2)")
    if not 1 <= len(headings) <= 3:
        err(f"{name}: {len(headings)} section headings (need 1-3)")
    if not 8 <= len(body) <= 14:
        err(f"{name}: {len(body)} body paragraphs (need 8-14)")
    info["body"] = set(body)
    info["teasers"] = teasers
    info["headings"] = headings
    return info


def main():
    # ---------------- corpus ----------------
    if not os.path.isdir(CORPUS):
        print("corpus/ missing")
        sys.exit(1)
    files = sorted(f for f in os.listdir(CORPUS) if not f.startswith("."))
    if len(files) != 4:
        err(f"corpus: expected 4 files, got {len(files)}")
    articles = {}
    for f in files:
        if not SLUG_RE.match(f):
            err(f"corpus: filename not an ascii slug .txt: {f}")
        with open(os.path.join(CORPUS, f), "rb") as fh:
            raw = fh.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            err(f"{f}: not UTF-8")
            continue
        articles[f] = parse_article(f, text)
    pos = Counter(a.get("dateline") for a in articles.values())
    if pos.get("top", 0) != 2 or pos.get("end", 0) != 2:
        err(f"corpus: dateline placement {dict(pos)} (need 2 top, 2 end)")

    # ---------------- qa ----------------
    if not os.path.exists(QA):
        print("qa.jsonl missing")
        sys.exit(1)
    with open(QA, encoding="utf-8") as fh:
        raw_lines = fh.read().split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines = raw_lines[:-1]
    if len(raw_lines) != 96:
        err(f"qa.jsonl: {len(raw_lines)} lines (need 96)")
    items = []
    for n, l in enumerate(raw_lines, 1):
        try:
            o = json.loads(l)
        except json.JSONDecodeError as e:
            err(f"qa line {n}: invalid JSON ({e})")
            continue
        if not isinstance(o, dict):
            err(f"qa line {n}: not an object")
            continue
        if set(o) != REQUIRED:
            err(f"qa line {n}: keys {sorted(o)} != {sorted(REQUIRED)}")
            continue
        items.append((n, o))

    seen_q = set()
    vi_folded = set()
    noacc = []
    counts = Counter()
    for n, o in items:
        q, lang, scope, art, gold, facts = (o["question"], o["lang"], o["scope"],
                                            o["article"], o["gold"], o["facts"])
        if not isinstance(q, str) or not q.strip():
            err(f"qa line {n}: empty question")
            continue
        if q in seen_q:
            err(f"qa line {n}: duplicate question")
        seen_q.add(q)
        if lang not in LANGS:
            err(f"qa line {n}: bad lang {lang!r}")
        if scope not in ("in", "out"):
            err(f"qa line {n}: bad scope {scope!r}")
        if not isinstance(gold, list) or not isinstance(facts, list):
            err(f"qa line {n}: gold/facts must be lists")
            continue
        # language form checks
        if lang == "vi-noaccent":
            if not all(ord(c) < 128 for c in q):
                err(f"qa line {n}: vi-noaccent question has non-ascii chars")
            noacc.append((n, q))
        elif lang == "vi":
            if fold(q) == re.sub(r"\s+", " ", q).strip().lower():
                err(f"qa line {n}: vi question has no diacritics")
            vi_folded.add(fold(q))
        elif lang == "en":
            if fold(q) != re.sub(r"\s+", " ", q).strip().lower():
                err(f"qa line {n}: en question contains Vietnamese diacritics")
        counts[(scope, lang, art if scope == "in" else None)] += 1

        if scope == "out":
            if art is not None or gold or facts:
                err(f"qa line {n}: out-of-scope item must have article null, empty gold/facts")
            continue
        # in-scope
        if art not in articles:
            err(f"qa line {n}: unknown article {art!r}")
            continue
        if not gold or not facts:
            err(f"qa line {n}: in-scope item needs gold and facts")
            continue
        a = articles[art]
        lines = a["lines"]
        para_idx = set()
        for g in gold:
            if not isinstance(g, str) or not 20 <= len(g) <= 80:
                err(f"qa line {n}: gold length {len(g) if isinstance(g, str) else '?'} outside 20-80: {g!r}")
            hits = [i for i, l in enumerate(lines) if g in l]
            if len(hits) != 1:
                err(f"qa line {n}: gold found in {len(hits)} paragraphs: {g!r}")
                continue
            if lines[hits[0]].count(g) != 1:
                err(f"qa line {n}: gold occurs more than once in its paragraph: {g!r}")
            if hits[0] not in a["body"]:
                err(f"qa line {n}: gold not in a body paragraph: {g!r}")
            para_idx.add(hits[0])
        if len(para_idx) > 1:
            err(f"qa line {n}: golds span several paragraphs")
        if len(para_idx) == 1:
            para = fold(lines[next(iter(para_idx))])
            for fct in facts:
                if not isinstance(fct, str) or not fct.strip():
                    err(f"qa line {n}: empty fact")
                elif fold(fct) not in para:
                    err(f"qa line {n}: fact not in paragraph: {fct!r}")

    for n, q in noacc:
        if fold(q) in vi_folded:
            err(f"qa line {n}: vi-noaccent question is just a de-accented vi question")

    # count checks
    for art in articles:
        for lang in LANGS:
            c = counts[("in", lang, art)]
            if c != 6:
                err(f"counts: {art} / {lang}: {c} in-scope questions (need 6)")
    for lang in LANGS:
        c = counts[("out", lang, None)]
        if c != 8:
            err(f"counts: out-of-scope {lang}: {c} (need 8)")
    n_in = sum(v for k, v in counts.items() if k[0] == "in")
    n_out = sum(v for k, v in counts.items() if k[0] == "out")
    if n_in != 72 or n_out != 24:
        err(f"counts: in={n_in} out={n_out} (need 72/24)")

    if errors:
        for e in errors:
            print("ERROR:", e)
        print(f"VALIDATION FAILED ({len(errors)} errors)")
        sys.exit(1)
    print(f"articles: {len(articles)}, questions: {len(items)} (in {n_in}, out {n_out})")
    print("VALIDATION PASSED")
    sys.exit(0)


if __name__ == "__main__":
    main()
