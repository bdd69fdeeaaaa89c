#!/usr/bin/env python3
"""Validator for eval/holdout5 (stdlib only): 4 articles, 96 questions, 8 out of scope per language.
Two articles carry their dateline under the lead and two at the end; golds come from body
paragraphs only and occur once there; a vi-noaccent question may not be a vi one without accents.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import RELATED, STRICT_SLUG, check  # noqa: E402

LAYOUT = dict(blank_lines="trailing", padded_lines=False, markers=(RELATED, "Tin liên quan", "Xem thêm"),
              one_marker=True, dateline="edge-of-article", strict_dateline=True, datelines=(2, 2),
              title=dict(chars=(0, 160), not_end="."), lead=dict(chars=(100, 10**6)),
              heading=dict(chars=80, end=".:;!?…\"”)"),
              body=(8, 14), headings=(1, 3), teasers=(1, 2), related=(3, 4))

check(HERE, articles=4, expected_rows=96, out_per_language=8, corpus_files="visible", filenames=STRICT_SLUG,
      nfc=("text",), chars=(4500, 8500), needs=(), layout=LAYOUT, blank_rows=False, typed=True,
      min_question=1, fold_flags="spaces trim", vi_needs="marks",
      unaccented=(("vi-noaccent", "ascii"), ("en", "unmarked")), blank_facts=False, gold_once=True,
      noaccent_vs_vi="same", detail=True)
