"""The evaluation harness behind `assistant eval`: retrieval and answer quality per language,
side by side with the LangChain-default pipeline measured in the same run on the same corpus."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from .errors import UserError
from pathlib import Path
from typing import Callable

from .glossary import looks_english
from .text import fold, has_diacritics

LANGS = ("vi", "vi-noaccent", "en")


@dataclass
class QAItem:
    """One evaluation question."""

    question: str
    lang: str
    scope: str = "in"
    gold: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


def load_qa(path: Path) -> list[QAItem]:
    """Read a JSONL question set (tolerant of a few field-name variants)."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or "question" not in row:
            raise UserError(f"{path}:{n}: no \"question\" field")
        gold = _first(row, _GOLD_KEYS)
        facts = _first(row, _FACT_KEYS)
        scope = str(row.get("scope") or "").lower()
        if scope not in ("in", "out"):
            unanswerable = row.get("out_of_scope") is True or row.get("answerable") is False or scope.startswith("out")
            scope = "out" if unanswerable else "in"
        items.append(QAItem(
            question=row["question"],
            lang=_lang(row.get("lang") or row.get("language") or "", row["question"]),
            scope=scope,
            gold=gold,
            facts=facts,
        ))
    return items


_GOLD_KEYS = ("gold", "gold_passages", "gold_passage", "passages", "passage", "gold_substrings", "gold_substring",
              "evidence")
_FACT_KEYS = ("facts", "key_facts", "key_fact", "answer_facts", "fact", "answer_contains")


def _first(row: dict, keys: tuple[str, ...]) -> list[str]:
    """The first non-empty field among the spellings question sets use, as a list."""
    for key in keys:
        value = row.get(key)
        if value:
            return [value] if isinstance(value, str) else [str(v) for v in value]
    return []


def _lang(value: str, question: str) -> str:
    """vi / vi-noaccent / en from the spellings question sets use ("vi_noaccent", "en-US", ...)."""
    tag = value.strip().lower().replace("_", "-")
    if tag.startswith("en"):
        return "en"
    if tag.startswith("vi") and any(cue in tag for cue in ("no", "plain", "ascii", "unaccent", "without")):
        return "vi-noaccent"
    if tag.startswith("vi"):
        return "vi"
    # no tag: tell from the question itself
    return "en" if looks_english(question) else ("vi" if has_diacritics(question) else "vi-noaccent")


def _squash(text: str) -> str:
    return " ".join(fold(text).split())


def is_gold(passage_text: str, item: QAItem) -> bool:
    """A passage is correct when it contains one of the gold substrings (accent/space-insensitive)."""
    flat = _squash(passage_text)
    return any(_squash(g) in flat for g in item.gold)


def has_facts(answer: str, item: QAItem) -> bool:
    """All key facts appear in the answer (accent- and case-insensitive)."""
    flat = _squash(answer)
    return all(_squash(f) in flat for f in item.facts)


@dataclass
class SystemResult:
    """Per-question outcomes of one system."""

    ranks: list[int | None] = field(default_factory=list)  # rank of first gold passage (1-based) or None
    fact_ok: list[bool] = field(default_factory=list)
    abstained: list[bool] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)


