#!/usr/bin/env python3
"""Consistency checks for the holdout3 evaluation set (stdlib only).

Usage: python3 validate.py        (run from anywhere)
Exit code 0 and "VALIDATION PASSED" when everything is consistent.
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

N_LINES = 75
N_IN, N_OUT = 57, 18
PER_ARTICLE = {"vi": 7, "vi-noaccent": 6, "en": 6}
OUT_PER_LANG = {"vi": 6, "vi-noaccent": 6, "en": 6}
N_ARTICLES = 3
ART_MIN, ART_MAX = 5000, 9000
BODY_MIN, BODY_MAX = 8, 14
HEAD_MIN, HEAD_MAX = 1, 3
TEASER_MIN, TEASER_MAX = 1, 2
REL_MIN, REL_MAX = 3, 4
GOLD_MIN, GOLD_MAX = 20, 80
FACT_MAX = 40
NGRAM = 6  # a question may not share this many consecutive words with its paragraph
RELATED_MARK = "Có thể bạn quan tâm"
TERMINAL = ".!?…:;"
BYLINE_RE = re.compile(r"^\d{1,2}:\d{2}, \d{1,2}/\d{1,2}/\d{4}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.txt$")
REQUIRED = ("question", "lang", "scope", "article", "gold", "facts")

errors = []


def err(msg):
    errors.append(msg)


def fold(s):
    """Lower-case, strip Vietnamese diacritics (incl. đ), NFC-insensitive."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", s).lower()


def has_diacritics(s):
    return fold(s) != s.lower()


def words(s):
    return [w for w in re.split(r"\W+", fold(s)) if w]


def ngrams(ws, n):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


# --------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------
def parse_article(name, text):
    """Return list of answerable paragraphs (sapo + body) or None on error."""
    where = "corpus/" + name
    if not SLUG_RE.match(name):
        err(f"{where}: filename is not an ascii slug")
    if unicodedata.normalize("NFC", text) != text:
        err(f"{where}: text is not NFC")
    if not (ART_MIN <= len(text) <= ART_MAX):
        err(f"{where}: {len(text)} characters, expected {ART_MIN}-{ART_MAX}")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if any(not l.strip() for l in lines):
        err(f"{where}: contains blank lines")
    lines = [l.strip() for l in lines if l.strip()]
    if len(lines) < 2 + BODY_MIN + 1 + REL_MIN:
        err(f"{where}: too few lines ({len(lines)})")
        return None
    title, sapo = lines[0], lines[1]
    if len(title) < 20 or len(title) > 160 or title.startswith(">>>"):
        err(f"{where}: line 1 does not look like a title")
    if len(sapo) < 100 or sapo[-1] not in TERMINAL or sapo.startswith(">>>"):
        err(f"{where}: line 2 does not look like a sapo paragraph")
    marks = [i for i, l in enumerate(lines) if l == RELATED_MARK]
    if len(marks) != 1:
        err(f"{where}: expected exactly one '{RELATED_MARK}' line, found {len(marks)}")
        return None
    m = marks[0]
    related = lines[m + 1:]
    if not (REL_MIN <= len(related) <= REL_MAX):
        err(f"{where}: {len(related)} related headlines, expected {REL_MIN}-{REL_MAX}")
    for r in related:
        if r.startswith(">>>") or len(r) < 15 or len(r) > 160 or r[-1] in ".!?":
            err(f"{where}: related line does not look like a headline: {r[:50]!r}")
    kinds = []
    for l in lines[2:m]:
        if BYLINE_RE.match(l):
            kinds.append(("byline", l))
        elif l.startswith(">>>"):
            if len(l) < 20:
                err(f"{where}: teaser too short: {l!r}")
            kinds.append(("teaser", l))
        elif l[-1] not in TERMINAL and len(l) <= 120:
            kinds.append(("heading", l))
        else:
            if l[-1] not in TERMINAL:
                err(f"{where}: body paragraph lacks terminal punctuation: {l[:50]!r}")
            kinds.append(("body", l))
    cnt = Counter(k for k, _ in kinds)
    if not (BODY_MIN <= cnt["body"] <= BODY_MAX):
        err(f"{where}: {cnt['body']} body paragraphs, expected {BODY_MIN}-{BODY_MAX}")
    if not (HEAD_MIN <= cnt["heading"] <= HEAD_MAX):
        err(f"{where}: {cnt['heading']} headings, expected {HEAD_MIN}-{HEAD_MAX}")
    if not (TEASER_MIN <= cnt["teaser"] <= TEASER_MAX):
        err(f"{where}: {cnt['teaser']} teasers, expected {TEASER_MIN}-{TEASER_MAX}")
    if cnt["byline"] > 1:
        err(f"{where}: more than one byline")
    # teasers must sit among the body paragraphs
    body_pos = [i for i, (k, _) in enumerate(kinds) if k == "body"]
    for i, (k, l) in enumerate(kinds):
        if k == "teaser" and body_pos and not (body_pos[0] < i < body_pos[-1]):
            err(f"{where}: teaser not placed among the paragraphs: {l[:40]!r}")
        if k == "heading" and (i + 1 >= len(kinds) or kinds[i + 1][0] == "heading"):
            err(f"{where}: heading not followed by content: {l!r}")
    paras = [sapo] + [l for k, l in kinds if k == "body"]
    all_lines = lines
    return paras, all_lines


