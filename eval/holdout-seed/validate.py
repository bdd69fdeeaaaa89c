#!/usr/bin/env python3
"""Validator for eval/holdout-seed (stdlib only): the seed article (corpus/ holds a byte-identical
copy of the project's corpus/ article), 70 questions: in scope vi 22, vi-noaccent 18, en 18;
12 out of scope. Rows name no article; out-of-scope rows carry only question, lang and scope.
A gold stands in exactly one body line above the related block (not a teaser); 1-3 facts of at
most 40 chars each.

Usage: python3 validate.py [qa.jsonl] [article.txt]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import KEYS, check  # noqa: E402

args = sys.argv[1:]
check(HERE, expected_rows=70, out_total=12, in_per_article={"vi": 22, "vi-noaccent": 18, "en": 18},
      qa=args[0] if args else None, single_article=args[1] if len(args) > 1 else True,
      same_as=None if len(args) > 1 else os.path.join(HERE, "..", "..", "corpus"),
      corpus_files="visible-txt", filenames=None, nfc=(), chars=None, needs=(), golds_in="lines-above-related",
      blank_rows=False, in_keys=(KEYS[:3], KEYS[:3] + KEYS[4:]), out_keys=(KEYS[:3], KEYS[:3]), min_question=1,
      duplicates="folded", fold_flags="", vi_needs="marks", unaccented=(("vi-noaccent", "unmarked"),),
      out_rows=None, facts_count=(1, 3), blank_facts=False, fact_chars=40, gold_unique="answerable",
      same_paragraph=False, detail=True)
