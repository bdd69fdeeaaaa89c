"""Server mode at scale: the old "download everything" reader against RemoteIndex.

For each corpus size, a synthetic corpus (bench/synthetic.py: the seed article plus N - 1
recombinations of it) is written into a fresh `chroma run` server through
`ServerBackend.open_store` — `replace_article` per article, as the indexer does — which also keeps
the term index, vocabulary and statistics (their share of the time is reported). Then each reader
runs in a fresh Python process and answers ~20 questions of eval/dev.jsonl (search + extractive
answer):

- download: the old server behaviour — `embedded.PassageIndex` over every passage and vector
  downloaded from the server, BM25 built in memory before the first answer. `from_store` reads the
  collection in one request, which the server refuses at 10,000 articles (SQLite's "too many SQL
  variables"), so this reader pages (5,000 passages a request): a best case for the old design;
- remote: `server.RemoteIndex` — dense top-k from the server's HNSW index, BM25 from the term
  index's postings of the question's terms, nothing downloaded up front.

Reported: start-up (from spawning the process to the first answer ready, e5 loading included),
peak RSS of the reader process, and the median / p90 latency of the other questions.

Vectors: encoding 170,000 passages with e5 on 2 cores would take hours, so only the seed
article's passages get their real e5 vectors (the dev questions are about it, so they still find
it); every other passage gets a deterministic pseudo-random unit vector (seeded by its id). The
term index and the vocabulary are built from the real synthetic text. Both readers read the same
stored passages and vectors.

    python bench/server_scale.py [--sizes 1000 10000] [--work DIR] [--questions 20] [--reuse]

`--reuse` keeps an index already built under --work (its build figures are read back from
built.json) and runs only the readers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SEED_NAME = "tphcm-hop-tac-bac-trung-bo.txt"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log_file = open(folder / "chroma.log", "wb")
    proc = subprocess.Popen([shutil.which("chroma") or "chroma", "run", "--path", str(folder / "chroma-data"),
                             "--host", "127.0.0.1", "--port", str(port)], stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"chroma run did not come up: {(folder / 'chroma.log').read_text(errors='replace')}")


def pseudo_vector(passage_id: str, dim: int = 384) -> np.ndarray:
    rng = np.random.default_rng(int.from_bytes(hashlib.sha1(passage_id.encode()).digest()[:8], "little"))
    v = rng.standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def build_index(url: str, corpus_dir: Path) -> dict:
    """Write every article through ServerBackend's store; returns timings and sizes."""
    from assistant.backend import make_backend
    from assistant.chunking import chunk_article
    from assistant.corpus import parse_article, text_sha256
    from assistant.embeddings import get_embeddings
    from assistant.indexer import EMBEDDING_RECIPE, embedding_text
    from assistant.settings import Settings
    from assistant.store import ArticleRecord, new_generation_name

    settings = Settings.from_env(environ={"ASSISTANT_CHROMA_URL": url}, corpus_dir=corpus_dir,
                                 index_dir=corpus_dir.parent / "index")
    e5 = get_embeddings(settings.embeddings)
    backend = make_backend(settings)
    generation = new_generation_name()
    store = backend.open_store(generation)
    files = sorted(corpus_dir.iterdir())
    started = time.perf_counter()
    passages_total = 0
    for n, path in enumerate(files, 1):
        text = path.read_text(encoding="utf-8")
        article = parse_article(text, path.name)
        passages = chunk_article(article)
        if path.name == SEED_NAME:
            vectors = e5.embed_passages([embedding_text(p) for p in passages])
        else:
            vectors = np.array([pseudo_vector(p.id) for p in passages], dtype=np.float32)
        store.replace_article(ArticleRecord(path.name, text_sha256(text), article.title, len(passages), article.date),
                              passages, vectors)
        passages_total += len(passages)
        if n % 500 == 0 or n == len(files):
            log(f"  written {n}/{len(files)} articles, {passages_total} passages, "
                f"{time.perf_counter() - started:.0f} s (term index {store.lexical_seconds:.0f} s)")
    store.record_model(e5.model_id, EMBEDDING_RECIPE, e5.engine)
    backend.make_live(generation)
    seconds = time.perf_counter() - started
    log(f"  writer peak RSS {peak_rss_mb():.0f} MB")
    return {
        "articles": len(files), "passages": passages_total, "write_seconds": round(seconds, 1),
        "term_index_seconds": round(store.lexical_seconds, 1),
        "term_records": store.terms.count(), "vocab_records": store.vocab.count(),
    }


