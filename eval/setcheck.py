"""Rules shared by the held-out sets' validators (stdlib only): each set's validate.py calls `check`
with its own counts. A set holds its articles in corpus/ and its questions in qa.jsonl.

The defaults are the rules holdout6-10 were written to: 6 in-scope questions per article and
language, some out-of-scope ones per language, every row with the six keys, each gold in exactly
one line of its article. The older sets (holdout, holdout-seed, holdout2-5) were written to other
rules: each option in OPTIONS names one way in which an older set differs, and its validate.py
says which it needs, so that every set is held to the rules it was written to, no more, no fewer.
"""

import filecmp, json, os, re, sys, unicodedata
from collections import Counter
from types import SimpleNamespace

LANGS = ("vi", "vi-noaccent", "en")
KEYS = ("question", "lang", "scope", "article", "gold", "facts")
RELATED = "Có thể bạn quan tâm"
DATELINE = r"\d{2}:\d{2}, \d{2}/\d{2}/\d{4}"              # 08:20, 15/10/2024
LOOSE_DATELINE = r"\d{1,2}:\d{2}, \d{1,2}/\d{1,2}/\d{4}"   # 8:20, 5/1/2024 too
SLUG = r"[a-z0-9-]+\.txt"
STRICT_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*\.txt"             # no leading, trailing or double hyphen

OPTIONS = dict(
    # -- corpus
    corpus_files="txt",      # which files of corpus/ are articles: 'txt' (*.txt), 'visible-txt' (*.txt but
                             # dot-files, as glob reads them), 'visible' (all but dot-files) or 'all'
    filenames=SLUG,          # a pattern every article's file name matches (None: any)
    nfc=("text", "questions"),  # what must be NFC
    chars=(4500, 7500),      # an article's length (None: any)
    needs=("dateline", "teaser", "related"),  # what every article holds somewhere (a DATELINE line,
                             # a '>>>' teaser, a RELATED header)
    layout=None,             # the older sets' article structure: a dict of the rules in Article.parse
    golds_in="any-line",     # without a layout, where golds may come from: 'any-line', 'lines-above-related'
                             # or 'paragraphs-above-related' (lines broken mid-sentence joined); not teasers
    single_article=False,    # the set has one article (True: the first file in corpus/, or a path to it)
                             # and its rows name none
    same_as=None,            # a folder whose first *.txt the single article equals byte for byte
    # -- rows
    qa=None,                 # the questions' path (None: qa.jsonl of the set)
    blank_rows=True,         # blank lines in qa.jsonl are skipped (False: each one is an error)
    in_keys=(KEYS, KEYS),    # (required, allowed or None for any) keys of an in-scope row
    out_keys=(KEYS, KEYS),   # the same for an out-of-scope row
    typed=False,             # every row's gold and facts are lists of strings
    min_question=None,       # a question's least length, blanks aside
    duplicates="exact",      # no question twice: 'exact', 'folded' (accent-, case-free as fold_flags say) or None
    fold_flags="spaces",     # `fold`'s flags for comparing facts, paragraphs and questions
    vi_needs="vietnamese",   # a vi question holds a 'vietnamese' letter, or ('marks') any diacritic
    unaccented=(("vi-noaccent", "ascii"), ("en", "ascii")),  # (lang, 'ascii' and/or 'unmarked')
    out_rows="empty",        # out-of-scope rows: 'empty' (null article, no gold or facts), 'known'
                             # (an article null or in the corpus) or None
    # -- in-scope rows
    gold_count=(1, None),    # (lo, hi or None) golds in a row
    facts_count=(1, None),   # the same for facts
    blank_facts=True,        # a blank fact is allowed
    gold_chars=(20, 80),
    fact_chars=None,         # a fact's greatest length
    gold_unique="article",   # a gold stands in exactly one unit of the 'article', of the 'answerable'
                             # units, or (None) anywhere, the first it is found in counting
    gold_once=False,         # and only once in that unit
    same_paragraph=True,     # all a row's golds stand in one unit, where its facts are looked for
                             # (False: the facts are looked for in each gold's unit)
    copied_question=None,    # a question longer than this may not stand in its gold's unit
    copied_words=None,       # nor share this many words in a row with it
    noaccent_vs_vi=None,     # a vi-noaccent question may not be a vi one folded ('same'), or share 80%
                             # of its words with one ('similar')
    # -- counts
    in_per_article=6,        # in-scope rows per article and language: a number or {lang: number} (None: any)
    out_total=None,          # out-of-scope rows in all
    detail=False,            # print the counts per language and per article
)

