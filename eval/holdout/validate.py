#!/usr/bin/env python3
"""Validator for eval/holdout (stdlib only): any number of articles and questions, no counts checked.

Its rules: a gold (10-60 chars) stands within one line of the body above the related block,
in a paragraph (lines broken mid-sentence joined) that is not a '>>>' teaser; 1-2 golds and
1-2 facts, the facts found accent/case-insensitively in each gold's paragraph; vi questions
carry diacritics, vi-noaccent ones none; an out-of-scope row names no article or a corpus one.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import KEYS, check  # noqa: E402

check(HERE, corpus_files="visible-txt", filenames=None, nfc=(), chars=None, needs=(),
      golds_in="paragraphs-above-related", blank_rows=False, in_keys=(KEYS, None), out_keys=(KEYS[:3], None),
      duplicates=None, fold_flags="", vi_needs="marks", unaccented=(("vi-noaccent", "unmarked"),),
      out_rows="known", gold_count=(1, 2), facts_count=(1, 2), gold_chars=(10, 60), gold_unique=None,
      same_paragraph=False, in_per_article=None, detail=True)