def peak_rss_mb() -> float:
    """Peak RSS of this process image (VmHWM; ru_maxrss would carry over the spawning parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(count: int) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // count)
    return [row["question"] for row in rows[::step]][:count]


def reader_main(mode: str, url: str, spawned: float, count: int) -> None:
    """Child process: open one kind of reader, answer the questions, print one JSON line."""
    from assistant.answer import extract_answer
    from assistant.embeddings import get_embeddings
    from assistant.questions import analyse_question
    from assistant.retrieval import search
    from assistant.server import ServerBackend
    from assistant.settings import Settings

    settings = Settings.from_env(environ={"ASSISTANT_CHROMA_URL": url})
    e5 = get_embeddings(settings.embeddings)
    backend = ServerBackend(settings)
    stamp = backend.stamp()
    if mode == "download":
        from assistant.embedded import PassageIndex

        # PassageIndex.from_store, paged: its single get of the whole collection is refused by
        # the server beyond ~100,000 passages ("too many SQL variables")
        store = backend.server.open_store(backend.live_generation())
        store.check_model(e5.model_id)
        rows = []
        while True:
            page = store.page_passages(len(rows), 5000, vectors=True)
            rows += page
            if len(page) < 5000:
                break
        rows.sort(key=lambda r: (r.passage.article, r.passage.start))
        index = PassageIndex([r.id for r in rows], [r.passage for r in rows],
                             np.array([r.vector for r in rows], dtype=np.float32), e5, keys=settings.tuning.lexical)
        del rows
    else:
        index = backend.open_reader(e5, stamp)
    latencies, tops, answers = [], [], []
    first = None
    for question in questions(count):
        t = time.perf_counter()
        analysed = analyse_question(question, settings.tuning)
        hits = search(index, analysed, 5, tuning=settings.tuning)
        answer = extract_answer(analysed, hits, index, settings.tuning)
        latencies.append(time.perf_counter() - t)
        if first is None:
            first = time.time() - spawned
        tops.append(hits[0].id if hits else "")
        answers.append(answer.answer)
    rest = latencies[1:] or latencies
    print(json.dumps({
        "mode": mode, "startup_s": round(first, 2),
        "rss_mb": round(peak_rss_mb(), 1),
        "median_ms": round(1000 * statistics.median(rest), 1),
        "p90_ms": round(1000 * sorted(rest)[int(0.9 * (len(rest) - 1))], 1),
        "tops": tops, "answers": answers,
        "reads": {"passages": vars(store.reads), "records": vars(store.side_reads)}
        if (store := getattr(index, "store", None)) is not None and mode == "remote" else None,
    }, ensure_ascii=False))


def run_reader(mode: str, url: str, count: int) -> dict:
    spawned = time.time()
    done = subprocess.run([sys.executable, __file__, "--reader", mode, "--url", url, "--spawned", repr(spawned),
                           "--questions", str(count)], capture_output=True, text=True, timeout=7200)
    if done.returncode:
        raise SystemExit(f"{mode} reader failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/hoidap-server-scale"))
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the index built by an earlier run")
    parser.add_argument("--reader", choices=["download", "remote"])
    parser.add_argument("--url")
    parser.add_argument("--spawned", type=float)
    args = parser.parse_args()
    if args.reader:
        reader_main(args.reader, args.url, args.spawned, args.questions)
        return

    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import make_corpus

    results = []
    for size in args.sizes:
        folder = args.work / str(size)
        reuse = args.reuse and (folder / "built.json").exists()
        if not reuse:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            log(f"{size} articles: writing the synthetic corpus")
            make_corpus(folder / "corpus", size)
        proc, url = start_chroma(folder)
        try:
            if reuse:
                built = json.loads((folder / "built.json").read_text())
            else:
                log(f"{size} articles: indexing into {url}")
                built = build_index(url, folder / "corpus")
                (folder / "built.json").write_text(json.dumps(built))
            log(f"{size} articles: {json.dumps(built)}")
            readers = {}
            for mode in ("download", "remote"):  # one process each, one after the other
                log(f"{size} articles: {mode} reader")
                readers[mode] = run_reader(mode, url, args.questions)
                log(f"  {mode}: " + json.dumps({k: v for k, v in readers[mode].items() if k not in ("tops", "answers")}))
            same_top = sum(a == b for a, b in zip(readers["download"]["tops"], readers["remote"]["tops"]))
            same_answer = sum(a == b for a, b in zip(readers["download"]["answers"], readers["remote"]["answers"]))
            data_mb = sum(f.stat().st_size for f in (folder / "chroma-data").rglob("*") if f.is_file()) / 2**20
            results.append((built, readers, same_top, same_answer, data_mb))
        finally:
            proc.kill()
            proc.wait()
    print()
    print("| articles | passages | reader | start-up to first answer | reader RSS | median / p90 per question |")
    print("|---:|---:|---|---:|---:|---:|")
    for built, readers, _, _, _ in results:
        for mode, label in (("download", "download everything (old)"), ("remote", "RemoteIndex (new)")):
            r = readers[mode]
            print(f"| {built['articles']:,} | {built['passages']:,} | {label} | {r['startup_s']:.2f} s | "
                  f"{r['rss_mb']:.0f} MB | {r['median_ms']:.0f} / {r['p90_ms']:.0f} ms |")
    print()
    print("| articles | passages | write through ServerStore | of which term index | term / vocab records | server data | same top passage | same answer |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for built, readers, same_top, same_answer, data_mb in results:
        n = len(readers["remote"]["tops"])
        print(f"| {built['articles']:,} | {built['passages']:,} | {built['write_seconds']:.0f} s | "
              f"{built['term_index_seconds']:.0f} s | {built['term_records']:,} / {built['vocab_records']:,} | "
              f"{data_mb:,.0f} MB | {same_top}/{n} | {same_answer}/{n} |")


if __name__ == "__main__":
    main()
