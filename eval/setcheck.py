"""Checks shared by the held-out sets' validators (stdlib only): each set's validate.py calls
`check` with its own counts. A set holds its articles in corpus/ and its questions in qa.jsonl:
6 in-scope questions per article and language, and some out-of-scope ones per language."""

import json, os, re, sys, unicodedata
from collections import Counter

def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", s.lower())

VI_CHARS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
def has_vi(s): return any(c in VI_CHARS for c in s.lower())


def check(here, articles, expected_rows, out_per_language):
    """Validate the set in folder `here` (corpus/ and qa.jsonl); print the result, exit 1 on errors."""
    CORPUS = os.path.join(here, "corpus")
    errors = []

    def err(m): errors.append(m)

    # corpus
    files = sorted(f for f in os.listdir(CORPUS) if f.endswith(".txt"))
    if len(files) != articles: err(f"expected {articles} articles, got {len(files)}")
    paras = {}
    for fn in files:
        if not re.fullmatch(r"[a-z0-9-]+\.txt", fn): err(f"bad filename {fn}")
        text = open(os.path.join(CORPUS, fn), encoding="utf-8").read()
        if text != unicodedata.normalize("NFC", text): err(f"{fn} not NFC")
        if not 4500 <= len(text) <= 7500: err(f"{fn} length {len(text)}")
        lines = [l.strip() for l in text.split("\n") if l.strip()]
        if not any(re.fullmatch(r"\d{2}:\d{2}, \d{2}/\d{2}/\d{4}", l) for l in lines): err(f"{fn} no dateline")
        if not any(l.startswith(">>>") for l in lines): err(f"{fn} no teaser")
        if "Có thể bạn quan tâm" not in lines: err(f"{fn} no related block")
        paras[fn] = lines

    # qa
    rows = [json.loads(l) for l in open(os.path.join(here, "qa.jsonl"), encoding="utf-8") if l.strip()]
    if len(rows) != expected_rows: err(f"expected {expected_rows} rows, got {len(rows)}")
    keys = {"question", "lang", "scope", "article", "gold", "facts"}
    cnt = Counter(); qs = Counter()
    for i, r in enumerate(rows, 1):
        if set(r) != keys: err(f"row {i}: keys {sorted(r)}"); continue
        q, lang, scope = r["question"], r["lang"], r["scope"]
        qs[q] += 1
        if lang not in ("vi", "vi-noaccent", "en"): err(f"row {i}: lang {lang}")
        if scope not in ("in", "out"): err(f"row {i}: scope {scope}")
        if q != unicodedata.normalize("NFC", q): err(f"row {i}: question not NFC")
        if lang == "vi" and not has_vi(q): err(f"row {i}: vi question lacks diacritics")
        if lang in ("vi-noaccent", "en") and not q.isascii(): err(f"row {i}: {lang} question not ASCII")
        cnt[(scope, lang, r["article"])] += 1
        if scope == "out":
            if r["article"] is not None or r["gold"] or r["facts"]: err(f"row {i}: out-of-scope must have null/empty")
            continue
        if r["article"] not in paras: err(f"row {i}: unknown article {r['article']}"); continue
        if not r["gold"] or not r["facts"]: err(f"row {i}: empty gold/facts"); continue
        lines = paras[r["article"]]
        idxs = set()
        for g in r["gold"]:
            if not 20 <= len(g) <= 80: err(f"row {i}: gold len {len(g)}: {g}")
            hits = [k for k, l in enumerate(lines) if g in l]
            if len(hits) != 1: err(f"row {i}: gold in {len(hits)} paragraphs: {g}")
            idxs.update(hits)
        if len(idxs) != 1: err(f"row {i}: golds span paragraphs {sorted(idxs)}"); continue
        p = fold(lines[idxs.pop()])
        for f in r["facts"]:
            if fold(f) not in p: err(f"row {i}: fact not in paragraph: {f}")

    for fn in files:
        for lang in ("vi", "vi-noaccent", "en"):
            if cnt[("in", lang, fn)] != 6: err(f"{fn}/{lang}: {cnt[('in', lang, fn)]} in-scope (want 6)")
    for lang in ("vi", "vi-noaccent", "en"):
        if cnt[("out", lang, None)] != out_per_language: err(f"out/{lang}: {cnt[('out', lang, None)]} (want {out_per_language})")
    for q, n in qs.items():
        if n > 1: err(f"duplicate question: {q}")

    if errors:
        print("\n".join(errors)); print(f"VALIDATION FAILED ({len(errors)} errors)"); sys.exit(1)
    print(f"articles={len(files)} rows={len(rows)} in={sum(1 for r in rows if r['scope']=='in')} out={sum(1 for r in rows if r['scope']=='out')}")
    print("VALIDATION PASSED")
