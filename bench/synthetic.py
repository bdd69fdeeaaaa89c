"""A deterministic synthetic news corpus grown from the seed article, for speed benchmarks.

Article 0 is the real seed, copied byte for byte (so the dev questions stay answerable).
Every other article recombines the seed's paragraphs: each section keeps a random subset of
its paragraphs in a shuffled order, the sections may swap places, every province mention is
swapped for another province (one consistent mapping per article, from
`assistant.provinces.all_provinces()`), and the title is rewritten so that no two articles
share one. Teasers and the "Có thể bạn quan tâm" tail are kept, so the cleaner has the same
work to do as on the real article. Same (n_articles, seed) -> same files, byte for byte.

    python bench/synthetic.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from assistant.corpus import parse_article  # noqa: E402
from assistant.provinces import all_provinces, find_provinces, province_mentions  # noqa: E402

SEED_ARTICLE = ROOT / "corpus" / "tphcm-hop-tac-bac-trung-bo.txt"
KEEP_PARAGRAPH = 0.8  # chance that a paragraph of a section survives into a synthetic article
TITLE_PATTERNS = (
    "{a} tăng cường hợp tác với {b} và {c}",
    "{a} và {b} tổng kết chương trình hợp tác phát triển kinh tế - xã hội",
    "Liên kết vùng: {a} ký kết hợp tác với {b}",
    "{b} và {c} mở rộng hợp tác với {a} trong giai đoạn mới",
    "Hội nghị hợp tác giữa {a} và các địa phương: {b}, {c} đề xuất nhiều chương trình",
)


def _swap_provinces(text: str, mapping: dict[str, str]) -> str:
    """Replace every province mention by its mapped name (right to left, offsets stay valid)."""
    for start, end, name in reversed(province_mentions(text)):
        if name in mapping:
            text = text[:start] + mapping[name] + text[end:]
    return text


def _seed_layout(text: str) -> tuple[str, list[str], list[list[str]], list[str]]:
    """The seed as (title, lead blocks, sections = [heading, paragraphs/teasers...], tail blocks)."""
    article = parse_article(text, SEED_ARTICLE.name)
    title = ""
    lead: list[str] = []
    sections: list[list[str]] = []
    tail: list[str] = []
    for block in article.blocks:
        chunk = text[block.start:block.end]
        if block.kind == "title":
            title = chunk
        elif block.kind == "related":
            tail.append(chunk)
        elif block.kind == "heading":
            sections.append([chunk])
        elif sections:
            sections[-1].append(chunk)
        else:
            lead.append(chunk)
    return title, lead, sections, tail


def synthetic_article(number: int, seed: int = 0, seed_text: str | None = None) -> str:
    """The text of synthetic article `number` (>= 1) for a given seed."""
    seed_text = seed_text if seed_text is not None else SEED_ARTICLE.read_text(encoding="utf-8")
    rng = random.Random(f"hoidap-synthetic:{seed}:{number}")
    _, lead, sections, tail = _seed_layout(seed_text)
    mentioned = find_provinces(seed_text)
    pool = [p.name for p in all_provinces()]
    mapping = dict(zip(mentioned, rng.sample(pool, len(mentioned))))

    body: list[str] = list(lead)
    order = list(range(len(sections)))
    if rng.random() < 0.5:
        rng.shuffle(order)
    for s in order:
        heading, *paragraphs = sections[s]
        kept = [p for p in paragraphs if rng.random() < KEEP_PARAGRAPH] or paragraphs[:1]
        rng.shuffle(kept)
        body.append(heading)
        body.extend(kept)

    names = rng.sample(pool, 3)
    title = rng.choice(TITLE_PATTERNS).format(a=names[0], b=names[1], c=names[2]) + f" (bài {number})"
    lines = [title] + [_swap_provinces(chunk, mapping) for chunk in body + tail]
    return "\n".join(lines) + "\n"


def make_corpus(folder: Path, n_articles: int, seed: int = 0) -> list[Path]:
    """Write the seed plus n_articles - 1 synthetic articles into `folder`; returns the files."""
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / SEED_ARTICLE.name
    shutil.copyfile(SEED_ARTICLE, first)
    files = [first]
    seed_text = SEED_ARTICLE.read_text(encoding="utf-8")
    for number in range(1, n_articles):
        path = folder / f"bai-tong-hop-{number:04d}.txt"
        path.write_text(synthetic_article(number, seed, seed_text), encoding="utf-8")
        files.append(path)
    return files


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("n_articles", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = make_corpus(args.folder, args.n_articles, args.seed)
    print(f"wrote {len(made)} articles to {args.folder}")
