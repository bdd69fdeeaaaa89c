#!/usr/bin/env python3
"""Validator for eval/holdout6 (stdlib only): 3 articles, 72 questions, 6 out of scope per language."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from setcheck import check  # noqa: E402

check(HERE, articles=3, expected_rows=72, out_per_language=6)
