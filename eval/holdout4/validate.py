#!/usr/bin/env python3
"""Validator for eval/holdout4 (stdlib only): 4 articles, 96 questions, 8 out of scope per language.
Its articles vary in style (two datelines under the lead and two at the end, one 'Tin liên quan'
block, one with timestamped related headlines, a bullet list, an enumeration, an interview);
golds come from body paragraphs only; facts of at most 40 chars; a question may not copy six
words in a row from its paragraph.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import RELATED, STRICT_SLUG, check  # noqa: E402

LAYOUT = dict(min_lines=10, markers=(RELATED, "Tin liên quan"), one_marker=True, stamps="pairs", dateline="edge",
              title=dict(chars=(0, 160), not_end="."), lead=dict(chars=(80, 10**6)), datelines=(2, 2), variety=True,
              heading=dict(chars=90, end=".!?:;,…", not_start=("- ", ">>>")), no_first_heading=True,
              body=(8, 14), headings=(1, 3), teasers=(1, 2), related=(3, 4))

check(HERE, articles=4, expected_rows=96, out_per_language=8, corpus_files="visible", filenames=STRICT_SLUG,
      chars=(4500, 8500), needs=(), layout=LAYOUT, blank_rows=False, typed=True, min_question=8,
      duplicates="folded", fold_flags="spaces trim", vi_needs="marks",
      unaccented=(("vi-noaccent", "ascii unmarked"), ("en", "unmarked")), blank_facts=False, fact_chars=40,
      copied_words=6, detail=True)
