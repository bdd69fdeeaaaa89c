"""The server backend: the index on a Chroma server, read without downloading it.

Every reader (CLI, UI, API) reaches the Chroma server, so everything a question needs lives there
and is asked for, never copied whole:

- dense candidates come from the server's HNSW index (`PassageStore.query`), filtered on a
  passage's `about` metadata (the provinces it is about) when a province is asked;
- lexical candidates come from a term index the writers keep in a side collection of the same
  generation, `terms`: per term key (`e` exact, `f` folded, `a` the passages about a province)
  one record per write batch ("segment") holding that batch's postings — passage number, term
  frequency, passage length — packed as base64 in a metadata string, plus one small head record
  per term with its document frequency. The collection's own metadata carries the statistics
  BM25 and the first screen need (passages, total lengths, smallest document frequency,
  articles, dates, provinces). A reader fetches the segments of the question's terms and scores
  them exactly as `lexical.BM25` does (k1 = 1.2, b = 0.75, the same idf);
- diacritic restoration reads a second side collection, `vocab`: per folded word and word pair,
  each accented form's count and first occurrences (`restore.DiacriticRestorer` picks the most
  frequent form, ties going to the one seen first in corpus order), fetched for the question's
  words only.

Writers (`ServerStore`, what `ServerBackend.open_store` returns) keep all of it up to date on
every write: each article touched is remembered with the passages it had before, and `flush`
turns the difference into postings, head, vocabulary and statistics updates — once per
FLUSH_ROWS passages, before a generation is made live or the stamp moves, on `record_model` and
on `close`. A rebuild writes into a generation no reader sees; an incremental run leaves the
term index consistent at the end of the run (or every FLUSH_ROWS passages). A run killed
between a write and its flush leaves the writer state marked dirty, and the next writer
rebuilds the term index from the stored passages. Design and figures: docs/scale-out.md.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import weakref
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from . import lexical
from .backend import Candidates, IndexBackend, Overview, ReadIndex
from .chunking import Passage
from .provinces import find_provinces
from .restore import _WORD_RE, DiacriticRestorer
from .settings import Settings
from .store import (
    FIRST_GENERATION,
    ArticleRecord,
    ChromaServer,
    IndexError_,
    PassageStore,
    SideCollection,
    StoredPassage,
)
from .text import fold, fold_word, nfc
from .tuning import DEFAULT_TUNING, LexicalKeys

TERMS = "terms"  # postings segments, term heads (document frequency), writer state
VOCAB = "vocab"  # folded word / word pair -> accented forms with counts and first occurrences
_PAYLOAD = "p"  # metadata key of a record's packed content (never filtered on)
_WRITER_ID = "\x00writer"
_STATS_KEY = "stats"
_SEP = "\x1f"
EXACT, FOLDED, ABOUT = "e", "f", "a"
BM25_K1, BM25_B = 1.2, 0.75  # as lexical.BM25's defaults
FIRST_POSITIONS = 4  # first occurrences kept per accented form (see _apply_vocab)
FLUSH_ROWS = 20_000  # passages buffered by a writer before its term index is brought up to date
STATS_VERSION = 1


# -- what a writer and a reader share --------------------------------------------------------------


def _about(passage: Passage, title_provinces: dict[str, list[str]]) -> list[str]:
    """Provinces a passage is about: those it names and those its article's title names."""
    if passage.title not in title_provinces:
        title_provinces[passage.title] = find_provinces(passage.title)
    return sorted(set(passage.provinces) | set(title_provinces[passage.title]))


def _pack(ords: np.ndarray, tfs: np.ndarray, lens: np.ndarray) -> str:
    """Postings as base64 of three little-endian arrays: uint32 passage numbers, uint16 term
    frequencies, uint16 passage lengths (in terms)."""
    raw = (np.asarray(ords, "<u4").tobytes() + np.asarray(np.minimum(tfs, 65535), "<u2").tobytes()
           + np.asarray(np.minimum(lens, 65535), "<u2").tobytes())
    return base64.b64encode(raw).decode("ascii")