VI_CHARS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
def has_vi(s): return any(c in VI_CHARS for c in s.lower())


def fold(s, flags="spaces"):
    """Accent- and case-free form (đ -> d). flags: 'spaces' collapses runs of white space,
    'trim' strips it at both ends, 'dashes' reads en and em dashes as '-'."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    if "dashes" in flags: s = s.replace("\u2013", "-").replace("\u2014", "-")
    if "spaces" in flags: s = re.sub(r"\s+", " ", s)
    return s.strip() if "trim" in flags else s

def marked(s): return fold(s, "") != s.lower()          # any diacritic (or đ) at all
def words(s): return re.findall(r"[a-z0-9]+", fold(s, ""))
def ngrams(ws, n): return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def shaped(s, spec):
    """Does line s fit spec: chars=(lo, hi), end=chars one of which ends it,
    not_start / not_end = a prefix / suffix (or a tuple of them) it does not have."""
    lo, hi = spec.get("chars", (0, float("inf")))
    return (lo <= len(s) <= hi and s.endswith(tuple(spec.get("end", "")) or "")
            and not ("not_start" in spec and s.startswith(spec["not_start"]))
            and not ("not_end" in spec and s.endswith(spec["not_end"])))


def joined_paragraphs(lines):
    """Lines, each one broken mid-sentence joined to the next when that starts in lower case."""
    paras = []
    for l in lines:
        if paras and not re.search(r"[.!?:”\")…]\s*$", paras[-1]) and l[:1].islower():
            paras[-1] += " " + l
        else:
            paras.append(l)
    return paras


class Article:
    """An article's lines, and the units (lines or paragraphs) a gold may be taken from."""

    def __init__(self, name, text, golds_in):
        self.name, self.text = name, text
        self.lines = [l.strip() for l in text.split("\n") if l.strip()]
        self.units = self.lines
        self.answerable = set(range(len(self.lines)))
        self.kinds, self.body, self.dateline, self.header, self.stamped = Counter(), [], None, None, False
        if golds_in != "any-line":
            raw = text.split("\n")
            end = next((i for i, l in enumerate(raw) if l.strip() == RELATED), len(raw))
            if golds_in == "paragraphs-above-related":
                self.units = joined_paragraphs(raw[:end])
            else:
                end = next((i for i, l in enumerate(self.lines) if l == RELATED), len(self.lines))
            self.answerable = {i for i, u in enumerate(self.units[:end]) if u and not u.startswith(">>>")}

    def parse(self, L, err):
        """Split the lines into title, lead, dateline, teasers, headings, body and related block as
        layout L says, and check their numbers and shapes. L's rules (a rule left out is not checked):
          title / lead / headline: `shaped` specs of line 1, line 2 and each related headline (without
            'lead' the lines from line 2 on are sorted like the rest; lead answerable=True: golds may
            come from it)
          markers: the related-block header lines (RELATED); one_marker: exactly one of them stands
          stamps: the related block's timestamp lines are 'count'ed as headlines, 'drop'ped, or each
            one follows its headline ('pairs')
          dateline: None (no line is read as one), 'byline' (at most one), 'edge' (exactly one, right
            under the lead or last before the related block), 'edge-of-article' (the same, counted over
            the whole article); strict_dateline: DATELINE rather than LOOSE_DATELINE
          heading: dict(chars=longest, end=chars, closers=chars stripped first, not_start=prefixes):
            a line between the lead and the related block that is no teaser ('>>>') or dateline is a
            heading when this short and not ending in one of those chars, else body
          body / headings / teasers / related: (lo, hi) how many; teaser_chars: a teaser's least length
          body_ends: a body line ends in a heading's end char; teasers_inside: teasers stand between the
            first and the last body line; heading_content: something other than a heading follows a
            heading; no_first_heading: the body does not open with a heading
          blank_lines: False forbids blank lines (but one final newline), 'trailing' all but trailing ones;
            padded_lines: False forbids white space at either end of a line; min_lines: the fewest lines;
            accented: the text holds diacritics
          datelines: (top, end) how many articles of the set have their dateline at each edge;
            variety: holdout4's rules on the styles its articles show (see check_layouts)"""
        name, lines = self.name, self.lines
        self.answerable = set()
        blank = L.get("blank_lines", True)
        raw = (self.text.rstrip("\n") if blank == "trailing" else self.text.removesuffix("\n")).split("\n")
        if blank is not True and any(not l.strip() for l in raw): err(f"{name}: contains blank lines")
        if not L.get("padded_lines", True) and any(l != l.strip() for l in raw):
            err(f"{name}: line with leading/trailing white space")
        if L.get("accented") and not marked(self.text): err(f"{name}: text has no diacritics")
        if len(lines) < L.get("min_lines", 2): err(f"{name}: too few lines ({len(lines)})"); return
        markers = L.get("markers", (RELATED,))
        at = [i for i, l in enumerate(lines) if l in markers]
        if not at or (L.get("one_marker") and len(at) != 1):
            err(f"{name}: expected one related-block header ({' / '.join(markers)}), found {len(at)}"); return
        m = at[0]; self.header = lines[m]

        stamp = re.compile(LOOSE_DATELINE)
        after = [l for l in lines[m + 1:] if l not in markers]
        stamps = [l for l in after if stamp.fullmatch(l)]
        heads = after if L.get("stamps", "count") == "count" else [l for l in after if not stamp.fullmatch(l)]
        self.stamped, self.kinds["related"] = bool(stamps), len(heads)
        if "related" in L and not L["related"][0] <= len(heads) <= L["related"][1]:
            err(f"{name}: {len(heads)} related, expected {L['related'][0]}-{L['related'][1]}")
        if L.get("stamps") == "pairs" and stamps:
            if any(bool(stamp.fullmatch(l)) != (j % 2 == 1) for j, l in enumerate(after)):
                err(f"{name}: related headlines/timestamps do not alternate")
            if len(stamps) != len(heads): err(f"{name}: related timestamps ({len(stamps)}) != headlines ({len(heads)})")
        for l in heads if "headline" in L else ():
            if not shaped(l, L["headline"]): err(f"{name}: related line does not look like a headline: {l[:50]!r}")
        if "title" in L and not shaped(lines[0], L["title"]): err(f"{name}: line 1 does not look like a title")
        lead = "lead" in L
        if lead and not shaped(lines[1], L["lead"]): err(f"{name}: line 2 does not look like a lead paragraph")

        start, mode = 1 + lead, L.get("dateline")
        date = re.compile(DATELINE if L.get("strict_dateline") else LOOSE_DATELINE)
        dates = [i for i in range(start, m) if mode and date.fullmatch(lines[i])]
        if mode == "edge-of-article":
            dates = [i for i, l in enumerate(lines) if date.fullmatch(l)]
        if mode == "byline" and len(dates) > 1: err(f"{name}: more than one byline")
        if mode in ("edge", "edge-of-article"):
            where = len(dates) == 1 and ("top" if dates[0] == start else "end" if dates[0] == m - 1 else None)
            if len(dates) != 1: err(f"{name}: expected exactly one dateline, found {len(dates)}")
            elif not where: err(f"{name}: dateline is neither under the lead nor at the end")
            if not where and mode == "edge-of-article": return
            self.dateline = where or None

        H = L["heading"]
        kinds = []
        for i in range(start, m):
            l = lines[i]
            if i in dates: k = "dateline"
            elif l.startswith(">>>"): k = "teaser"
            elif (len(l) <= H["chars"] and not l.rstrip(H.get("closers", "")).endswith(tuple(H["end"]))
                  and not l.startswith(H.get("not_start", ()))): k = "heading"
            else: k = "body"
            kinds.append((k, l))
            if k == "teaser" and len(l) < L.get("teaser_chars", 0): err(f"{name}: teaser too short: {l!r}")
            if k == "body" and L.get("body_ends") and not l.endswith(tuple(H["end"])):
                err(f"{name}: body paragraph lacks terminal punctuation: {l[:50]!r}")
        self.kinds.update(k for k, _ in kinds)
        for k, key in (("body", "body"), ("heading", "headings"), ("teaser", "teasers")):
            if key in L and not L[key][0] <= self.kinds[k] <= L[key][1]:
                err(f"{name}: {self.kinds[k]} {key}, expected {L[key][0]}-{L[key][1]}")
        body = [j for j, (k, _) in enumerate(kinds) if k == "body"]
        for j, (k, l) in enumerate(kinds):
            if L.get("teasers_inside") and k == "teaser" and body and not body[0] < j < body[-1]:
                err(f"{name}: teaser not placed among the paragraphs: {l[:40]!r}")
            if L.get("heading_content") and k == "heading" and (j + 1 == len(kinds) or kinds[j + 1][0] == "heading"):
                err(f"{name}: heading not followed by content: {l!r}")
        rest = [k for k, _ in kinds if k not in ("dateline", "teaser")]
        if L.get("no_first_heading") and rest and rest[0] == "heading": err(f"{name}: body starts with a heading")
        self.body = [l for k, l in kinds if k == "body"]
        self.answerable = {start + j for j in body} | ({1} if L.get("lead", {}).get("answerable") else set())


