"""Ablation study for retrieval and answering: each technique switched off in turn, same run.

    python bench/ablation.py                     # the dev set and the eight inspected held-out sets, pooled
    python bench/ablation.py --set corpus eval/dev.jsonl [--set CORPUS QA ...] [--index /tmp/hoidap-ablation]

Prints MRR@5 / hit@3 per language, key-fact rate, out-of-scope abstentions and false abstentions,
pooled over the question sets (each answered from its own corpus).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chain import Assistant  # noqa: E402
from assistant.evaluation import LANGS, Report, SystemResult, evaluate_assistant, load_qa  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.tuning import DEFAULT_TUNING, KINDS, LexicalKeys  # noqa: E402

ZERO = {kind: 0.0 for kind in KINDS}
ONE = {kind: 1.0 for kind in KINDS}

# Each variant is the default config with some values changed (assistant/tuning.py).
VARIANTS = [
    ("full pipeline", {}),
    ("- diacritic restoration (dense reads the accent-free question)", {"use_restore": False}),
    ("- canonical province terms", {"lexical": LexicalKeys(province_terms=False)}),
    ("- syllable bigrams", {"lexical": LexicalKeys(bigrams=False)}),
    ("underthesea word segmentation instead of bigrams", {"lexical": LexicalKeys(segmenter="underthesea")}),
    ("- English->Vietnamese glossary expansion", {"use_expansion": False}),
    ("glossary list weighted 1.2 (is 0.8)", {"expansion_weight": 1.2}),
    ("- glossary terms in the dense query (English dense floor back to 0.75)",
     {"use_dense_expansion": False, "min_dense": {"en": 0.75}}),
    ("- chat shorthand and acronym expansion", {"use_shorthand": False}),
    ("- Vietnamese synonym groups in answer coverage", {"use_synonyms": False}),
    ("- folded BM25 list for questions with diacritics", {"folded_weight_vi": 0.0}),
    ("- answer-type reordering of the top 3", {"type_reorder": 0}),
    ("answer-type reordering of the top 5", {"type_reorder": 5}),
    ("- sentence context in answer coverage", {"context_share": 0.0}),
    ("second sentence only at 85% of the best (was 60%)", {"second_sentence": 0.85}),
    ("- second sentence", {"second_sentence": 99.0}),
    ("what the best sentence lacks taken from any top passage", {"holder_coverage": 0.0}),
    ("- province boost", {"province_boost": 0.0}),
    ("- year named in the question must be in the answering passage", {"use_year_check": False}),
    ("- accent-free questions: some word pair must be in a top passage", {"min_phrase_coverage": 0.0}),
    ("plain RRF (equal weights)", {"dense_weight": ONE, "lexical_weight": ONE}),
    ("dense e5 only", {"lexical_weight": ZERO}),
    ("BM25 only", {"dense_weight": ZERO}),
]


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
        settings = Settings.from_env(corpus_dir=corpus, index_dir=args.index / f"set{n}")
        assistant = Assistant(settings, embeddings)
        assistant.ensure_index()
        embeddings = assistant.embeddings
        runs.append((settings, load_qa(qa)))
    items = [item for _, set_items in runs for item in set_items]
    print(f"{len(items)} questions from {len(sets)} sets: " + ", ".join(str(qa) for _, qa in sets))
    head = f"{'variant':<64}" + "".join(f"{'MRR ' + l:>16}" for l in LANGS) + f"{'hit@3':>8}{'facts':>8}{'OOS abst':>10}{'false abst':>11}"
    print(head)
    for name, changes in VARIANTS:
        tuning = DEFAULT_TUNING.with_(**changes)
        pooled = SystemResult()
        try:
            for settings, set_items in runs:
                # one assistant per config: the read side of another key space is built beside it
                assistant = Assistant(settings.with_(tuning=tuning), embeddings)
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


if __name__ == "__main__":
    main()