articles = {}
if not os.path.isdir(CORPUS):
    err("corpus/ directory missing")
else:
    names = sorted(os.listdir(CORPUS))
    if len(names) != N_ARTICLES:
        err(f"corpus/ holds {len(names)} files, expected {N_ARTICLES}")
    for name in names:
        path = os.path.join(CORPUS, name)
        try:
            with open(path, "rb") as fh:
                text = fh.read().decode("utf-8")
        except UnicodeDecodeError:
            err(f"corpus/{name}: not valid UTF-8")
            continue
        res = parse_article(name, text)
        if res:
            articles[name] = res

# --------------------------------------------------------------------------
# QA
# --------------------------------------------------------------------------
items = []
if not os.path.isfile(QA):
    err("qa.jsonl missing")
else:
    with open(QA, encoding="utf-8") as fh:
        raw = fh.read()
    raw_lines = raw.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines = raw_lines[:-1]
    if len(raw_lines) != N_LINES:
        err(f"qa.jsonl has {len(raw_lines)} lines, expected {N_LINES}")
    for n, line in enumerate(raw_lines, 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"qa line {n}: invalid JSON ({e})")
            continue
        if not isinstance(obj, dict):
            err(f"qa line {n}: not a JSON object")
            continue
        missing = [k for k in REQUIRED if k not in obj]
        if missing:
            err(f"qa line {n}: missing fields {missing}")
            continue
        items.append((n, obj))

scope_cnt = Counter()
in_cnt = Counter()
out_cnt = Counter()
seen_q = set()
vi_folded = []
noacc_folded = []

