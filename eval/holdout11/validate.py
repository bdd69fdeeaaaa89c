#!/usr/bin/env python3
"""Validator for eval/holdout11 (stdlib only): 4 articles, 96 questions, 8 out of scope per language."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import check  # noqa: E402

check(HERE, articles=4, expected_rows=96, out_per_language=8)
