#!/usr/bin/env python3
"""Validator for eval/holdout2 (stdlib only): 3 articles, 75 questions; in scope per article
vi 7, vi-noaccent 6, en 6; 18 out of scope, some in every language, carrying only question,
lang and scope. One gold a row, in exactly one body line; 1-3 facts; a question longer than
30 chars may not stand verbatim in its line.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import KEYS, check  # noqa: E402

LAYOUT = dict(stamps="drop", accented=True, body=(8, 14), headings=(1, 3), teasers=(1, 2), related=(3, 4),
              heading=dict(chars=149, end=".!?:…;", closers="\"”’')]"))

check(HERE, articles=3, expected_rows=75, out_per_language=(1, None), out_total=18,
      in_per_article={"vi": 7, "vi-noaccent": 6, "en": 6}, filenames=None, nfc=("text",), chars=(5000, 9000),
      needs=(), layout=LAYOUT, blank_rows=False, out_keys=(KEYS[:3], KEYS[:3]), min_question=1,
      duplicates="folded", fold_flags="spaces trim dashes", vi_needs="marks",
      unaccented=(("vi-noaccent", "unmarked"), ("en", "unmarked")), out_rows=None, gold_count=(1, 1),
      facts_count=(1, 3), blank_facts=False, gold_unique="answerable", same_paragraph=False,
      copied_question=30, detail=True)