for n, o in items:
    q, lang, scope, art, gold, facts = (o[k] for k in REQUIRED)
    tag = f"qa line {n}"
    if not isinstance(q, str) or len(q.strip()) < 10:
        err(f"{tag}: question missing/too short")
        continue
    if unicodedata.normalize("NFC", q) != q:
        err(f"{tag}: question not NFC")
    key = fold(q).strip()
    if key in seen_q:
        err(f"{tag}: duplicate question")
    seen_q.add(key)
    if lang not in PER_ARTICLE:
        err(f"{tag}: bad lang {lang!r}")
        continue
    if scope not in ("in", "out"):
        err(f"{tag}: bad scope {scope!r}")
        continue
    if not isinstance(gold, list) or not isinstance(facts, list):
        err(f"{tag}: gold/facts must be lists")
        continue
    if not all(isinstance(x, str) for x in gold + facts):
        err(f"{tag}: gold/facts must contain strings")
        continue
    # language checks
    if lang == "vi" and not has_diacritics(q):
        err(f"{tag}: vi question has no diacritics")
    if lang in ("vi-noaccent", "en") and has_diacritics(q):
        err(f"{tag}: {lang} question contains diacritics")
    if lang == "vi":
        vi_folded.append(" ".join(words(q)))
    if lang == "vi-noaccent":
        noacc_folded.append((n, " ".join(words(q))))
    scope_cnt[scope] += 1

    if scope == "out":
        out_cnt[lang] += 1
        if art is not None or gold or facts:
            err(f"{tag}: out-of-scope item must have article null, gold [] and facts []")
        continue

    # in-scope
    in_cnt[(art, lang)] += 1
    if art not in articles:
        err(f"{tag}: unknown article {art!r}")
        continue
    paras, all_lines = articles[art]
    if not gold:
        err(f"{tag}: in-scope item without gold")
        continue
    if not facts:
        err(f"{tag}: in-scope item without facts")
    home = set()
    for g in gold:
        if not (GOLD_MIN <= len(g) <= GOLD_MAX):
            err(f"{tag}: gold length {len(g)} outside {GOLD_MIN}-{GOLD_MAX}: {g!r}")
        hits = [i for i, p in enumerate(paras) if g in p]
        line_hits = [l for l in all_lines if g in l]
        if len(hits) != 1 or len(line_hits) != 1:
            err(f"{tag}: gold occurs in {len(line_hits)} lines / {len(hits)} answerable paragraphs "
                f"(need exactly one): {g!r}")
            continue
        home.add(hits[0])
    if len(home) > 1:
        err(f"{tag}: golds spread over several paragraphs")
    if len(home) != 1:
        continue
    para = paras[home.pop()]
    fpara = fold(para)
    for f in facts:
        if not f.strip() or len(f) > FACT_MAX:
            err(f"{tag}: fact empty or longer than {FACT_MAX} chars: {f!r}")
        if fold(f) not in fpara:
            err(f"{tag}: fact not in answer paragraph: {f!r}")
    # paraphrase check: no long verbatim word run copied from the paragraph
    shared = ngrams(words(q), NGRAM) & ngrams(words(para), NGRAM)
    if shared:
        err(f"{tag}: question copies {NGRAM}+ consecutive words from the paragraph: "
            f"{' '.join(sorted(shared)[0])!r}")

# counts
if scope_cnt["in"] != N_IN or scope_cnt["out"] != N_OUT:
    err(f"scope counts in={scope_cnt['in']} out={scope_cnt['out']}, expected {N_IN}/{N_OUT}")
for art in articles:
    for lang, want in PER_ARTICLE.items():
        got = in_cnt[(art, lang)]
        if got != want:
            err(f"{art}: {got} in-scope {lang} questions, expected {want}")
for lang, want in OUT_PER_LANG.items():
    if out_cnt[lang] != want:
        err(f"out-of-scope {lang}: {out_cnt[lang]}, expected {want}")

# vi-noaccent must not be accent-stripped copies of vi questions
vi_set = set(vi_folded)
for n, s in noacc_folded:
    if s in vi_set:
        err(f"qa line {n}: vi-noaccent question is just a vi question without accents")
    sw = set(s.split())
    for v in vi_folded:
        vw = set(v.split())
        if sw and vw and len(sw & vw) / len(sw | vw) >= 0.8:
            err(f"qa line {n}: vi-noaccent question nearly identical to a vi question")
            break

if errors:
    for e in errors:
        print("ERROR:", e)
    print(f"VALIDATION FAILED ({len(errors)} errors)")
    sys.exit(1)

n_par = sum(len(p) for p, _ in articles.values())
print(f"articles: {len(articles)} ({', '.join(sorted(articles))})")
for name, (paras, lines) in sorted(articles.items()):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as fh:
        size = len(fh.read())
    print(f"  {name}: {size} chars, {len(paras) - 1} body paragraphs")
print(f"qa items: {len(items)} (in={scope_cnt['in']}, out={scope_cnt['out']})")
print("VALIDATION PASSED")
sys.exit(0)