@dataclass
class Report:
    """Figures per language for our pipeline and the baseline."""

    items: list[QAItem]
    ours: SystemResult
    baseline: SystemResult | None

    def figures(self, res: SystemResult) -> dict:
        """hit@1, hit@3, MRR@5, fact rate, abstention figures per language."""
        out = {}
        for lang in LANGS + ("all",):
            idx = [i for i, it in enumerate(self.items) if lang == "all" or it.lang == lang]
            ins = [i for i in idx if self.items[i].scope != "out"]
            outs = [i for i in idx if self.items[i].scope == "out"]
            if not idx:
                continue
            ranks = [res.ranks[i] for i in ins]
            n = max(len(ins), 1)
            out[lang] = {
                "questions": len(ins),
                "hit@1": sum(1 for r in ranks if r == 1) / n,
                "hit@3": sum(1 for r in ranks if r and r <= 3) / n,
                "mrr@5": sum(1 / r for r in ranks if r and r <= 5) / n,
                "facts": sum(1 for i in ins if res.fact_ok[i]) / n,
                "false_abstentions": sum(1 for i in ins if res.abstained[i]),
                "out_of_scope": len(outs),
                "abstained_out": sum(1 for i in outs if res.abstained[i]),
                "latency_ms_p50": _percentile([res.latency[i] for i in idx], 50) * 1000,
            }
        return out

    def as_dict(self) -> dict:
        """JSON-ready figures."""
        return {"ours": self.figures(self.ours), "baseline": self.figures(self.baseline) if self.baseline else None}

    def table(self) -> str:
        """A side-by-side text table (ours | LangChain default)."""
        ours = self.figures(self.ours)
        base = self.figures(self.baseline) if self.baseline else {}
        lines = [f"{'lang':<12} {'metric':<18} {'hoidap':>9} {'baseline':>9}"]
        for lang, figs in ours.items():
            for key in ("hit@1", "hit@3", "mrr@5", "facts"):
                b = base.get(lang, {}).get(key)
                lines.append(f"{lang:<12} {key:<18} {figs[key]:>9.3f} {'' if b is None else f'{b:>9.3f}':>9}")
            b = base.get(lang, {})
            lines.append(
                f"{lang:<12} {'abstained out':<18} {figs['abstained_out']:>5}/{figs['out_of_scope']:<3} "
                f"{'' if not b else str(b['abstained_out']) + '/' + str(b['out_of_scope']):>9}"
            )
            lines.append(
                f"{lang:<12} {'false abstentions':<18} {figs['false_abstentions']:>5}/{figs['questions']:<3} "
                f"{'' if not b else str(b['false_abstentions']) + '/' + str(b['questions']):>9}"
            )
            lines.append(
                f"{lang:<12} {'latency p50 ms':<18} {figs['latency_ms_p50']:>9.1f} "
                f"{'' if not b else format(b['latency_ms_p50'], '9.1f'):>9}"
            )
        return "\n".join(lines)


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[pos]


def evaluate_assistant(assistant, items: list[QAItem], k: int = 5, details: list | None = None) -> SystemResult:
    """Run our pipeline on every question."""
    res = SystemResult()
    for item in items:
        t0 = time.perf_counter()
        answer = assistant.ask(item.question)
        res.latency.append(time.perf_counter() - t0)
        hits = assistant.search(item.question, k=k)
        rank = next((r for r, h in enumerate(hits, 1) if is_gold(h.passage.text, item)), None)
        res.ranks.append(rank)
        res.abstained.append(answer.abstained)
        ok = (not answer.abstained) and len(answer.answer) <= 600 and has_facts(answer.answer, item)
        res.fact_ok.append(ok)
        if details is not None:
            details.append({
                "question": item.question, "lang": item.lang, "scope": item.scope, "rank": rank,
                "abstained": answer.abstained, "facts_ok": ok, "answer": answer.answer,
                "top": [h.passage.text[:80] for h in hits[:3]],
            })
    return res


def evaluate_baseline(corpus_dir: Path, items: list[QAItem], k: int = 5) -> SystemResult:
    """The LangChain-default pipeline; its 'answer' is the top chunk (it has no answerer)."""
    from .baseline import LangChainDefaultPipeline

    pipeline = LangChainDefaultPipeline.build(corpus_dir)
    res = SystemResult()
    for item in items:
        t0 = time.perf_counter()
        texts = pipeline.search(item.question, k=k)
        res.latency.append(time.perf_counter() - t0)
        res.ranks.append(next((r for r, t in enumerate(texts, 1) if is_gold(t, item)), None))
        res.abstained.append(False)
        res.fact_ok.append(bool(texts) and len(texts[0]) <= 600 and has_facts(texts[0], item))
    pipeline.close()
    return res


def run_evaluation(assistant, qa_file: Path, baseline: bool = True, details_path: Path | None = None,
                   log: Callable[[str], None] = lambda m: None) -> Report:
    """Evaluate our pipeline (and the baseline) on a question set."""
    items = load_qa(qa_file)
    log(f"evaluating {len(items)} questions from {qa_file}")
    details: list | None = [] if details_path else None
    ours = evaluate_assistant(assistant, items, details=details)
    base = None
    if baseline:
        log("building the LangChain-default baseline (RecursiveCharacterTextSplitter(1000, 200) + all-MiniLM-L6-v2 + Chroma)")
        try:
            base = evaluate_baseline(assistant.settings.corpus_dir, items)
        except RuntimeError as exc:  # the baseline's packages are test extras
            log(f"baseline skipped: {exc}")
    if details_path:
        Path(details_path).write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in details) + "\n", encoding="utf-8")
    return Report(items, ours, base)
