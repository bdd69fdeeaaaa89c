"""Benchmark: how long does `assistant index` take when nothing changed, over 1,000 articles?

Generates N synthetic articles (deterministic: paragraphs of the seed article with the province
names swapped, distinct titles) into a temporary corpus, indexes them once with the configured
embeddings (real e5-small by default; this first build is the slow part), then times the
no-op reindex in the same process (the case of `assistant watch` and the UI) and as a fresh
`assistant index` process (which also pays for starting Python and importing chromadb).

    python bench/noop_reindex.py [--articles 1000] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "tphcm-hop-tac-bac-trung-bo.txt"
PROVINCES = [
    "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thanh Hóa", "Cao Bằng", "Bắc Kạn", "Hà Nam",
    "Lâm Đồng", "Cà Mau", "Quảng Ngãi", "Bình Định", "Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên",
    "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu",
    "Lào Cai", "Yên Bái", "Sơn La", "Điện Biên", "Lai Châu", "Hà Giang", "Tuyên Quang", "Thái Nguyên",
]
TOPICS = ["du lịch", "nông nghiệp", "công nghiệp", "giáo dục", "y tế", "chuyển đổi số", "logistics", "thủy sản"]


def seed_paragraphs() -> list[str]:
    """Body paragraphs of the seed article that name at least one province we can swap."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")[1:]]
    paragraphs = []
    for line in lines:
        if line.startswith("Có thể bạn quan tâm"):
            break  # the related-links tail
        if len(line) > 120 and not line.startswith(">>>") and any(p in line for p in PROVINCES):
            paragraphs.append(line)
    return paragraphs


def synthetic_articles(n: int, paragraphs_per_article: int = 1, seed: int = 7) -> list[tuple[str, str]]:
    """(file name, text) for n distinct articles built from the seed's paragraphs."""
    rng = random.Random(seed)
    pool = seed_paragraphs()
    out = []
    for i in range(n):
        a, b = rng.sample(PROVINCES, 2)
        topic = TOPICS[i % len(TOPICS)]
        title = f"TP.HCM và {a} hợp tác phát triển {topic} (bài {i + 1:04d})"
        body = []
        for paragraph in rng.sample(pool, paragraphs_per_article):
            for old in PROVINCES:  # swap every province the paragraph names
                paragraph = paragraph.replace(old, "\0")
            body.append(paragraph.replace("\0", a if rng.random() < 0.5 else b))
        date = f"Ngày {1 + i % 28:02d}/{1 + i % 12:02d}/{2020 + i % 6}."
        out.append((f"bai-{i + 1:04d}.txt", "\n".join([title, date, *body]) + "\n"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--paragraphs", type=int, default=1, help="body paragraphs per article")
    parser.add_argument("--repeat", type=int, default=5, help="timed no-op runs")
    parser.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from assistant.embeddings import get_embeddings
    from assistant.indexer import index_corpus
    from assistant.settings import Settings

    work = args.keep or Path(tempfile.mkdtemp(prefix="noop-reindex-"))
    corpus, index = work / "corpus", work / "index"
    reused = index.is_dir()  # --keep DIR from an earlier run: the first build is already done
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in synthetic_articles(args.articles, args.paragraphs):
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=index)
    embeddings = get_embeddings(settings.embeddings)
    try:
        t0 = time.perf_counter()
        first = index_corpus(settings, embeddings)
        print(f"first index: {first.line()}  [{time.perf_counter() - t0:.1f}s wall]", flush=True)
        assert (reused or len(first.added) == args.articles) and not first.errors, first.as_dict()
        assert first.total_articles == args.articles, first.as_dict()

        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            summary = index_corpus(settings, embeddings)
            times.append(time.perf_counter() - t0)
            assert not summary.changed and len(summary.skipped) == args.articles, summary.as_dict()
            assert summary.total_passages == first.total_passages
        print(
            f"no-op reindex over {args.articles} articles (in process): "
            f"median {statistics.median(times):.3f}s, min {min(times):.3f}s, max {max(times):.3f}s"
        )

        exe = shutil.which("assistant") or str(Path(sys.executable).parent / "assistant")
        t0 = time.perf_counter()
        done = subprocess.run([exe, "index", "--corpus", str(corpus), "--index", str(index), "--json"],
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        assert done.returncode == 0, done.stderr
        print(f"no-op `assistant index` as a new process: {wall:.2f}s wall (includes Python start-up and imports)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