def check_layouts(arts, L, err):
    """Rules over all the articles of a set: where their datelines stand, and (holdout4) the styles they show."""
    if "datelines" in L:
        pos, (top, end) = Counter(a.dateline for a in arts), L["datelines"]
        if pos["top"] != top or pos["end"] != end:
            err(f"datelines: expected {top} under the lead and {end} at the end, got {dict(pos)}")
    if L.get("variety"):
        if sum(a.header == "Tin liên quan" for a in arts) != 1: err("exactly one article must use 'Tin liên quan'")
        if sum(a.stamped for a in arts) != 1: err("exactly one article must give each related headline a timestamp line")
        if not any(l.startswith("- ") for a in arts for l in a.body): err("no article has a bullet list of commitments")
        if not any("Thứ nhất" in l and "Thứ hai" in l for a in arts for l in a.body):
            err("no article has an enumerated 'Thứ nhất ...; Thứ hai ...' paragraph")
        if not any(sum(bool(re.search(r'["“].{10,}?["”]', l)) for l in a.body) >= 5 for a in arts):
            err("no interview-like article with many quotes")


def load_corpus(here, articles, o, err):
    """{file name: Article} of the set's corpus, each checked as the options say."""
    keep = {"txt": lambda f: f.endswith(".txt"), "visible-txt": lambda f: f.endswith(".txt") and not f.startswith("."),
            "visible": lambda f: not f.startswith("."), "all": lambda f: True}[o.corpus_files]
    if isinstance(o.single_article, str):
        paths = [o.single_article] if os.path.isfile(o.single_article) else []
    else:
        corpus = os.path.join(here, "corpus")
        paths = [os.path.join(corpus, f) for f in sorted(os.listdir(corpus)) if keep(f)]
        paths = paths[:1] if o.single_article else paths
    if o.single_article and not paths:
        print("FAIL: article not found (expected corpus/*.txt)"); sys.exit(1)
    if articles is not None and len(paths) != articles: err(f"expected {articles} articles, got {len(paths)}")
    same = sorted(f for f in os.listdir(o.same_as) if f.endswith(".txt")) if o.same_as and os.path.isdir(o.same_as) else []
    if same and not filecmp.cmp(os.path.join(o.same_as, same[0]), paths[0], shallow=False):
        err(f"corpus/ copy differs from {os.path.normpath(o.same_as)}/{same[0]}")
    arts = {}
    for path in paths:
        fn = os.path.basename(path)
        if o.filenames and not re.fullmatch(o.filenames, fn): err(f"bad filename {fn}")
        try:
            text = open(path, "rb").read().decode("utf-8")
        except UnicodeDecodeError:
            err(f"{fn} not UTF-8"); continue
        if "text" in o.nfc and text != unicodedata.normalize("NFC", text): err(f"{fn} not NFC")
        if o.chars and not o.chars[0] <= len(text) <= o.chars[1]: err(f"{fn} length {len(text)}")
        a = arts[fn] = Article(fn, text, o.golds_in)
        if "dateline" in o.needs and not any(re.fullmatch(DATELINE, l) for l in a.lines): err(f"{fn} no dateline")
        if "teaser" in o.needs and not any(l.startswith(">>>") for l in a.lines): err(f"{fn} no teaser")
        if "related" in o.needs and RELATED not in a.lines: err(f"{fn} no related block")
        if o.layout: a.parse(o.layout, err)
    if o.layout: check_layouts(arts.values(), o.layout, err)
    return arts


