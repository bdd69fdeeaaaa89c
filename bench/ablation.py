"""Ablation study for retrieval and answering: each technique switched off in turn, same run.

    python bench/ablation.py [--qa eval/dev.jsonl] [--corpus corpus] [--index /tmp/hoidap-ablation]

Prints MRR@5 / hit@3 per language, key-fact rate, out-of-scope abstentions and false abstentions.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import lexical, retrieval  # noqa: E402
from assistant.chain import Assistant  # noqa: E402
from assistant.evaluation import LANGS, Report, evaluate_assistant, load_qa  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DEFAULTS = {
    (lexical, "USE_BIGRAMS"): lexical.USE_BIGRAMS,
    (lexical, "USE_PROVINCE_TERMS"): lexical.USE_PROVINCE_TERMS,
    (lexical, "SEGMENTER"): lexical.SEGMENTER,
    (retrieval, "USE_RESTORE"): retrieval.USE_RESTORE,
    (retrieval, "USE_EXPANSION"): retrieval.USE_EXPANSION,
    (retrieval, "PROVINCE_BOOST"): retrieval.PROVINCE_BOOST,
    (retrieval, "DENSE_WEIGHT"): copy.deepcopy(retrieval.DENSE_WEIGHT),
    (retrieval, "LEXICAL_WEIGHT"): copy.deepcopy(retrieval.LEXICAL_WEIGHT),
}
ZERO = {lang: 0.0 for lang in LANGS}
ONE = {lang: 1.0 for lang in LANGS}

VARIANTS = [
    ("full pipeline", {}),
    ("- diacritic restoration (dense reads the accent-free question)", {(retrieval, "USE_RESTORE"): False}),
    ("- canonical province terms", {(lexical, "USE_PROVINCE_TERMS"): False}),
    ("- syllable bigrams", {(lexical, "USE_BIGRAMS"): False}),
    ("underthesea word segmentation instead of bigrams", {(lexical, "SEGMENTER"): "underthesea"}),
    ("- English->Vietnamese glossary expansion", {(retrieval, "USE_EXPANSION"): False}),
    ("- province boost", {(retrieval, "PROVINCE_BOOST"): 0.0}),
    ("plain RRF (equal weights)", {(retrieval, "DENSE_WEIGHT"): ONE, (retrieval, "LEXICAL_WEIGHT"): ONE}),
    ("dense e5 only", {(retrieval, "LEXICAL_WEIGHT"): ZERO}),
    ("BM25 only", {(retrieval, "DENSE_WEIGHT"): ZERO}),
]


def apply(changes: dict) -> None:
    for (module, name), value in DEFAULTS.items():
        setattr(module, name, copy.deepcopy(changes.get((module, name), value)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qa", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=Path("/tmp/hoidap-ablation"))
    args = parser.parse_args()
    items = load_qa(args.qa)
    assistant = Assistant(Settings.from_env(corpus_dir=args.corpus, index_dir=args.index))
    assistant.ensure_index()
    head = f"{'variant':<64}" + "".join(f"{'MRR ' + l:>16}" for l in LANGS) + f"{'hit@3':>8}{'facts':>8}{'OOS abst':>10}{'false abst':>11}"
    print(head)
    for name, changes in VARIANTS:
        apply(changes)
        assistant.reload()
        report = Report(items, evaluate_assistant(assistant, items), None)
        figs = report.figures(report.ours)
        row = f"{name:<64}" + "".join(f"{figs[l]['mrr@5']:>16.3f}" for l in LANGS)
        a = figs["all"]
        row += f"{a['hit@3']:>8.3f}{a['facts']:>8.3f}{a['abstained_out']:>6}/{a['out_of_scope']:<3}{a['false_abstentions']:>7}/{a['questions']:<3}"
        print(row, flush=True)
    apply({})


if __name__ == "__main__":
    main()
