#!/usr/bin/env python3
"""Validator for eval/holdout3 (stdlib only): 3 articles, 75 questions; in scope per article
vi 7, vi-noaccent 6, en 6; 6 out of scope per language. Golds come from the lead or the body;
facts of at most 40 chars; a question may not copy six words in a row from its paragraph, and
a vi-noaccent one may not be (nearly) a vi one without accents.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import KEYS, RELATED, STRICT_SLUG, check  # noqa: E402

TERMINAL = ".!?…:;"
LAYOUT = dict(blank_lines=False, min_lines=14, one_marker=True, dateline="byline",
              title=dict(chars=(20, 160), not_start=">>>"),
              lead=dict(chars=(100, 10**6), end=TERMINAL, not_start=">>>", answerable=True),
              headline=dict(chars=(15, 160), not_start=">>>", not_end=tuple(".!?")), markers=(RELATED,),
              heading=dict(chars=120, end=TERMINAL), body=(8, 14), headings=(1, 3), teasers=(1, 2), related=(3, 4),
              teaser_chars=20, body_ends=True, teasers_inside=True, heading_content=True)

check(HERE, articles=3, expected_rows=75, out_per_language=6, in_per_article={"vi": 7, "vi-noaccent": 6, "en": 6},
      corpus_files="all", filenames=STRICT_SLUG, chars=(5000, 9000), needs=(), layout=LAYOUT, blank_rows=False,
      in_keys=(KEYS, None), out_keys=(KEYS, None),
      typed=True, min_question=10, duplicates="folded", fold_flags="", vi_needs="marks",
      unaccented=(("vi-noaccent", "unmarked"), ("en", "unmarked")), blank_facts=False, fact_chars=40,
      copied_words=6, noaccent_vs_vi="similar", detail=True)
