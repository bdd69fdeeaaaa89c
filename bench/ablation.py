"""Ablation study for retrieval and answering: each technique switched off in turn, same run.

    python bench/ablation.py                     # the dev set and the eight inspected held-out sets, pooled
    python bench/ablation.py --set corpus eval/dev.jsonl [--set CORPUS QA ...] [--index /tmp/hoidap-ablation]

Prints MRR@5 / hit@3 per language, key-fact rate, out-of-scope abstentions and false abstentions,
pooled over the question sets (each answered from its own corpus).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import answer, lexical, retrieval  # noqa: E402
from assistant.chain import Assistant  # noqa: E402
from assistant.evaluation import LANGS, Report, SystemResult, evaluate_assistant, load_qa  # noqa: E402
from assistant.settings import Settings  # noqa: E402

ZERO = {lang: 0.0 for lang in LANGS}
ONE = {lang: 1.0 for lang in LANGS}

VARIANTS = [
    ("full pipeline", {}),
    ("- diacritic restoration (dense reads the accent-free question)", {(retrieval, "USE_RESTORE"): False}),
    ("- canonical province terms", {(lexical, "USE_PROVINCE_TERMS"): False}),
    ("- syllable bigrams", {(lexical, "USE_BIGRAMS"): False}),
    ("underthesea word segmentation instead of bigrams", {(lexical, "SEGMENTER"): "underthesea"}),
    ("- English->Vietnamese glossary expansion", {(retrieval, "USE_EXPANSION"): False}),
    ("glossary list weighted 1.2 (is 0.8)", {(retrieval, "EXPANSION_WEIGHT"): 1.2}),
    ("- glossary terms in the dense query (English dense floor back to 0.75)",
     {(retrieval, "USE_DENSE_EXPANSION"): False, (answer, "MIN_DENSE"): {**answer.MIN_DENSE, "en": 0.75}}),
    ("- chat shorthand and acronym expansion", {(retrieval, "USE_SHORTHAND"): False}),
    ("- Vietnamese synonym groups in answer coverage", {(retrieval, "USE_SYNONYMS"): False}),
    ("- folded BM25 list for questions with diacritics", {(retrieval, "FOLDED_WEIGHT_VI"): 0.0}),
    ("- answer-type reordering of the top 3", {(retrieval, "TYPE_REORDER"): 0}),
    ("answer-type reordering of the top 5", {(retrieval, "TYPE_REORDER"): 5}),
    ("- sentence context in answer coverage", {(answer, "CONTEXT_SHARE"): 0.0}),
    ("second sentence only at 85% of the best (was 60%)", {(answer, "SECOND_SENTENCE"): 0.85}),
    ("- second sentence", {(answer, "SECOND_SENTENCE"): 99.0}),
    ("what the best sentence lacks taken from any top passage", {(answer, "HOLDER_COVERAGE"): 0.0}),
    ("- province boost", {(retrieval, "PROVINCE_BOOST"): 0.0}),
    ("- year named in the question must be in the answering passage", {(answer, "USE_YEAR_CHECK"): False}),
    ("- accent-free questions: some word pair must be in a top passage", {(answer, "MIN_PHRASE_COVERAGE"): 0.0}),
    ("plain RRF (equal weights)", {(retrieval, "DENSE_WEIGHT"): ONE, (retrieval, "LEXICAL_WEIGHT"): ONE}),
    ("dense e5 only", {(retrieval, "LEXICAL_WEIGHT"): ZERO}),
    ("BM25 only", {(retrieval, "DENSE_WEIGHT"): ZERO}),
]


# Every setting some variant changes, at its value in the code (restored after each variant).
DEFAULTS = {
    (module, name): copy.deepcopy(getattr(module, name)) for _, changes in VARIANTS for module, name in changes
}


def apply(changes: dict) -> None:
    for (module, name), value in DEFAULTS.items():
        setattr(module, name, copy.deepcopy(changes.get((module, name), value)))


SETS = [
    (ROOT / "corpus", ROOT / "eval" / "dev.jsonl"),
    (ROOT / "eval" / "holdout" / "corpus", ROOT / "eval" / "holdout" / "qa.jsonl"),
    (ROOT / "eval" / "holdout-seed" / "corpus", ROOT / "eval" / "holdout-seed" / "qa.jsonl"),
    (ROOT / "eval" / "holdout2" / "corpus", ROOT / "eval" / "holdout2" / "qa.jsonl"),
    (ROOT / "eval" / "holdout3" / "corpus", ROOT / "eval" / "holdout3" / "qa.jsonl"),
    (ROOT / "eval" / "holdout4" / "corpus", ROOT / "eval" / "holdout4" / "qa.jsonl"),
    (ROOT / "eval" / "holdout5" / "corpus", ROOT / "eval" / "holdout5" / "qa.jsonl"),
    (ROOT / "eval" / "holdout6" / "corpus", ROOT / "eval" / "holdout6" / "qa.jsonl"),
    (ROOT / "eval" / "holdout8" / "corpus", ROOT / "eval" / "holdout8" / "qa.jsonl"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", nargs=2, action="append", metavar=("CORPUS", "QA"), type=Path,
                        help="a corpus folder and its question set (repeatable; default: the dev set and the eight inspected held-out sets)")
    parser.add_argument("--index", type=Path, default=Path("/tmp/hoidap-ablation"),
                        help="parent folder of the indexes (one per corpus)")
    args = parser.parse_args()
    sets = [tuple(pair) for pair in args.set] if args.set else SETS
    runs = []
    embeddings = None
    for n, (corpus, qa) in enumerate(sets):
        assistant = Assistant(Settings.from_env(corpus_dir=corpus, index_dir=args.index / f"set{n}"), embeddings)
        assistant.ensure_index()
        embeddings = assistant.embeddings
        runs.append((assistant, load_qa(qa)))
    items = [item for _, set_items in runs for item in set_items]
    print(f"{len(items)} questions from {len(sets)} sets: " + ", ".join(str(qa) for _, qa in sets))
    head = f"{'variant':<64}" + "".join(f"{'MRR ' + l:>16}" for l in LANGS) + f"{'hit@3':>8}{'facts':>8}{'OOS abst':>10}{'false abst':>11}"
    print(head)
    for name, changes in VARIANTS:
        apply(changes)
        pooled = SystemResult()
        try:
            for assistant, set_items in runs:
                assistant.reload()
                result = evaluate_assistant(assistant, set_items)
                for field in ("ranks", "fact_ok", "abstained", "latency"):
                    getattr(pooled, field).extend(getattr(result, field))
        except ModuleNotFoundError as exc:  # underthesea is only for this study: pip install '.[ablation]'
            print(f"{name:<64}  skipped: {exc.name} is not installed (pip install -e '.[ablation]')", flush=True)
            continue
        report = Report(items, pooled, None)
        figs = report.figures(report.ours)
        row = f"{name:<64}" + "".join(f"{figs[l]['mrr@5']:>16.3f}" for l in LANGS)
        a = figs["all"]
        row += f"{a['hit@3']:>8.3f}{a['facts']:>8.3f}{a['abstained_out']:>6}/{a['out_of_scope']:<3}{a['false_abstentions']:>7}/{a['questions']:<3}"
        print(row, flush=True)
    apply({})


if __name__ == "__main__":
    main()