def _unpack(payload: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = base64.b64decode(payload)
    ords = np.frombuffer(raw, "<u4", n, 0)
    tfs = np.frombuffer(raw, "<u2", n, 4 * n)
    lens = np.frombuffer(raw, "<u2", n, 6 * n)
    return ords, tfs, lens


def _segment_id(key: str, segment: int) -> str:
    return f"{key}{_SEP}{segment}"


def _idf(n_docs: int, df) -> np.ndarray:
    """lexical.BM25's idf, computed the same way (float64 numpy)."""
    df = np.asarray(df, dtype=np.float64)
    return np.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _vocab_counts(texts: Iterable[tuple[str, int]]) -> dict[str, dict[str, list]]:
    """Accented forms of folded words ("u" + key) and word pairs ("b" + key pair) in texts given
    as (text, position), with their count and first (position, word index), exactly as
    restore.DiacriticRestorer tokenises."""
    out: dict[str, dict[str, list]] = {}
    for text, position in texts:
        lowered = [w.lower() for w in _WORD_RE.findall(nfc(text))]
        folded = [fold_word(w) for w in lowered]
        items = [("u" + f, w) for f, w in zip(folded, lowered)]
        items += [("b" + a + " " + b, x + " " + y) for a, b, x, y in zip(folded, folded[1:], lowered, lowered[1:])]
        unigrams = len(lowered)
        for i, (key, form) in enumerate(items):
            index = i if i < unigrams else i - unigrams
            forms = out.setdefault(key, {})
            entry = forms.get(form)
            where = (position, index)
            if entry is None:
                forms[form] = [1, where]
            else:
                entry[0] += 1
                if where < entry[1]:
                    entry[1] = where
    return out


# -- the writer side -------------------------------------------------------------------------------


@dataclass
class _Row:
    """A stored passage as the term index sees it."""

    id: str
    ord: int
    segment: int
    article: str
    title: str
    section: str
    text: str
    start: int
    date: str
    about: list[str]

    @property
    def doc(self) -> str:
        return self.section + "\n" + self.text

    @classmethod
    def from_stored(cls, stored: StoredPassage) -> "_Row":
        p, meta = stored.passage, stored.metadata
        return cls(stored.id, int(meta.get("ord", -1)), int(meta.get("lseg", -1)), p.article, p.title,
                   p.section, p.text, p.start, p.date, list(meta.get("about") or []))


@dataclass
class _ArticleChange:
    """An article touched since the last flush: its rows before, and its rows now (by id)."""

    old: list[_Row]
    new: dict[str, _Row] = field(default_factory=dict)


_OPEN_WRITERS: "weakref.WeakSet[ServerStore]" = weakref.WeakSet()


class ServerStore(PassageStore):
    """A PassageStore on a Chroma server that keeps the generation's term index, vocabulary and
    statistics in step with every write (see the module docstring)."""

    def __init__(self, client, generation: str, location: str, prefix: str = "",
                 keys: LexicalKeys = DEFAULT_TUNING.lexical):
        super().__init__(client, generation, location, prefix)
        self.keys = keys
        self.terms = self.side(TERMS, (_PAYLOAD,))
        self.vocab = self.side(VOCAB, (_PAYLOAD,))
        self._changes: dict[str, _ArticleChange] = {}
        self._buffered = 0
        self._state: dict | None = None  # writer state, loaded at the first write
        self._stats: dict | None = None
        self._segment = -1  # segment of the rows written since the last flush
        self._fresh: bool | None = None  # the generation was empty when this store began writing
        self._written: set[str] = set()  # articles written by this store
        self._title_provinces: dict[str, list[str]] = {}
        self._replacing = 0
        self.lexical_seconds = 0.0  # time spent keeping the term index (benchmarks read it)
        _OPEN_WRITERS.add(self)

    # -- the writes PassageStore offers ------------------------------------------------------------

    def replace_article(self, record: ArticleRecord, passages: list[Passage], vectors: np.ndarray) -> None:
        self._replacing += 1
        try:
            super().replace_article(record, passages, vectors)
        finally:
            self._replacing -= 1
        self._maybe_flush()

    def write_passages(self, passages: list[Passage], vectors: np.ndarray, extra_metadata: list[dict] | None = None) -> None:
        if not passages:
            return
        self._begin()
        started = time.perf_counter()
        self._touch({p.article for p in passages})
        extras, rows = [], []
        for i, p in enumerate(passages):
            number = self._state["next_ord"]
            self._state["next_ord"] += 1
            about = _about(p, self._title_provinces)
            meta = {"ord": number, "lseg": self._segment}
            if about:
                meta["about"] = about
            extras.append({**(extra_metadata[i] if extra_metadata else {}), **meta})
            rows.append(_Row(p.id, number, self._segment, p.article, p.title, p.section, p.text, p.start, p.date, about))
        self.lexical_seconds += time.perf_counter() - started
        super().write_passages(passages, vectors, extras)
        for row in rows:  # only what Chroma took
            self._changes[row.article].new[row.id] = row
        self._buffered += len(rows)
        self._written.update(row.article for row in rows)

    def write_record(self, record: ArticleRecord) -> None:
        super().write_record(record)
        self._maybe_flush()

    def delete_article(self, path: str) -> None:
        self._begin()
        started = time.perf_counter()
        self._touch({path})
        self.lexical_seconds += time.perf_counter() - started
        super().delete_article(path)
        change = self._changes[path]
        self._buffered += len(change.new)
        change.new = {}
        self._maybe_flush()

    def record_model(self, model_id: str, recipe: str = "", engine: str = "") -> None:
        self.flush()
        super().record_model(model_id, recipe, engine)

    def close(self) -> None:
        self.flush()
        super().close()

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
            return
        try:  # the writes that did happen should still be found; if not, the next writer repairs
            self.flush()
        except Exception:
            pass

    # -- buffering ---------------------------------------------------------------------------------

    def _load(self) -> None:
        if self._state is None:
            record = self.terms.get(ids=[_WRITER_ID]).get(_WRITER_ID)
            self._state = json.loads(record[_PAYLOAD]) if record else {}
            self._stats = json.loads(self.terms.info().get(_STATS_KEY, "{}"))
            self._state.setdefault("next_ord", 0)
            self._state.setdefault("next_segment", 0)

    def _begin(self) -> None:
        """Before a write: reserve this buffer's segment and mark the term index as being changed."""
        if self._segment >= 0:
            return
        self._load()
        if self._state.get("dirty") or (not self._stats and self.count()):
            self.rebuild_term_index()  # a killed run, or an index written before the term index
            self._load()
        if self._fresh is None:  # decided once: later batches of this store know what it wrote
            self._fresh = not self._stats.get("passages") and not self.count()
        self._segment = self._state["next_segment"]
        self._state["next_segment"] += 1
        self._state["dirty"] = True
        self._save_state()

    def _save_state(self) -> None:
        self.terms.upsert({_WRITER_ID: {_PAYLOAD: json.dumps(self._state, ensure_ascii=False)}})

    def _touch(self, articles: set[str]) -> None:
        """Remember what the articles hold before this buffer changes them."""
        missing = [a for a in articles if a not in self._changes]
        if not missing:
            return
        rows: dict[str, list[_Row]] = {a: [] for a in missing}
        ask = [a for a in missing if not self._fresh or a in self._written]
        if ask:
            for stored in self.get_passages(where={"article": {"$in": ask}}):
                rows[stored.passage.article].append(_Row.from_stored(stored))
        for article in missing:
            self._changes[article] = _ArticleChange(rows[article], {r.id: r for r in rows[article]})
            self._buffered += len(rows[article])

    def _maybe_flush(self) -> None:
        if not self._replacing and self._buffered >= FLUSH_ROWS:
            self.flush()

    # -- flushing ----------------------------------------------------------------------------------

    def flush(self) -> None:
        """Bring the term index, vocabulary and statistics up to date with the writes so far."""
        if self._segment < 0:
            return
        started = time.perf_counter()
        removed: list[_Row] = []
        added: list[_Row] = []
        vocab_removed: list[tuple[str, list[_Row]]] = []
        vocab_added: list[tuple[str, list[_Row]]] = []
        articles_delta = 0
        for path, change in self._changes.items():
            before = {(r.id, r.ord) for r in change.old}
            after = {(r.id, r.ord) for r in change.new.values()}
            if before == after:
                continue
            removed += [r for r in change.old if (r.id, r.ord) not in after]
            added += [r for r in change.new.values() if (r.id, r.ord) not in before]
            if change.old:
                vocab_removed.append((path, change.old))
            if change.new:
                vocab_added.append((path, sorted(change.new.values(), key=lambda r: r.start)))
            articles_delta += bool(change.new) - bool(change.old)
        stats = self._stats
        writer = self._state
        df_delta, length_delta = self._flush_postings(removed, added)
        self._flush_heads(df_delta, writer)
        self._flush_vocab(vocab_removed, vocab_added)
        # statistics
        lengths = stats.setdefault("length", {EXACT: 0, FOLDED: 0})
        for space, delta in length_delta.items():
            lengths[space] = lengths.get(space, 0) + delta
        provinces: dict[str, int] = stats.setdefault("provinces", {})
        dates: dict[str, int] = writer.setdefault("dates", {})
        for rows, sign in ((removed, -1), (added, 1)):
            for row in rows:
                for name in row.about:
                    provinces[name] = provinces.get(name, 0) + sign
                if row.date:
                    dates[row.date] = dates.get(row.date, 0) + sign
        stats["provinces"] = {k: v for k, v in provinces.items() if v > 0}
        writer["dates"] = {k: v for k, v in dates.items() if v > 0}
        stats["passages"] = stats.get("passages", 0) + len(added) - len(removed)
        stats["articles"] = stats.get("articles", 0) + articles_delta
        stats["first_date"] = min(writer["dates"], default="")
        stats["last_date"] = max(writer["dates"], default="")
        stats["min_df"] = {
            space: min((int(df) for df, n in writer.get("df_hist", {}).get(space, {}).items() if n > 0), default=0)
            for space in (EXACT, FOLDED)
        }
        stats["lexical"] = lexical.key_version(self.keys)
        stats["version"] = STATS_VERSION
        self._update_first_article(stats)
        writer["dirty"] = False
        self._save_state()
        self.terms.set_info({_STATS_KEY: json.dumps(stats, ensure_ascii=False)})
        self._changes.clear()
        self._buffered = 0
        self._segment = -1
        self.lexical_seconds += time.perf_counter() - started

    def _terms_of(self, row: _Row, space: str) -> list[str]:
        return lexical.terms(row.doc, folded=space == FOLDED, keys=self.keys)

    def _flush_postings(self, removed: list[_Row], added: list[_Row]) -> tuple[dict[str, int], dict[str, int]]:
        """Drop the removed rows from their segments, write the added rows as a new segment;
        returns the change of document frequency per term key and of total length per space."""
        df_delta: Counter = Counter()
        length_delta: Counter = Counter()
        drop: dict[str, set[int]] = {}
        for row in removed:
            for space in (EXACT, FOLDED):
                terms = self._terms_of(row, space)
                length_delta[space] -= len(terms)
                for term in set(terms):
                    drop.setdefault(_segment_id(space + term, row.segment), set()).add(row.ord)
                    df_delta[space + term] -= 1
            for name in row.about:
                drop.setdefault(_segment_id(ABOUT + name, row.segment), set()).add(row.ord)
        if drop:
            records = self.terms.get(ids=list(drop))
            rewrite: dict[str, dict] = {}
            gone: list[str] = []
            for rid, meta in records.items():
                ords, tfs, lens = _unpack(meta[_PAYLOAD], int(meta["n"]))
                keep = ~np.isin(ords, np.fromiter(drop[rid], dtype=np.int64))
                if keep.all():
                    continue
                if not keep.any():
                    gone.append(rid)
                else:
                    rewrite[rid] = {**meta, "n": int(keep.sum()), _PAYLOAD: _pack(ords[keep], tfs[keep], lens[keep])}
            if rewrite:
                self.terms.upsert(rewrite)
            if gone:
                self.terms.delete(gone)
        # flat machine-int arrays per term: Python int lists cost ~10x the memory per posting
        postings: dict[str, tuple[array, array, array]] = {}
        for row in added:
            for space in (EXACT, FOLDED):
                terms = self._terms_of(row, space)
                length = min(len(terms), 65535)
                length_delta[space] += len(terms)
                for term, tf in Counter(terms).items():
                    lists = postings.get(space + term)
                    if lists is None:
                        lists = postings[space + term] = (array("I"), array("H"), array("H"))
                    lists[0].append(row.ord)
                    lists[1].append(min(tf, 65535))
                    lists[2].append(length)
                    df_delta[space + term] += 1
            for name in row.about:
                lists = postings.setdefault(ABOUT + name, (array("I"), array("H"), array("H")))
                lists[0].append(row.ord)
                lists[1].append(1)
                lists[2].append(0)
        if postings:
            self.terms.upsert({
                _segment_id(key, self._segment): {"k": key, "s": self._segment, "n": len(o), _PAYLOAD: _pack(
                    np.frombuffer(o, dtype=np.uint32), np.frombuffer(t, dtype=np.uint16), np.frombuffer(n, dtype=np.uint16))}
                for key, (o, t, n) in postings.items()
            })
        return {k: v for k, v in df_delta.items() if v}, dict(length_delta)

    def _flush_heads(self, df_delta: dict[str, int], writer: dict) -> None:
        """Document frequency per term in its head record, and how many terms have each one."""
        if not df_delta:
            return
        heads = self.terms.get(ids=list(df_delta))
        hist = writer.setdefault("df_hist", {EXACT: {}, FOLDED: {}})
        changed: dict[str, dict] = {}
        gone: list[str] = []
        for key, delta in df_delta.items():
            before = int(heads.get(key, {}).get("df", 0))
            after = before + delta
            space_hist = hist.setdefault(key[0], {})
            if before > 0:
                space_hist[str(before)] = space_hist.get(str(before), 0) - 1
                if space_hist[str(before)] <= 0:
                    del space_hist[str(before)]
            if after > 0:
                space_hist[str(after)] = space_hist.get(str(after), 0) + 1
                changed[key] = {"df": after}
            else:
                gone.append(key)
        if changed:
            self.terms.upsert(changed)
        if gone:
            self.terms.delete(gone)

    def _flush_vocab(self, removed: list[tuple[str, list[_Row]]], added: list[tuple[str, list[_Row]]]) -> None:
        """Apply whole articles' vocabulary: first the old versions out, then the new ones in."""
        if not removed and not added:
            return
        changes = [(path, sign, rows) for sign, items in ((-1, removed), (1, added)) for path, rows in items]
        # two passes over the articles (keys, then counts), so that only one article's counts are
        # held at a time: all of a 20,000-passage buffer's would take hundreds of MB
        keys: set[str] = set()
        for _, _, rows in changes:
            keys.update(_vocab_counts((r.doc, r.start) for r in rows))
        records = self.vocab.get(ids=list(keys))
        entries = {key: json.loads(records[key][_PAYLOAD]) if key in records else {} for key in keys}
        for path, sign, rows in changes:
            for key, forms in _vocab_counts((r.doc, r.start) for r in rows).items():
                _apply_vocab(entries[key], path, sign, forms)
        changed = {key: {_PAYLOAD: json.dumps(forms, ensure_ascii=False)} for key, forms in entries.items() if forms}
        if changed:
            self.vocab.upsert(changed)
        gone = [key for key, forms in entries.items() if not forms and key in records]
        if gone:
            self.vocab.delete(gone)

    def _update_first_article(self, stats: dict) -> None:
        """The first article in corpus order and its title (the in-memory restorer reads that
        title before the passages, so the remote one must too)."""
        first = stats.get("first_article", "")
        candidates = [path for path, c in self._changes.items() if c.new]
        if first and first not in self._changes:
            candidates.append(first)
        elif first in self._changes and not self._changes[first].new:
            first = ""  # the first article went away: look for the next one among all articles
            candidates = []
        if candidates:
            best = min(candidates)
            change = self._changes.get(best)
            if change is not None:
                stats["first_article"], stats["first_title"] = best, next(iter(change.new.values())).title
            return
        stats["first_article"], stats["first_title"] = "", ""
        for path in sorted(self.article_records()):
            rows = self.get_passages(where={"article": path}, text=False, limit=1)
            if rows:
                stats["first_article"], stats["first_title"] = path, rows[0].passage.title
                return

    # -- repair ------------------------------------------------------------------------------------

    def rebuild_term_index(self, batch: int = 5000) -> None:
        """Build the term index, vocabulary and statistics again from every stored passage (after a
        killed run, or for a generation written before the term index existed). Writer-side only:
        it reads the whole passages collection, in pages."""
        started = time.perf_counter()
        self.terms.drop()
        self.vocab.drop()
        self._state = {"next_ord": 0, "next_segment": 1, "dirty": True}
        self._stats = {}
        self._save_state()
        self._changes.clear()
        self._buffered = 0
        self._segment = 0
        self._fresh = False  # every stored passage is in again: later writes must look them up
        self._written = set()
        total = self.count()
        for offset in range(0, total, batch):
            stored = self.page_passages(offset, batch)
            ids, metas = [], []
            for s in stored:
                number = self._state["next_ord"]
                self._state["next_ord"] += 1
                about = _about(s.passage, self._title_provinces)
                meta = {"ord": number, "lseg": self._segment}
                if about:
                    meta["about"] = about
                ids.append(s.id)
                metas.append(meta)
                change = self._changes.setdefault(s.passage.article, _ArticleChange([]))
                p = s.passage
                change.new[s.id] = _Row(s.id, number, self._segment, p.article, p.title, p.section, p.text,
                                        p.start, p.date, about)
                self._buffered += 1
            self.update_passage_metadata(ids, metas)
        self.flush()
        self.lexical_seconds += time.perf_counter() - started


def _apply_vocab(forms: dict, article: str, sign: int, counts: dict[str, list]) -> None:
    """Add (sign 1) or take out (sign -1) one article's counts of one key.

    `forms` maps each accented form to [count, articles holding it, first occurrences]: the
    first occurrences are (article, passage start, word index) of the FIRST_POSITIONS articles
    that come first in corpus order among those holding the form — always a prefix of that
    order, so the first one is exact for as long as the list is not empty. A list emptied by
    deletions stays empty (the form then loses ties; `assistant index --full` refills it).
    """
    for form, (count, (start, index)) in counts.items():
        entry = forms.get(form)
        if sign < 0:
            if entry is None:
                continue
            entry[0] -= count
            entry[1] -= 1
            entry[2] = [p for p in entry[2] if p[0] != article]
            if entry[0] <= 0 or entry[1] <= 0:
                del forms[form]
            continue
        if entry is None:
            entry = forms[form] = [0, 0, []]
        position = [article, start, index]
        complete = len(entry[2]) == entry[1]
        entry[0] += count
        entry[1] += 1
        if complete or (entry[2] and position < entry[2][-1]):
            entry[2] = sorted(entry[2] + [position])[:FIRST_POSITIONS]


# -- the read side ---------------------------------------------------------------------------------


class _TermStats:
    """Document frequencies of some terms, answering as lexical.BM25 would (more are fetched on demand)."""

    def __init__(self, index: "RemoteIndex", space: str, dfs: dict[str, int]):
        self._index = index
        self._space = space
        self._dfs = dfs
        n = index.n_docs
        min_df = int(index.stats.get("min_df", {}).get(space, 0))
        self.max_idf = float(_idf(n, min_df)) if min_df > 0 else 1.0

    def _df(self, term: str) -> int:
        if term not in self._dfs:
            self._dfs.update(self._index._head_dfs(self._space, [term]))
        return self._dfs[term]

    def idf(self, term: str) -> float:
        df = self._df(term)
        return float(_idf(self._index.n_docs, [df])[0]) if df > 0 else 0.0

    def has(self, term: str) -> bool:
        return self._df(term) > 0


class RemoteIndex(ReadIndex):
    """The read side of a generation on a Chroma server: each question asks the server for what
    it needs (candidates, their passages, term statistics, vocabulary) and nothing more."""

    _CACHE_LIMIT = 20_000  # passages kept between questions (cleared beyond this)
    _TIE_LIMIT = 3  # passages tied at the cut-off beyond this many times n are not all fetched

    def __init__(self, store: PassageStore, embeddings, stats: dict, keys: LexicalKeys = DEFAULT_TUNING.lexical):
        self.embeddings = embeddings
        self.store = store
        self.stats = stats
        self.keys = keys
        self.n_docs = int(stats.get("passages", 0))
        self._terms = store.side(TERMS, (_PAYLOAD,))
        self._vocab = store.side(VOCAB, (_PAYLOAD,))
        self._passages: dict[str, Passage] = {}
        self._meta: dict[str, tuple[str, int, frozenset[str]]] = {}  # id -> (article, start, about)
        self._by_ord: dict[int, str] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._dfs: dict[str, dict[str, int]] = {EXACT: {}, FOLDED: {}}
        self._article_texts: dict[str, str] = {}
        self._article_words: dict[str, set[str]] = {}
        self._vocab_entries: dict[str, dict] = {}
        # questions of several UI sessions share this reader: the caches are cleared and filled
        # under one lock, and a lookup keeps what it fetched itself rather than read it back
        self._cache_lock = threading.Lock()

    def __len__(self) -> int:
        return self.n_docs

    @property
    def province_counts(self) -> dict[str, int]:
        return self.stats.get("provinces", {})

    # -- caching what the server sent ---------------------------------------------------------------

    def _remember(self, stored: Iterable[StoredPassage], with_text: bool = True) -> None:
        with self._cache_lock:
            if len(self._meta) > self._CACHE_LIMIT:
                self._passages.clear()
                self._meta.clear()
                self._by_ord.clear()
                self._vectors.clear()
            for s in stored:
                meta = s.metadata
                self._meta[s.id] = (s.passage.article, s.passage.start, frozenset(meta.get("about") or ()))
                if "ord" in meta:
                    self._by_ord[int(meta["ord"])] = s.id
                if with_text:
                    self._passages[s.id] = s.passage
                if s.vector is not None:
                    self._vectors[s.id] = s.vector

    def _ensure_meta(self, ids: list[str]) -> None:
        missing = [pid for pid in dict.fromkeys(ids) if pid not in self._meta]
        if missing:
            self._remember(self.store.get_passages(ids=missing))

    def sort_key(self, passage_id: str):
        """Corpus order, (article, start), as the embedded index's position (ties between equally
        ranked passages go the same way in both)."""
        self._ensure_meta([passage_id])
        article, start, _ = self._meta.get(passage_id, ("\uffff", 0, frozenset()))
        return (article, start)

    # -- candidates ----------------------------------------------------------------------------------

    def dense_candidates(self, vector: np.ndarray, n: int, province: str | None = None) -> Candidates:
        if not self.n_docs:
            return []
        where = {"about": {"$contains": province}} if province else None
        hits = self.store.query(vector, n, where=where)
        self._remember(hits)
        hits.sort(key=lambda h: (-h.score, h.passage.article, h.passage.start))
        return [(h.id, h.score) for h in hits]

    def _postings(self, keys: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Every segment of these term keys, joined per key."""
        if not keys:
            return {}
        parts: dict[str, list] = {}
        for meta in self._terms.get(where={"k": {"$in": keys}}).values():
            parts.setdefault(meta["k"], []).append(_unpack(meta[_PAYLOAD], int(meta["n"])))
        return {
            key: tuple(np.concatenate([p[i] for p in segs]) for i in range(3)) for key, segs in parts.items()
        }

    def _avg_length(self, space: str) -> float:
        # lexical.BM25 takes float32 lengths' mean (float32); the same here from the total
        total = int(self.stats.get("length", {}).get(space, 0))
        return float(np.float32(total) / np.float32(self.n_docs)) if self.n_docs else 1.0

    def lexical_candidates(self, terms: list[str], folded: bool, n: int, province: str | None = None) -> Candidates:
        if not self.n_docs or n <= 0:
            return []
        space = FOLDED if folded else EXACT
        unique = list(dict.fromkeys(terms))
        keys = [space + t for t in unique] + ([ABOUT + province] if province else [])
        postings = self._postings(keys)
        about = postings.pop(ABOUT + province, None) if province else None
        present = [(t, postings[space + t]) for t in unique if space + t in postings]
        for t in unique:  # document frequencies come with the postings: keep them for term_stats
            self._dfs[space][t] = len(postings[space + t][0]) if space + t in postings else 0
        if not present:
            return []
        # scores over passage numbers, dense (numbers are < the number of passages ever written in
        # this generation): a scatter per term, no sort or hash of millions of postings
        size = 1 + max((int(p[0].max()) for _, p in present if len(p[0])), default=-1)
        scores = np.zeros(size, dtype=np.float32)
        avg = max(self._avg_length(space), 1e-6)
        k1, b = BM25_K1, BM25_B
        for _, (ords, tfs, lens) in present:  # the order lexical.BM25.scores adds them in
            idf = _idf(self.n_docs, [len(ords)])[0]
            lengths = lens.astype(np.float32)
            tf = tfs.astype(np.float32)
            norm = k1 * (1 - b + b * lengths / avg)
            weights = (tf * (k1 + 1) / (tf + norm)).astype(np.float32)
            scores[ords] += np.float32(idf) * weights  # a passage appears once per term
        if about is not None:
            allowed = np.zeros(size, dtype=bool)
            allowed[about[0][about[0] < size]] = True
            scores[~allowed] = 0
        all_ords = np.flatnonzero(scores > 0)
        scores = scores[all_ords]
        if not len(scores):
            return []
        order = np.argsort(-scores, kind="stable")
        cut = scores[order[min(n, len(order)) - 1]]
        group = order[scores[order] >= cut]  # the top n and everything tied with the n-th
        if len(group) > self._TIE_LIMIT * n:
            # a large tie at the cut-off (duplicate passages): the first by passage number, which
            # is write order — corpus order after a full build — instead of fetching them all
            above = order[scores[order] > cut]
            tied = order[scores[order] == cut]  # all_ords is sorted, so `tied` is in number order
            group = np.concatenate([above, np.sort(tied)[: n - len(above)]])
        ords = [int(o) for o in all_ords[group]]
        found = self._fetch_ords(ords, with_text=True)
        ranked = sorted(
            ((found[o][0], float(s), found[o][1:]) for o, s in zip(ords, scores[group]) if o in found),
            key=lambda item: (-item[1],) + item[2],
        )
        return [(pid, score) for pid, score, _ in ranked[:n]]

    def _fetch_ords(self, ords: list[int], with_text: bool) -> dict[int, tuple[str, str, int]]:
        """(id, article, start) of the passages with these numbers, from the caches or the server
        (a number no passage has any more is left out); kept here rather than read back from the
        caches, which the fetch itself may clear past _CACHE_LIMIT."""
        found: dict[int, tuple[str, str, int]] = {}
        missing = []
        for o in ords:
            pid = self._by_ord.get(o)
            meta = self._meta.get(pid) if pid is not None else None
            if meta is None:
                missing.append(o)
            else:
                found[o] = (pid, meta[0], meta[1])
        for i in range(0, len(missing), 1000):
            rows = self.store.get_passages(where={"ord": {"$in": missing[i : i + 1000]}}, text=with_text)
            self._remember(rows, with_text=with_text)
            found.update((int(r.metadata["ord"]), (r.id, r.passage.article, r.passage.start))
                         for r in rows if "ord" in r.metadata)
        return found

    def _head_dfs(self, space: str, terms: list[str]) -> dict[str, int]:
        heads = self._terms.get(ids=[space + t for t in terms])
        return {t: int(heads.get(space + t, {}).get("df", 0)) for t in terms}

    def term_stats(self, terms: Iterable[str], folded: bool) -> _TermStats:
        space = FOLDED if folded else EXACT
        known = self._dfs[space]
        missing = [t for t in dict.fromkeys(terms) if t not in known]
        if missing:
            known.update(self._head_dfs(space, missing))
        return _TermStats(self, space, known)

    # -- passages ------------------------------------------------------------------------------------

    def passages(self, ids: list[str]) -> list[Passage]:
        # what was cached may be cleared by the fetch of the rest (past _CACHE_LIMIT), here or
        # in another thread: both halves are kept in `found`
        found = {pid: self._passages.get(pid) for pid in dict.fromkeys(ids)}
        missing = [pid for pid, passage in found.items() if passage is None]
        if missing:
            rows = self.store.get_passages(ids=missing)
            self._remember(rows)
            found.update((s.id, s.passage) for s in rows)
        return [found[pid] for pid in ids]

    def cosines(self, ids: list[str], vector: np.ndarray) -> list[float]:
        found = {pid: self._vectors.get(pid) for pid in dict.fromkeys(ids)}
        missing = [pid for pid, v in found.items() if v is None]
        if missing:
            rows = self.store.get_passages(ids=missing, vectors=True)
            self._remember(rows)
            found.update((s.id, s.vector) for s in rows)
        return [float(found[pid] @ np.asarray(vector, dtype=np.float32)) for pid in ids]

    def provinces_of(self, passage_id: str) -> set[str]:
        self._ensure_meta([passage_id])
        entry = self._meta.get(passage_id)
        return set(entry[2]) if entry else set()

    def _article_rows(self, article: str) -> list[Passage]:
        rows = self.store.get_passages(where={"article": article})
        self._remember(rows)
        return [s.passage for s in sorted(rows, key=lambda s: s.passage.start)]

    def article_text(self, article: str) -> str:
        text = self._article_texts.get(article)
        if text is None:
            rows = self._article_rows(article)
            parts = [rows[0].title] if rows else []
            parts += [p.section + " " + p.text for p in rows]
            text = self._article_texts[article] = " " + " ".join(lexical.surface_words(" ".join(parts))) + " "
        return text

    def article_words(self, article: str) -> set[str]:
        words = self._article_words.get(article)
        if words is None:
            words = self._article_words[article] = set(self.article_text(article).split())
        return words

    def passages_about(self, province: str) -> list[tuple[str, Passage]]:
        rows = self.store.get_passages(where={"about": {"$contains": province}})
        self._remember(rows)
        rows.sort(key=lambda s: (s.passage.article, s.passage.start))
        return [(s.id, s.passage) for s in rows]

    def overview(self) -> Overview:
        provinces = sorted(self.province_counts.items(), key=lambda item: (-item[1], item[0]))
        return Overview(
            articles=int(self.stats.get("articles", 0)),
            passages=self.n_docs,
            first_date=self.stats.get("first_date", ""),
            last_date=self.stats.get("last_date", ""),
            provinces=provinces,
        )

    # -- diacritics ----------------------------------------------------------------------------------

    def restore(self, text: str) -> str:
        words = [fold(w) for w in _WORD_RE.findall(text)]
        keys = ["u" + w for w in words] + ["b" + a + " " + b for a, b in zip(words, words[1:])]
        missing = [k for k in dict.fromkeys(keys) if k not in self._vocab_entries]
        if missing:
            got = self._vocab.get(ids=missing)
            for key in missing:
                self._vocab_entries[key] = json.loads(got[key][_PAYLOAD]) if key in got else {}
        title = _vocab_counts([(self.stats.get("first_title", ""), -1)])
        restorer = DiacriticRestorer([])
        best: dict[str, str] = {}
        for key in dict.fromkeys(keys):
            forms: dict[str, list] = {}
            for form, (count, _, firsts) in self._vocab_entries[key].items():
                # a form whose first occurrences were all deleted loses ties (see _apply_vocab)
                forms[form] = [count, tuple(firsts[0]) if firsts else ("\uffff", 0, 0)]
            for form, (count, (_, index)) in title.get(key, {}).items():
                entry = forms.setdefault(form, [0, None])
                entry[0] += count
                entry[1] = ("", -1, index)  # the title is read before every passage
            if forms:
                best[key] = min(forms, key=lambda form: (-forms[form][0], forms[form][1], form))
        restorer._uni = {k[1:]: v for k, v in best.items() if k[0] == "u"}
        restorer._bi = {tuple(k[1:].split(" ")): tuple(v.split(" ")) for k, v in best.items() if k[0] == "b"}
        return restorer.restore(text)


# -- the backend -----------------------------------------------------------------------------------


STAMP_SECONDS = 5.0  # how stale a reader's view of the stamp may be (one request per question otherwise)
_STAMPS: dict[str, tuple[float, str]] = {}  # server URL -> (when asked, stamp)


class ServerBackend(IndexBackend):
    """Generations of collections on a Chroma server; readers ask the server (RemoteIndex)."""

    def __init__(self, settings: Settings):
        self.url = settings.chroma_url
        self.location = settings.chroma_url
        self.keys = settings.tuning.lexical
        self.server = ChromaServer(settings.chroma_url)

    def built(self) -> bool:
        return bool(self.server.live_generation())

    def live_generation(self) -> str:
        return self.server.live_generation()

    def list_generations(self) -> list[str]:
        return self.server.generations()

    def _flush(self, generation: str) -> None:
        for store in list(_OPEN_WRITERS):
            if store.location == self.url and store.generation == generation:
                store.flush()

    def make_live(self, generation: str) -> None:
        self._flush(generation)  # readers must find the generation's term index complete
        self.server.make_live(generation)
        _STAMPS.pop(self.url, None)

    def drop_generation(self, generation: str) -> None:
        if not generation or generation == self.live_generation():
            return
        for store in list(_OPEN_WRITERS):
            if store.location == self.url and store.generation == generation:
                _OPEN_WRITERS.discard(store)
                store._changes.clear()
                store._segment = -1
        self.server.drop(generation)

    def touch_stamp(self) -> None:
        self._flush(self.live_generation())
        self.server.touch_stamp()
        _STAMPS.pop(self.url, None)

    def stamp(self) -> str:
        """The pointer's `generation:stamp`, asked of the server at most every STAMP_SECONDS (a
        change made by this process is seen at once)."""
        now = time.monotonic()
        cached = _STAMPS.get(self.url)
        if cached is None or now - cached[0] > STAMP_SECONDS:
            cached = _STAMPS[self.url] = (now, self.server.stamp())
        return cached[1]

    def open_store(self, generation: str | None = None) -> ServerStore:
        gen = generation or self.live_generation() or FIRST_GENERATION
        return self.server.open_store(gen, ServerStore, keys=self.keys)

    def open_reader(self, embeddings, stamp: str) -> ReadIndex:
        """The live generation (as the stamp names it) read through the server.

        A generation written before the term index existed has no statistics: it is read whole
        into memory as before (`embedded.PassageIndex`) until a writer builds its term index.
        """
        generation = stamp.split(":", 1)[0] if stamp else self.live_generation()
        store = self.server.open_store(generation or FIRST_GENERATION)
        store.check_model(embeddings.model_id)
        stats = json.loads(store.side(TERMS, (_PAYLOAD,)).info().get(_STATS_KEY, "{}"))
        if not stats and store.count():
            from .embedded import PassageIndex

            return PassageIndex.from_store(store, embeddings, self.keys)
        if stats and stats.get("lexical") != lexical.key_version(self.keys):
            raise IndexError_(
                f"the term index on the Chroma server at {self.url} was built with other lexical keys "
                f"({stats.get('lexical')}, configured {lexical.key_version(self.keys)}): run "
                "`assistant index --full`"
            )
        return RemoteIndex(store, embeddings, stats, self.keys)


__all__ = ["RemoteIndex", "ServerBackend", "ServerStore", "SideCollection"]