def load_rows(path, expected_rows, o, err):
    """[(line number, row)] of qa.jsonl's rows that are JSON objects."""
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines[-1] == "": lines.pop()
    rows = []
    for i, l in enumerate(lines, 1):
        if not l.strip():
            if not o.blank_rows: err(f"row {i}: blank line")
            continue
        try:
            r = json.loads(l)
        except ValueError as e:
            err(f"row {i}: invalid JSON ({e})"); continue
        if not isinstance(r, dict): err(f"row {i}: not a JSON object"); continue
        rows.append((i, r))
    if expected_rows is not None and len(rows) != expected_rows: err(f"expected {expected_rows} rows, got {len(rows)}")
    return rows


def list_of(x, lo, hi, blank_ok=True):
    return (isinstance(x, list) and lo <= len(x) <= (hi or len(x)) and all(isinstance(s, str) for s in x)
            and (blank_ok or all(s.strip() for s in x)))


def check_golds(i, q, r, a, o, err):
    """An in-scope row's golds and facts against its article `a`."""
    gold, facts = r.get("gold"), r.get("facts")
    if not list_of(gold, *o.gold_count) or not list_of(facts, *o.facts_count, o.blank_facts):
        err(f"row {i}: gold must be {o.gold_count}, facts {o.facts_count} strings"); return
    for f in facts:
        if o.fact_chars and len(f) > o.fact_chars: err(f"row {i}: fact too long ({len(f)}): {f!r}")
    homes = []
    for g in gold:
        if not o.gold_chars[0] <= len(g) <= o.gold_chars[1]: err(f"row {i}: gold len {len(g)}: {g}")
        if not any(g in l for l in a.text.split("\n")): err(f"row {i}: gold not within one line: {g}"); continue
        hits = [k for k, u in enumerate(a.units) if g in u and (o.gold_unique != "answerable" or k in a.answerable)]
        if not hits or (o.gold_unique and len(hits) != 1): err(f"row {i}: gold in {len(hits)} paragraphs: {g}"); continue
        if hits[0] not in a.answerable: err(f"row {i}: gold not in a body paragraph: {g}"); continue
        if o.gold_once and a.units[hits[0]].count(g) != 1: err(f"row {i}: gold occurs more than once in its paragraph: {g}")
        homes.append(hits[0])
    homes = sorted(set(homes))
    if o.same_paragraph and len(homes) > 1: err(f"row {i}: golds span paragraphs {homes}"); return
    for h in homes:
        p = fold(a.units[h], o.fold_flags)
        for f in facts:
            if fold(f, o.fold_flags) not in p: err(f"row {i}: fact not in paragraph: {f}")
        if o.copied_question and len(q) > o.copied_question and fold(q, o.fold_flags) in p:
            err(f"row {i}: question copied verbatim from the article")
        if o.copied_words and ngrams(words(q), o.copied_words) & ngrams(words(a.units[h]), o.copied_words):
            err(f"row {i}: question copies {o.copied_words}+ consecutive words of its paragraph")


