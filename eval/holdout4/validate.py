#!/usr/bin/env python3
"""Consistency checks for the holdout4 evaluation set (stdlib only).

Usage: python3 validate.py   (run from anywhere; paths are relative to this file)
Prints "VALIDATION PASSED" and exits 0 when everything is consistent,
otherwise lists every problem found and exits 1.
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

N_LINES = 96
N_ARTICLES = 4
PER_ARTICLE_LANG = 6          # in-scope questions per article per language
OUT_PER_LANG = 8              # out-of-scope questions per language
LANGS = ("vi", "vi-noaccent", "en")
REQUIRED = ("question", "lang", "scope", "article", "gold", "facts")
GOLD_MIN, GOLD_MAX = 20, 80
ART_MIN, ART_MAX = 4500, 8500
BODY_MIN, BODY_MAX = 8, 14
HEAD_MIN, HEAD_MAX = 1, 3
TEASER_MIN, TEASER_MAX = 1, 2
REL_MIN, REL_MAX = 3, 4
NGRAM = 6
RELATED_HEADERS = ("Có thể bạn quan tâm", "Tin liên quan")
DATELINE_RE = re.compile(r"^\d{1,2}:\d{2}, \d{1,2}/\d{1,2}/\d{4}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.txt$")
TERMINAL_PUNCT = tuple('.!?:;,…')

errors = []


def err(msg):
    errors.append(msg)


def strip_accents(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


def norm(s):
    """Accent- and case-insensitive form with collapsed whitespace."""
    s = strip_accents(unicodedata.normalize("NFC", s)).lower()
    return re.sub(r"\s+", " ", s).strip()


def words(s):
    return re.findall(r"[a-z0-9]+", norm(s))


def has_diacritics(s):
    return strip_accents(s) != s


def is_heading(line):
    return (len(line) <= 90 and not line.startswith(("- ", ">>>"))
            and not line.endswith(TERMINAL_PUNCT)
            and not DATELINE_RE.match(line))


# ---------------------------------------------------------------- articles
def parse_article(name, text):
    """Return dict with structure info; records errors."""
    info = {"body": [], "dateline_pos": None, "related_header": None,
            "related_timestamps": 0}
    where = "article %s" % name
    if not SLUG_RE.match(name):
        err("%s: filename is not an ascii slug" % where)
    if not unicodedata.is_normalized("NFC", text):
        err("%s: text is not NFC" % where)
    if not (ART_MIN <= len(text) <= ART_MAX):
        err("%s: %d characters, outside %d-%d" % (where, len(text), ART_MIN, ART_MAX))
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if len(lines) < 10:
        err("%s: too few lines" % where)
        return info
    title, lead = lines[0], lines[1]
    if title.endswith(".") or len(title) > 160:
        err("%s: title looks wrong" % where)
    if len(lead) < 80:
        err("%s: lead/sapo too short" % where)
    rel_idx = [i for i, l in enumerate(lines) if l in RELATED_HEADERS]
    if len(rel_idx) != 1:
        err("%s: expected exactly one related-links header, found %d" % (where, len(rel_idx)))
        return info
    r = rel_idx[0]
    info["related_header"] = lines[r]
    related = lines[r + 1:]
    heads = [l for l in related if not DATELINE_RE.match(l)]
    stamps = [l for l in related if DATELINE_RE.match(l)]
    info["related_timestamps"] = len(stamps)
    if not (REL_MIN <= len(heads) <= REL_MAX):
        err("%s: %d related headlines, expected %d-%d" % (where, len(heads), REL_MIN, REL_MAX))
    if stamps:
        # each related headline must be followed by its own timestamp line
        for j, l in enumerate(related):
            is_stamp = bool(DATELINE_RE.match(l))
            if is_stamp != (j % 2 == 1):
                err("%s: related headlines/timestamps do not alternate" % where)
                break
        if len(stamps) != len(heads):
            err("%s: related timestamps (%d) != headlines (%d)" % (where, len(stamps), len(heads)))
    main = lines[2:r]
    datelines = [i for i, l in enumerate(main) if DATELINE_RE.match(l)]
    if len(datelines) != 1:
        err("%s: expected exactly one dateline in the article, found %d" % (where, len(datelines)))
    else:
        d = datelines[0]
        if d == 0:
            info["dateline_pos"] = "top"
        elif d == len(main) - 1:
            info["dateline_pos"] = "end"
        else:
            err("%s: dateline is neither under the lead nor at the end" % where)
    teasers = [l for l in main if l.startswith(">>>")]
    if not (TEASER_MIN <= len(teasers) <= TEASER_MAX):
        err("%s: %d teaser lines, expected %d-%d" % (where, len(teasers), TEASER_MIN, TEASER_MAX))
    rest = [l for l in main if not DATELINE_RE.match(l) and not l.startswith(">>>")]
    headings = [l for l in rest if is_heading(l)]
    body = [l for l in rest if not is_heading(l)]
    if not (HEAD_MIN <= len(headings) <= HEAD_MAX):
        err("%s: %d section headings, expected %d-%d: %r" % (where, len(headings), HEAD_MIN, HEAD_MAX, headings))
    if not (BODY_MIN <= len(body) <= BODY_MAX):
        err("%s: %d body paragraphs, expected %d-%d" % (where, len(body), BODY_MIN, BODY_MAX))
    if rest and is_heading(rest[0]):
        err("%s: body starts with a heading" % where)
    info["body"] = body
    info["lines"] = lines
    info["has_bullets"] = any(l.startswith("- ") for l in body)
    info["has_enum"] = any("Thứ nhất" in l and "Thứ hai" in l for l in body)
    info["n_quotes"] = sum(1 for l in body if re.search(r'["“].{10,}?["”]', l))
    return info


articles = {}
if not os.path.isdir(CORPUS):
    err("corpus/ directory missing")
else:
    files = sorted(f for f in os.listdir(CORPUS) if not f.startswith("."))
    if len(files) != N_ARTICLES:
        err("corpus/ must hold exactly %d files, found %d" % (N_ARTICLES, len(files)))
    for f in files:
        with open(os.path.join(CORPUS, f), encoding="utf-8") as fh:
            articles[f] = parse_article(f, fh.read())

if articles:
    pos = Counter(a["dateline_pos"] for a in articles.values())
    if pos.get("top", 0) != 2 or pos.get("end", 0) != 2:
        err("datelines: expected 2 under the lead and 2 at the end, got %s" % dict(pos))
    hdr = Counter(a["related_header"] for a in articles.values())
    if hdr.get("Tin liên quan", 0) != 1:
        err("exactly one article must use 'Tin liên quan' (got %s)" % dict(hdr))
    if sum(1 for a in articles.values() if a["related_timestamps"]) != 1:
        err("exactly one article must give each related headline a timestamp line")
    if not any(a.get("has_bullets") for a in articles.values()):
        err("no article has a bullet list of commitments")
    if not any(a.get("has_enum") for a in articles.values()):
        err("no article has an enumerated 'Thứ nhất ...; Thứ hai ...' paragraph")
    if not any(a.get("n_quotes", 0) >= 5 for a in articles.values()):
        err("no interview-like article with many quotes")

# ---------------------------------------------------------------- questions
records = []
if not os.path.isfile(QA):
    err("qa.jsonl missing")
else:
    with open(QA, encoding="utf-8") as fh:
        raw = fh.read().split("\n")
    if raw and raw[-1] == "":
        raw = raw[:-1]
    if len(raw) != N_LINES:
        err("qa.jsonl has %d lines, expected %d" % (len(raw), N_LINES))
    for n, line in enumerate(raw, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            err("line %d: invalid JSON (%s)" % (n, e))
            continue
        if not isinstance(obj, dict):
            err("line %d: not a JSON object" % n)
            continue
        missing = [k for k in REQUIRED if k not in obj]
        extra = [k for k in obj if k not in REQUIRED]
        if missing:
            err("line %d: missing fields %s" % (n, missing))
            continue
        if extra:
            err("line %d: unexpected fields %s" % (n, extra))
        records.append((n, obj))

seen_q = set()
in_counts = Counter()
out_counts = Counter()
for n, q in records:
    where = "line %d" % n
    text, lang, scope = q["question"], q["lang"], q["scope"]
    art, gold, facts = q["article"], q["gold"], q["facts"]
    if not isinstance(text, str) or len(text.strip()) < 8:
        err("%s: question missing/too short" % where)
        continue
    if not unicodedata.is_normalized("NFC", text):
        err("%s: question not NFC" % where)
    key = norm(text)
    if key in seen_q:
        err("%s: duplicate question" % where)
    seen_q.add(key)
    if lang not in LANGS:
        err("%s: bad lang %r" % (where, lang))
        continue
    if lang == "vi-noaccent" and (has_diacritics(text) or not text.isascii()):
        err("%s: vi-noaccent question contains diacritics/non-ascii" % where)
    if lang == "vi" and not has_diacritics(text):
        err("%s: vi question has no diacritics" % where)
    if lang == "en" and has_diacritics(text):
        err("%s: en question contains Vietnamese diacritics" % where)
    if not isinstance(gold, list) or not isinstance(facts, list):
        err("%s: gold/facts must be lists" % where)
        continue
    if scope == "out":
        out_counts[lang] += 1
        if art is not None or gold or facts:
            err("%s: out-of-scope item must have article null, gold [] and facts []" % where)
        continue
    if scope != "in":
        err("%s: bad scope %r" % (where, scope))
        continue
    if art not in articles:
        err("%s: article %r not in corpus" % (where, art))
        continue
    in_counts[(art, lang)] += 1
    if not gold:
        err("%s: in-scope item without gold" % where)
        continue
    if not facts:
        err("%s: in-scope item without facts" % where)
    lines = articles[art].get("lines", [])
    body = articles[art]["body"]
    paras = set()
    for g in gold:
        if not isinstance(g, str):
            err("%s: gold item not a string" % where)
            continue
        if not (GOLD_MIN <= len(g) <= GOLD_MAX):
            err("%s: gold length %d outside %d-%d: %r" % (where, len(g), GOLD_MIN, GOLD_MAX, g))
        hits = [i for i, l in enumerate(lines) if g in l]
        if len(hits) != 1:
            err("%s: gold %r occurs in %d paragraphs (need exactly 1)" % (where, g, len(hits)))
            continue
        if lines[hits[0]] not in body:
            err("%s: gold %r is not in a body paragraph" % (where, g))
        paras.add(hits[0])
    if len(paras) > 1:
        err("%s: golds come from different paragraphs" % where)
    if len(paras) != 1:
        continue
    para = lines[paras.pop()]
    npara = norm(para)
    for f in facts:
        if not isinstance(f, str) or not f.strip():
            err("%s: empty fact" % where)
        elif norm(f) not in npara:
            err("%s: fact %r not found in the answering paragraph" % (where, f))
        elif len(f) > 40:
            err("%s: fact %r is too long to be a key fact" % (where, f))
    qw, pw = words(text), words(para)
    pgrams = {tuple(pw[i:i + NGRAM]) for i in range(len(pw) - NGRAM + 1)}
    for i in range(len(qw) - NGRAM + 1):
        if tuple(qw[i:i + NGRAM]) in pgrams:
            err("%s: question copies %d+ consecutive words of its paragraph: %r"
                % (where, NGRAM, " ".join(qw[i:i + NGRAM])))
            break

for art in articles:
    for lang in LANGS:
        c = in_counts[(art, lang)]
        if c != PER_ARTICLE_LANG:
            err("article %s: %d in-scope %s questions, expected %d" % (art, c, lang, PER_ARTICLE_LANG))
for lang in LANGS:
    if out_counts[lang] != OUT_PER_LANG:
        err("%d out-of-scope %s questions, expected %d" % (out_counts[lang], lang, OUT_PER_LANG))
n_in = sum(in_counts.values())
n_out = sum(out_counts.values())
if n_in != N_ARTICLES * PER_ARTICLE_LANG * len(LANGS) or n_out != OUT_PER_LANG * len(LANGS):
    err("scope totals: %d in / %d out, expected %d / %d"
        % (n_in, n_out, N_ARTICLES * PER_ARTICLE_LANG * len(LANGS), OUT_PER_LANG * len(LANGS)))

if errors:
    for e in errors:
        print("ERROR:", e)
    print("VALIDATION FAILED (%d problems)" % len(errors))
    sys.exit(1)
print("articles: %d, questions: %d (%d in-scope, %d out-of-scope)"
      % (len(articles), len(records), n_in, n_out))
print("VALIDATION PASSED")
sys.exit(0)