def check(here, articles=None, expected_rows=None, out_per_language=None, **options):
    """Validate the set in folder `here` (corpus/ and qa.jsonl); print the result, exit 1 on errors.
    articles, expected_rows: how many articles and rows (None: any); out_per_language: out-of-scope
    rows per language, a number or a (lo, hi or None) range (None: any); options: see OPTIONS."""
    unknown = set(options) - set(OPTIONS)
    if unknown: raise TypeError(f"unknown options {sorted(unknown)}")
    o = SimpleNamespace(**{**OPTIONS, **options})
    errors = []

    def err(m): errors.append(m)

    arts = load_corpus(here, articles, o, err)
    rows = load_rows(o.qa or os.path.join(here, "qa.jsonl"), expected_rows, o, err)
    cnt = Counter(); scopes = {"in": Counter(), "out": Counter()}
    seen = Counter(); vi_qs = []; noaccent_qs = []
    for i, r in rows:
        required, allowed = o.in_keys if r.get("scope") == "in" else o.out_keys
        if any(k not in r for k in required) or (allowed is not None and any(k not in allowed for k in r)):
            err(f"row {i}: keys {sorted(r)}"); continue
        q, lang, scope = r["question"], r["lang"], r["scope"]
        if not isinstance(q, str) or len(q.strip()) < (o.min_question or 0): err(f"row {i}: question missing or too short"); continue
        seen[fold(q, o.fold_flags).strip() if o.duplicates == "folded" else q] += 1
        if lang not in LANGS: err(f"row {i}: lang {lang}"); continue
        if scope not in ("in", "out"): err(f"row {i}: scope {scope}"); continue
        if "questions" in o.nfc and q != unicodedata.normalize("NFC", q): err(f"row {i}: question not NFC")
        if lang == "vi" and not (has_vi(q) if o.vi_needs == "vietnamese" else marked(q)):
            err(f"row {i}: vi question lacks diacritics")
        for lg, rule in o.unaccented:
            if lang == lg and (("ascii" in rule and not q.isascii()) or ("unmarked" in rule and marked(q))):
                err(f"row {i}: {lang} question not {rule}")
        if lang == "vi": vi_qs.append(q)
        if lang == "vi-noaccent": noaccent_qs.append((i, q))
        if o.typed and not all(list_of(r.get(k, []), 0, None) for k in ("gold", "facts")):
            err(f"row {i}: gold/facts must be lists of strings"); continue
        art = (next(iter(arts), None) if o.single_article else r.get("article")) if scope == "in" else None
        cnt[(scope, lang, art)] += 1; scopes[scope][lang] += 1
        if scope == "out":
            if o.out_rows == "empty" and (r.get("article") is not None or r.get("gold") or r.get("facts")):
                err(f"row {i}: out-of-scope must have null/empty")
            if o.out_rows == "known" and r.get("article") not in (None, *arts): err(f"row {i}: unknown article {r.get('article')}")
        elif art not in arts: err(f"row {i}: unknown article {art}")
        else: check_golds(i, q, r, arts[art], o, err)

    for q, n in seen.items() if o.duplicates else ():
        if n > 1: err(f"duplicate question: {q}")
    vi = {fold(q, o.fold_flags) for q in vi_qs}; vi_words = [set(words(q)) for q in vi_qs]
    for i, q in noaccent_qs if o.noaccent_vs_vi else ():
        w = set(words(q))
        if fold(q, o.fold_flags) in vi or (o.noaccent_vs_vi == "similar" and any(
                w and v and len(w & v) / len(w | v) >= 0.8 for v in vi_words)):
            err(f"row {i}: vi-noaccent question is just a vi question without accents")
    for fn in arts if o.in_per_article is not None else ():
        for lang in LANGS:
            want = o.in_per_article[lang] if isinstance(o.in_per_article, dict) else o.in_per_article
            if cnt[("in", lang, fn)] != want: err(f"{fn}/{lang}: {cnt[('in', lang, fn)]} in-scope (want {want})")
    lo, hi = out_per_language if isinstance(out_per_language, tuple) else (out_per_language,) * 2
    for lang in LANGS if out_per_language is not None else ():
        if not lo <= cnt[("out", lang, None)] <= (hi or float("inf")):
            err(f"out/{lang}: {cnt[('out', lang, None)]} (want {out_per_language})")
    if o.out_total is not None and sum(scopes["out"].values()) != o.out_total:
        err(f"out of scope: {sum(scopes['out'].values())} (want {o.out_total})")

    if errors:
        print("\n".join(errors)); print(f"VALIDATION FAILED ({len(errors)} errors)"); sys.exit(1)
    print(f"articles={len(arts)} rows={len(rows)} in={sum(scopes['in'].values())} out={sum(scopes['out'].values())}")
    if o.detail: report(arts, scopes, cnt)
    print("VALIDATION PASSED")


def report(arts, scopes, cnt):
    """Counts per language, and per article its size, structure and in-scope questions."""
    for scope, c in scopes.items():
        print(f"  {scope}: " + " ".join(f"{lang}={c[lang]}" for lang in LANGS))
    for fn, a in arts.items():
        shape = "".join(f", {a.kinds[k]} {k}" for k in ("body", "heading", "teaser", "related") if k in a.kinds)
        ins = " ".join(f"{lang}={cnt[('in', lang, fn)]}" for lang in LANGS)
        print(f"  {fn}: {len(a.text)} chars, {len(a.text.split())} words{shape}; in scope {ins}")
